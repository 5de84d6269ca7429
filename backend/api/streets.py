"""GET /api/v1/areas/{slug}/streets: the area's street lines as GeoJSON, so the PWA map needs no tile server."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.errors import ApiError
from backend.openapi import doc
from backend.state import app_state

STREETS_SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "geometry": {"type": "object"},
                    "properties": {
                        "type": "object",
                        "properties": {
                            "name": {"type": ["string", "null"]},
                            "highway": {"type": "string"},
                            "lit": {"enum": ["yes", "no", "limited", "unknown"]},
                        },
                        "additionalProperties": False,
                    },
                },
            },
        },
    },
}


@doc(
    summary="Street lines of an area (WGS84, 5 decimal places) for the offline map",
    tags=["areas"],
    params=[{"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}],
    responses={200: STREETS_SCHEMA, 304: None, 404: "error"},
    description="Streets only: no per-street risk value. Risk is a statistical summary of past reports with "
    "each source's own date (see a route's `data_as_of.risk_layers`), not a verdict on one street.",
)
async def area_streets(request: Request) -> Response:
    state = app_state(request)
    slug = request.path_params["slug"]
    router = state.routers.get(slug)
    if slug not in state.areas or router is None or router.streets_path is None:
        raise ApiError(404, "unknown_area", "No street data for that area.", {"area": slug[:64]})
    etag = f'"{router.streets_etag}"'
    headers = {"etag": etag, "cache-control": "public, max-age=86400"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    body = router.streets_path.read_bytes()
    return Response(body, media_type="application/geo+json", headers=headers)


routes: list[BaseRoute] = [Route("/api/v1/areas/{slug}/streets", area_streets, methods=["GET"])]
