"""GET /api/v1/havens: the nearest places to go, by walking distance, with open state and escalation."""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_datetime, query_float, query_int, query_str
from backend.places import area_for_point
from backend.responses import JSONResponse
from backend.settings import HALF_THE_CORES
from backend.state import app_state
from havens.index_cache import area_index
from havens.nearest import HavenIndex
from havens.queries import escalation, nearest_in_index
from routing.router import MAX_SNAP_M

log = logging.getLogger("wayhome.api.havens")

NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
HAVEN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "kind", "lat", "lon", "distance_m", "walk_s", "open_now", "opens_at", "closes_at",
                 "closes_in_min", "closing_soon", "open_on_arrival", "verified_at", "sample", "needs_verification"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "kind": {"enum": ["citysafe_haven", "public_place", "other"]},
        "address": {"type": "string"},
        "postcode": {"type": "string"},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "distance_m": {"type": "number"},
        "walk_s": {"type": "integer"},
        "opening_hours": {"type": ["string", "null"]},
        "hours_known": {"type": "boolean"},
        "open_now": {"type": ["boolean", "null"]},
        "opens_at": NULLABLE_TIME,
        "closes_at": NULLABLE_TIME,
        "closes_in_min": {"type": ["integer", "null"]},
        "closing_soon": {"type": "boolean"},
        "open_on_arrival": {"type": ["boolean", "null"],
                            "description": "still open 10 minutes after arriving at walk_s (null: hours unknown)"},
        "verified_at": NULLABLE_TIME,
        "verified": {"type": "boolean", "description": "a staff member verified it in the console"},
        "source_date": {"type": ["string", "null"], "description": "when its source listed it: 2022 or 2026-11-25"},
        "source_name": {"type": "string"},
        "caveat": {"type": "string", "description": "what the source itself says is uncertain"},
        "needs_verification": {"type": "boolean"},
        "sample": {"type": "boolean"},
        "website": {"type": "string"},
        "accessibility": {"type": "string"},
    },
}  # fmt: skip
ESCALATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["needed", "message", "contacts", "open_further"],
    "properties": {
        "needed": {"type": "boolean"},
        "open_further": {
            "type": "array",
            "items": HAVEN_SCHEMA,
            "description": "when needed: the nearest places open on arrival beyond a 15-minute walk",
        },
        "message": {"type": "string"},
        "contacts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "phone", "when"],
                "properties": {
                    "name": {"type": "string"},
                    "phone": {"type": "string"},
                    "when": {"type": "string"},
                    "age_max": {"type": ["integer", "null"]},
                    "evidence": {"type": "string"},
                    "checked_on": {"type": ["string", "null"], "format": "date"},
                },
            },
        },
    },
}
RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["area", "at", "distance_basis", "havens", "escalation", "notes"],
    "properties": {
        "area": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
        "distance_basis": {"enum": ["walking", "straight_line"]},
        "havens": {"type": "array", "items": HAVEN_SCHEMA},
        "escalation": ESCALATION_SCHEMA,
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}


STRAIGHT_NOTE = "distances are in a straight line and walking times are estimates."


# Bounded like the route pool: the walking-distance tree search and KD queries are numba/SciPy work, so they run
# here and not on the event loop; a few threads are enough for requests that take milliseconds each.
HAVENS_THREADS = max(2, HALF_THE_CORES)
_havens_pool = ThreadPoolExecutor(max_workers=HAVENS_THREADS, thread_name_prefix="havens")


def _walk_function(state: Any, area: str, lat: float, lon: float) -> tuple[Any, list[str]]:
    """The area's walking-distance function, or None (straight line) with a note saying why."""
    router = state.routers.get(area)
    if router is None or not hasattr(router, "walk_lengths_m"):
        return None, [f"No street network is loaded for this area: {STRAIGHT_NOTE}"]
    if getattr(router, "streets_coverage", "full") != "full":
        return None, [f"The street network covers only part of this area: {STRAIGHT_NOTE}"]
    if router.snap_many([lat], [lon])[1][0] > MAX_SNAP_M:
        return None, [f"This place is beyond the streets WayHome has for this area: {STRAIGHT_NOTE}"]

    def walk(lat: float, lon: float, targets: np.ndarray, *, max_m: float) -> np.ndarray:
        return np.asarray(router.walk_lengths_m(lat, lon, targets, max_m=max_m), dtype=float)

    return walk, []


def _nearest(state: Any, index: HavenIndex, **query: Any) -> dict[str, Any]:
    """Snap, walking distances and open state (runs in the havens pool); straight lines if the search fails."""
    area, lat, lon = query["area"], query["lat"], query["lon"]
    walk, notes = _walk_function(state, area, lat, lon)
    try:
        result = nearest_in_index(index, **query, walk_lengths_m=walk)
    except Exception:
        if walk is None:
            raise
        log.exception("walking distances failed; falling back to straight line", extra={"area": area})
        result = nearest_in_index(index, **query)
        notes = ["Walking distances are unavailable just now: distances are in a straight line."]
    result["notes"] = notes
    return result


@doc(
    summary="Nearest Havens and public places by walking distance, with open state and who to call",
    tags=["havens"],
    params=[
        {"name": "lat", "required": True, "schema": {"type": "number", "minimum": -90, "maximum": 90}},
        {"name": "lon", "required": True, "schema": {"type": "number", "minimum": -180, "maximum": 180}},
        {"name": "limit", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5}},
        {"name": "at", "required": False, "schema": {"type": "string", "format": "date-time"}},
        {"name": "open", "required": False, "schema": {"enum": ["any", "open", "open_or_unknown"], "default": "any"}},
        {"name": "max_m", "required": False,
         "schema": {"type": "number", "minimum": 50, "maximum": 20000, "default": 5000}},
    ],
    responses={200: RESPONSE_SCHEMA, 422: "error"},
)  # fmt: skip
async def list_havens(request: Request) -> JSONResponse:
    state = app_state(request)
    lat = query_float(request, "lat", min=-90, max=90)
    lon = query_float(request, "lon", min=-180, max=180)
    limit = query_int(request, "limit", min=1, max=50, default=5)
    at = query_datetime(request, "at")
    open_filter = query_str(
        request, "open", max_len=20, default="any", choices=("any", "open", "open_or_unknown")
    )
    max_m = query_float(request, "max_m", min=50, max=20_000, default=5_000.0)
    area = area_for_point(state, lat, lon)
    if area is None:
        raise ApiError(
            422, "outside_areas", "That point is outside the areas WayHome covers. If you are in danger, call 999.",
            {"areas": sorted(state.areas), "escalation": escalation(needed=True, reason="We have no places listed here yet.")},
        )  # fmt: skip
    index = await area_index(area)
    result = await asyncio.get_running_loop().run_in_executor(
        _havens_pool,
        functools.partial(
            _nearest, state, index, area=area, lat=lat, lon=lon, at=at, limit=limit, open_filter=open_filter,
            max_m=max_m,
        ),
    )  # fmt: skip
    return JSONResponse(result)


routes: list[BaseRoute] = [Route("/api/v1/havens", list_havens, methods=["GET"])]
