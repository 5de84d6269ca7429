"""The perceived-safety layer for officers (issue 16 item 4): see the survey's 'where I feel unsafe' squares (10 or
more answers each), what adding them to routing would do to sample school routes, and turn it on or off."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend import surfaces
from backend.accounts.guard import require_staff
from backend.api.admin.area_scope import AREA_PARAM, area_in_scope
from backend.api.admin.havens import audited
from backend.bodies import Body, Says, read_body
from backend.openapi import doc
from backend.params import LONDON
from backend.responses import JSONResponse
from backend.state import app_state
from backend.surveys import perceived
from routing.layer_effect import layer_effect
from routing.router import DetourCap
from routing.surface import OFFICER_LAYERS, Surface, compose

ROLES = {"officer"}


class LayerSwitch(Body):
    """Turn the perceived-safety layer on or off."""

    invalid_code = "invalid_choice"

    enabled: Annotated[bool, Says("Choose on or off.")] = Field(title="Layer on")


MAX_CENTRES = 4


def _school_leaving(now: dt.datetime) -> dt.datetime:
    """Today (or the next weekday) at 15:30 London time: when the routes that matter are walked."""
    day = now.astimezone(LONDON).date()
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(15, 30), tzinfo=LONDON)


def _effect_words(effect: dict[str, Any] | None, *, squares: int) -> str:
    if squares == 0:
        return ("No 100 metre square has 10 or more answers yet, so there is nothing to add to routing. "
                "Squares appear here once enough young people have answered the travel survey.")  # fmt: skip
    if effect is None or effect["sampled"] == 0:
        return (
            "No sample school route could be tried through these squares, so their effect is not known yet."
        )
    if effect["changed"] == 0:
        return (f"Of {effect['sampled']} sample school routes through these squares, none would change: the "
                "crime data already steer the same way, or there is no other way within the detour limit.")  # fmt: skip
    return (f"Of {effect['sampled']} sample school routes through these squares, {effect['changed']} would take "
            "another way when this is on.")  # fmt: skip


def _with_and_without(router: Any, inputs: dict[str, Any]) -> list[Surface]:
    """The area's surface with the perceived-safety layer on, then off: its layers built once, composed twice."""
    policy = inputs.pop("policy")
    layers = surfaces.surface_layers(router, **inputs)
    return [compose(layers, n_edges=router.graph.n_edges, policy=replace(policy, officer_layers_on=on))
            for on in (OFFICER_LAYERS, frozenset())]  # fmt: skip


@doc(summary="The survey's perceived-safety squares for an area, and what they would do to routes",
     tags=["surveys", "staff"], params=[AREA_PARAM],
     responses={200: {"type": "object", "required": ["enabled", "squares", "message"]}, 403: "error",
                404: "error"}, security="staff")  # fmt: skip
async def get_layer(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    area = area_in_scope(request, staff)
    state = app_state(request)
    found = await perceived.squares(area=area)
    enabled = await perceived.is_on(area=area)
    router = state.routers.get(area)
    effect = None
    if found.counts and router is not None:
        inputs = await surfaces.surface_inputs(settings=state.settings, area=state.areas[area], router=router)
        with_layer, without = await asyncio.to_thread(_with_and_without, router, inputs)
        busiest = sorted(found.counts, key=lambda sq: -found.counts[sq])[:MAX_CENTRES]
        effect = await asyncio.to_thread(
            layer_effect, router, with_layer=with_layer.base, without_layer=without.base,
            centres=[perceived.centre_of(sq) for sq in busiest],
            schools=[(s.lat, s.lon) for s in state.areas[area].schools],
            at=_school_leaving(dt.datetime.now(dt.UTC)), cap=DetourCap(),
        )  # fmt: skip
    squares = [{"lat": round(lat, 5), "lon": round(lon, 5), "answers": n}
               for sq, n in sorted(found.counts.items(), key=lambda kv: -kv[1])
               for lat, lon in [perceived.centre_of(sq)]]  # fmt: skip
    return JSONResponse(
        {"area": area, "enabled": enabled, "squares": squares, "from": found.first_month, "to": found.last_month,
         "effect": effect, "message": _effect_words(effect, squares=len(squares))},
        headers={"cache-control": "no-store"},
    )  # fmt: skip


@doc(summary="Turn the perceived-safety layer on or off for an area (officers); the routes' risk is rebuilt",
     tags=["surveys", "staff"], params=[AREA_PARAM], body=LayerSwitch,
     responses={200: {"type": "object", "required": ["enabled"]}, 403: "error", 404: "error", 422: "error"},
     security="staff")  # fmt: skip
async def set_layer(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    area = area_in_scope(request, staff)
    switch = await read_body(request, LayerSwitch, max_bytes=200)
    async with audited(request, staff, action="survey.perceived_layer", object_type="area") as audit:
        await perceived.set_on(area=area, enabled=switch.enabled, staff_id=staff.id)
        await audit(area, {"enabled": switch.enabled})
    state = app_state(request)
    router = state.routers.get(area)
    rebuilt = False
    if router is not None:
        await surfaces.publish(
            settings=state.settings, area=state.areas[area], router=router, sync=state.surface_sync
        )
        rebuilt = True
    return JSONResponse({"area": area, "enabled": switch.enabled, "rebuilt": rebuilt})


routes: list[BaseRoute] = [
    Route("/api/v1/admin/surveys/perceived", get_layer, methods=["GET"]),
    Route("/api/v1/admin/surveys/perceived", set_layer, methods=["PUT"]),
]
