"""GET /api/v1/routes: shortest and safer walking routes inside one area. Nothing about the trip is stored."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend import surfaces
from backend.errors import ApiError
from backend.hotspots import service as hotspots
from backend.openapi import doc
from backend.params import query_datetime, query_float, query_str
from backend.places import ResolvedPoint, resolve_point
from backend.state import AppState, app_state
from backend.work_processes import in_route_threads
from havens.queries import haven_points
from routing.router import DetourCap, HavenRef, Router, RoutingError

log = logging.getLogger("wayhome.api.directions")

POINT_PARAM = {
    "type": "string",
    "maxLength": 100,
    "examples": ["51.6,-0.11", "school:100823", "postcode:SE15 5JR"],
}
ROUTE_FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"const": "Feature"},
        "geometry": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"const": "LineString"},
                "coordinates": {
                    "type": "array",
                    "minItems": 2,
                    "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                },
            },
        },
        "properties": {
            "type": "object",
            "required": [
                "kind",
                "length_m",
                "duration_s",
                "exposure",
                "exposure_saved_pct",
                "extra_length_m",
                "lit_fraction",
                "havens_nearby",
                "streets",
            ],
            "properties": {
                "kind": {"enum": ["shortest", "safer", "balanced"]},
                "length_m": {"type": "number", "minimum": 0},
                "duration_s": {"type": "number", "minimum": 0},
                "exposure": {
                    "type": "number",
                    "minimum": 0,
                    "description": "risk integrated along the route (risk-km)",
                },
                "exposure_saved_pct": {"type": "number"},
                "extra_length_m": {"type": "number"},
                "lit_fraction": {"type": "number", "minimum": 0, "maximum": 1},
                "havens_nearby": {"type": "array", "items": {"type": "integer"}},
                "streets": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}
ROUTES_SCHEMA = {
    "type": "object",
    "required": ["type", "features", "area", "data_as_of", "notes"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": ROUTE_FEATURE, "minItems": 2, "maxItems": 3},
        "area": {"type": "string"},
        "data_as_of": {"type": "object"},
        "notes": {"type": "array", "items": {"type": "string"}},
        "safer_found": {"type": "boolean"},
        "detour_cap": {"type": "object"},
        "walking_speed_mps": {"type": "number"},
    },
}


async def _search(state: AppState, router: Router, **query: Any) -> bytes:
    """The routes as JSON, searched off the event loop: in the work processes when there are some (no GIL
    shared with the loop), else in this process's bounded route threads."""
    if state.work_processes is not None:
        return await state.work_processes.routes_json(router, **query)
    return await in_route_threads(router, **query)


HAVENS_TTL_S = 30.0  # a Haven edit reaches routes within this; open state is keyed by the minute


async def _havens(state: AppState, area: str, at: dt.datetime) -> list[HavenRef]:
    """Open-state of the area's Havens at `at` (cached per area and minute: one DB query, not one per route)."""
    cache = state.route_havens
    key = (area, at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M"))
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and now - hit[0] < HAVENS_TTL_S:
        return hit[1]
    points = await haven_points(area=area, at=at)
    refs = [HavenRef(id=int(p.id), lat=float(p.lat), lon=float(p.lon), open_now=p.open_now) for p in points]
    if len(cache) > 256:
        cache.clear()
    cache[key] = (now, refs)
    return refs


def _notes(state: AppState, area: str, router: Router) -> list[str]:
    as_of = state.areas[area].data_as_of
    crime = as_of.get("crime", "unknown") if isinstance(as_of, dict) else str(as_of)
    streets = as_of.get("streets", "unknown") if isinstance(as_of, dict) else "unknown"
    notes = [f"Crime data up to {crime}; streets from OpenStreetMap as of {streets}."]
    notes += surfaces.layer_notes(router)
    if router.streets_coverage != "full":
        notes.append("Street data covers only part of this area, so some trips cannot be routed yet.")
    return notes


async def router_for(state: AppState, area: str) -> Router:
    """The area's router, with officer hotspots checked against the database (at most once a second)."""
    router: Router | None = state.routers.get(area)
    if router is None:
        raise ApiError(422, "no_street_data", "We do not have street data for this area yet.", {"area": area})
    await hotspots.sync_if_stale(router, area=area, sync=state.hotspot_sync)
    await surfaces.sync_if_stale(router, settings=state.settings, area=area, sync=state.surface_sync)
    return router


def plain_routing_error(
    exc: RoutingError, *, area_name: str, coverage: str, ends: tuple[ResolvedPoint, ResolvedPoint]
) -> ApiError:
    """The router's refusal as a sentence a young person can act on (no "'from' point", no codes)."""
    details = {**exc.details, "streets": coverage}
    end = ends[0] if exc.details.get("point") == "from" else ends[1]
    if exc.code == "no_street_nearby" and coverage != "full":
        message = (
            f"Routes in this part of {area_name} need the borough's street map, which this server has not "
            "downloaded yet. The distance in a straight line is shown instead."
        )
    elif exc.code == "no_street_nearby" and end.kind in ("school", "postcode"):
        message = (
            f"WayHome does not have the streets around {end.label} yet, so it cannot draw a walking route "
            "from there. The distance in a straight line is shown instead."
        )
    elif exc.code == "no_street_nearby":
        start_or_end = "The start" if exc.details.get("point") == "from" else "The end"
        message = f"{start_or_end} of this trip is too far from any street WayHome knows. Choose a place on a street."
    elif exc.code == "unreachable":
        message = "WayHome cannot find streets that join these two places. Try a place nearby on a main road."
    else:
        message = exc.message
    return ApiError(422, exc.code, message, details)


@doc(
    summary="Shortest and safer walking routes between two points of one area",
    tags=["routes"],
    params=[
        {"name": "from", "in": "query", "required": True, "schema": POINT_PARAM},
        {"name": "to", "in": "query", "required": True, "schema": POINT_PARAM},
        {"name": "at", "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"}},
        {
            "name": "max_detour_pct",
            "in": "query",
            "required": False,
            "schema": {"type": "number", "minimum": 0, "maximum": 100, "default": DetourCap().max_pct},
        },
        {
            "name": "max_detour_m",
            "in": "query",
            "required": False,
            "schema": {"type": "number", "minimum": 0, "maximum": 3000, "default": DetourCap().max_m},
        },
        {
            "name": "alternatives",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["balanced"]},
            "description": "`balanced` adds a third feature between shortest and safer (same properties).",
        },
    ],
    responses={200: ROUTES_SCHEMA, 422: "error"},
    description="The safer route is at most max_detour_pct or max_detour_m longer (whichever is stricter) "
    "than the shortest; when no meaningfully safer route fits, both features are the same route and a note "
    "says so. With alternatives=balanced a third feature, kind `balanced`, follows them: a milder risk weight "
    "than the safer route's, so its length and exposure lie between the two and it respects the same cap. "
    "Risk is a statistical summary of past reports, not a promise of safety.",
)
async def get_routes(request: Request) -> Response:
    state = app_state(request)
    origin = resolve_point(state, query_str(request, "from", max_len=100), field="from")
    target = resolve_point(state, query_str(request, "to", max_len=100), field="to")
    at = query_datetime(request, "at")
    cap = DetourCap(
        max_pct=query_float(request, "max_detour_pct", min=0.0, max=100.0, default=DetourCap().max_pct),
        max_m=query_float(request, "max_detour_m", min=0.0, max=3000.0, default=DetourCap().max_m),
    )
    balanced = query_str(request, "alternatives", max_len=20, default=None, choices=("balanced",)) is not None
    if origin.area != target.area:
        raise ApiError(
            422,
            "different_areas",
            "Both ends of a route must be in the same area.",
            {"from_area": origin.area, "to_area": target.area},
        )
    router = await router_for(state, origin.area)
    havens = await _havens(state, origin.area, at)
    try:
        body = await _search(
            state,
            router,
            from_lat=origin.lat,
            from_lon=origin.lon,
            to_lat=target.lat,
            to_lon=target.lon,
            at=at,
            havens=havens,
            cap=cap,
            fixed_origin=origin.kind == "school",
            notes=_notes(state, origin.area, router),
            data_as_of=surfaces.route_data_as_of(state.areas[origin.area].data_as_of, router),
            balanced=balanced,
        )
    except RoutingError as exc:
        raise plain_routing_error(
            exc,
            area_name=state.areas[origin.area].name,
            coverage=router.streets_coverage,
            ends=(origin, target),
        ) from None
    return Response(body, media_type="application/json", headers={"cache-control": "no-store"})


routes: list[BaseRoute] = [Route("/api/v1/routes", get_routes, methods=["GET"])]
