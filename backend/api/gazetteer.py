"""GET /api/v1/areas/{slug}/gazetteer: the area's schools and postcodes, compact, for search on the phone offline."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.errors import ApiError
from backend.openapi import doc
from backend.state import app_state
from content.areas import AreaPack
from content.offline_gazetteer import compact_gazetteer

GAZETTEER_SCHEMA = {
    "type": "object",
    "required": ["format", "area", "scale", "origin", "schools", "postcodes", "version"],
    "properties": {
        "format": {"const": 1},
        "area": {"type": "string"},
        "scale": {"type": "integer", "description": "coordinates are origin + value / scale degrees"},
        "origin": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "schools": {"type": "array", "description": "[urn, name, postcode, phase, lat offset, lon offset]"},
        "postcodes": {
            "type": "object",
            "description": "sector ('SE5 7') -> [[unit ('AL'), lat offset, lon offset]]",
        },
        "version": {"type": "string"},
    },
}


@doc(
    summary="The area's schools and postcodes in a compact form the app keeps for offline search",
    tags=["areas"],
    responses={200: GAZETTEER_SCHEMA, 404: "error"},
)
async def area_gazetteer(request: Request) -> Response:
    state = app_state(request)
    slug = request.path_params["slug"]
    if slug not in state.areas:
        raise ApiError(
            404,
            "unknown_area",
            f"WayHome does not serve an area called {slug[:40]!r}.",
            {"areas": sorted(state.areas)},
        )
    cache = state.offline_gazetteer
    if slug not in cache:  # built once per area, off the event loop (thousands of postcodes)
        cache[slug] = await run_in_threadpool(_encoded, state.areas[slug])
    return Response(
        cache[slug], media_type="application/json", headers={"cache-control": "public, max-age=3600"}
    )


def _encoded(pack: AreaPack) -> bytes:
    return json.dumps(compact_gazetteer(pack), separators=(",", ":"), ensure_ascii=False).encode()


routes: list[BaseRoute] = [Route("/api/v1/areas/{slug}/gazetteer", area_gazetteer, methods=["GET"])]
