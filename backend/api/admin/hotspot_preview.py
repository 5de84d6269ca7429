"""POST /api/v1/admin/hotspots/preview: what a hotspot would change, before the officer saves it.

Nothing is stored: the candidate is tried on a fork of the area's live router in a worker thread (CPU work never
runs on the event loop) against sample routes from the area's schools.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.api.admin.hotspots import ROLES, placed
from backend.bodies import read_body
from backend.errors import ApiError
from backend.hotspots import service
from backend.hotspots.bodies import HotspotDraft
from backend.hotspots.models import Hotspot
from backend.openapi import doc
from backend.state import app_state
from routing.hotspot_effect import CANDIDATE_ID, hotspot_effect
from routing.router import DetourCap

EFFECT = {
    "type": "object",
    "required": ["verdict", "warning", "message", "sampled", "used", "changed"],
    "properties": {
        "verdict": {"enum": ["changes_routes", "no_alternative", "unused", "no_streets"]},
        "warning": {"type": "boolean"},
        "message": {"type": "string"},
        "sampled": {"type": "integer"},
        "used": {"type": "integer"},
        "changed": {"type": "integer"},
        "still_passing": {"type": "integer"},
        "streets_inside": {"type": "array", "items": {"type": "string"}},
    },
}


def _when(windows: list[dict[str, Any]], now: dt.datetime) -> dt.datetime:
    """A moment the candidate is active: in its first window, else the next weekday at 15:30 (school leaving)."""
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo("Europe/London"))
    days = windows[0]["days"] if windows else [1, 2, 3, 4, 5]
    hour, minute = (int(x) for x in (windows[0]["start"] if windows else "15:30").split(":"))
    for offset in range(1, 9):
        day = (local + dt.timedelta(days=offset)).date()
        if day.isoweekday() in days:
            start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=local.tzinfo)
            return start + dt.timedelta(minutes=1 if windows else 0)
    return local


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def explain(effect: dict[str, Any]) -> str:
    n, used, changed = effect["sampled"], effect["used"], effect["changed"]
    cap = effect["detour_cap"]
    limit = f"at most {cap['max_pct']:g}% or {cap['max_m']:g} m longer"
    streets = effect["streets_inside"]
    verdict = effect["verdict"]
    if verdict == "no_streets":
        return (
            "No street we have data for lies inside this area, so it would change no route. "
            "Move it onto the streets or make it bigger."
        )
    if verdict == "unused" and n == 0:
        return "There are no schools near enough to test routes from, so its effect could not be checked."
    if verdict == "unused":
        return (
            f"None of the {n} sample routes from nearby schools uses a street inside it, so it would change none "
            f"of them. Streets inside: {_listed(streets) if streets else 'none named'}."
        )
    if verdict == "no_alternative":
        return (
            f"{used} of {n} sample routes from nearby schools pass through it, but none has another way round "
            f"within the detour limit ({limit}), so it would move none of them. Young people on these routes "
            f"will be told to take care on {_listed(streets) if streets else 'the streets inside it'}."
        )
    text = f"It would move {changed} of {n} sample routes from nearby schools round it."
    if effect["still_passing"]:
        text += (
            f" {effect['still_passing']} still pass through it because there is no other way round within the "
            f"detour limit ({limit}); those walkers will be told to take care."
        )
    return text


@doc(
    summary="Try a hotspot before saving it: how many sample school routes it changes, with a warning if none",
    tags=["hotspots"],
    security="staff",
    body=HotspotDraft,
    responses={200: EFFECT, 403: "error", 422: "error"},
)
async def preview_hotspot(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    body = await read_body(request, HotspotDraft)
    area, values = placed(state, staff, body, ignore=("notes", "expires_at"))
    router = state.routers.get(area)
    if router is None:
        raise ApiError(422, "no_streets", "This area has no street data loaded, so routes cannot be tried.")
    fields = {k: values.get(k) for k in ("lat", "lon", "radius_m", "polygon")}
    unsaved = Hotspot(
        id=CANDIDATE_ID, area=area, notes="", weight=values.get("weight", 1.0),
        windows=values.get("windows") or [], expires_at=None, **fields,
    )  # fmt: skip
    candidate = service.to_routing(unsaved)
    centre = service.centre(fields)
    schools = [(s.lat, s.lon) for s in state.areas[area].schools]
    at = _when(values.get("windows") or [], dt.datetime.now(dt.UTC))
    effect = await asyncio.to_thread(
        hotspot_effect, router, candidate=candidate, centre=centre, schools=schools, at=at, cap=DetourCap()
    )
    return JSONResponse(
        {**effect, "warning": effect["verdict"] != "changes_routes", "message": explain(effect)},
        headers={"cache-control": "no-store"},
    )


routes: list[BaseRoute] = [
    Route("/api/v1/admin/hotspots/preview", preview_hotspot, methods=["POST"]),
]
