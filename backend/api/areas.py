"""GET /api/v1/areas: the areas this deployment serves, with their data sources and attribution."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from backend.errors import ApiError
from backend.openapi import doc
from backend.responses import JSONResponse
from backend.state import AppState, app_state

AREA_SCHEMA = {
    "type": "object",
    "required": ["slug", "name", "bbox", "streets", "data_as_of"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
        "streets": {"enum": ["full", "partial", "none"]},
        "data_as_of": {"type": "object"},
        "sources": {"type": "array"},
        "boroughs": {"type": "array"},
        "description": {"type": "string"},
    },
}


def area_summary(state: AppState, slug: str) -> dict[str, Any]:
    pack = state.areas[slug]
    return {
        "slug": slug,
        "name": pack.name,
        "description": pack.manifest.get("description", ""),
        "bbox": pack.bbox,
        "streets": state.routers[slug].streets_coverage if slug in state.routers else "none",
        "data_as_of": pack.data_as_of,
        "boroughs": pack.manifest.get("boroughs", []),
        "sources": [
            {k: s[k] for k in ("name", "licence", "attribution") if k in s} | {"date": s.get("date")}
            for s in pack.manifest.get("sources", [])
        ],
    }


@doc(
    summary="Areas served, with street coverage and data dates",
    tags=["areas"],
    responses={
        200: {
            "type": "object",
            "required": ["areas"],
            "properties": {
                "areas": {"type": "array", "items": AREA_SCHEMA},
                "tile_url": {"type": ["string", "null"]},
            },
        }
    },
)
async def list_areas(request: Request) -> JSONResponse:
    state = app_state(request)
    return JSONResponse(
        {"areas": [area_summary(state, slug) for slug in state.areas], "tile_url": state.settings.tile_url},
        headers={"cache-control": "public, max-age=300"},
    )


def _pack_or_404(request: Request) -> str:
    slug = request.path_params["slug"]
    if slug not in app_state(request).areas:
        raise ApiError(
            404,
            "unknown_area",
            f"WayHome does not serve an area called {slug[:40]!r}.",
            {"areas": sorted(app_state(request).areas)},
        )
    return str(slug)


@doc(summary="One area", tags=["areas"], responses={200: AREA_SCHEMA, 404: "error"})
async def get_area(request: Request) -> JSONResponse:
    slug = _pack_or_404(request)
    return JSONResponse(
        area_summary(app_state(request), slug), headers={"cache-control": "public, max-age=300"}
    )


@doc(
    summary="The area's data attribution (Markdown)",
    tags=["areas"],
    responses={200: {"type": "string"}, 404: "error"},
)
async def area_attribution(request: Request) -> PlainTextResponse:
    slug = _pack_or_404(request)
    return PlainTextResponse(app_state(request).areas[slug].attribution_markdown, media_type="text/markdown")


routes: list[BaseRoute] = [
    Route("/api/v1/areas", list_areas, methods=["GET"]),
    Route("/api/v1/areas/{slug}", get_area, methods=["GET"]),
    Route("/api/v1/areas/{slug}/attribution", area_attribution, methods=["GET"]),
]
