"""GET /api/v1/geocode?q=: postcode, school name or street, searched offline in the area packs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_int, query_str
from backend.responses import JSONResponse
from backend.state import app_state
from content.gazetteer import search

CANDIDATE = {
    "type": "object",
    "required": ["label", "kind", "lat", "lon", "area"],
    "properties": {
        "label": {"type": "string"},
        "kind": {"enum": ["postcode", "school", "street"]},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "area": {"type": "string"},
        "ref": {"type": "string"},
    },
}


@doc(
    summary="Find a postcode, school or street in the areas served",
    tags=["areas"],
    params=[
        {"name": "q", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 100}},
        {"name": "area", "required": False, "schema": {"type": "string"}},
        {"name": "limit", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 20}},
    ],
    responses={
        200: {
            "type": "object",
            "required": ["candidates"],
            "properties": {"candidates": {"type": "array", "items": CANDIDATE}},
        },
        422: "error",
    },
)
async def geocode(request: Request) -> JSONResponse:
    state = app_state(request)
    q = query_str(request, "q", max_len=100)
    if not any(ch.isalnum() for ch in q):
        raise ApiError(
            422, "invalid_query", "Type a postcode, a school name or a street name.", {"param": "q"}
        )
    limit = query_int(request, "limit", min=1, max=20, default=8)
    area = query_str(request, "area", max_len=64, default=None)
    if area is not None and area not in state.areas:
        raise ApiError(
            422,
            "unknown_area",
            f"WayHome does not serve an area called {area!r}.",
            {"param": "area", "areas": sorted(state.areas)},
        )
    packs = [state.areas[area]] if area else list(state.areas.values())
    candidates = search(packs, q, limit=limit)
    return JSONResponse({"candidates": [c.as_json() for c in candidates]})


routes: list[BaseRoute] = [Route("/api/v1/geocode", geocode, methods=["GET"])]
