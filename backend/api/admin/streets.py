"""Admin: start an area's full street download from the console and follow its progress.

GET  /api/v1/admin/streets                  every area's street coverage and its download's progress
POST /api/v1/admin/streets/{slug}/download  start the download (202); 409 while one is running
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import record_audit
from backend.accounts.guard import require_staff
from backend.errors import ApiError
from backend.openapi import doc
from backend.state import AppState, app_state
from backend.streets_download import DownloadRunning, downloads

ADMINS = ("admin",)
STATUS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["area", "name", "streets", "download"],
    "properties": {
        "area": {"type": "string"},
        "name": {"type": "string"},
        "streets": {"enum": ["full", "partial", "none"]},
        "download": {
            "type": "object",
            "required": ["state", "step", "steps", "step_label", "message"],
            "properties": {
                "state": {"enum": ["idle", "running", "done", "failed"]},
                "step": {"type": "integer"},
                "steps": {"type": "integer"},
                "step_label": {"type": "string"},
                "message": {"type": "string"},
                "started_at": {"type": ["string", "null"]},
                "finished_at": {"type": ["string", "null"]},
            },
        },
    },
}


def _area_status(state: AppState, slug: str) -> dict[str, Any]:
    router = state.routers.get(slug)
    return {
        "area": slug,
        "name": state.areas[slug].name,
        "streets": router.streets_coverage if router is not None else "none",
        "download": downloads(state).status(slug),
    }


@doc(
    summary="Street coverage of every area and the progress of its street download",
    tags=["staff"],
    responses={200: {"type": "object", "required": ["areas"],
                     "properties": {"areas": {"type": "array", "items": STATUS_SCHEMA}}}},
    security="staff",
)  # fmt: skip
async def list_streets(request: Request) -> JSONResponse:
    await require_staff(request, roles=ADMINS)
    state = app_state(request)
    return JSONResponse({"areas": [_area_status(state, slug) for slug in state.areas]})


@doc(
    summary="Start downloading an area's full walking network from OpenStreetMap",
    tags=["staff"],
    responses={202: STATUS_SCHEMA, 404: "error", 409: "error"},
    security="staff",
)
async def start_download(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ADMINS)
    state = app_state(request)
    slug = request.path_params["slug"]
    if slug not in state.areas:
        raise ApiError(
            404, "unknown_area", "WayHome does not serve that area.", {"areas": sorted(state.areas)}
        )
    try:
        downloads(state).start(
            slug=slug, settings=state.settings, area=state.areas[slug], routers=state.routers
        )
    except DownloadRunning:
        raise ApiError(
            409,
            "download_running",
            "A street download for this area is already running. Wait for it to finish.",
        ) from None
    await record_audit(request, staff, action="streets.download", object_type="area", object_id=slug)
    return JSONResponse(_area_status(state, slug), status_code=202)


routes: list[BaseRoute] = [
    Route("/api/v1/admin/streets", list_streets, methods=["GET"]),
    Route("/api/v1/admin/streets/{slug}/download", start_download, methods=["POST"]),
]
