"""GET /api/v1/notices: current public notices for a school or an area (what the PWA lists), and one by id
(what a tapped push notification opens)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.alerts.models import NOTICE_KINDS, Notice
from backend.alerts.notices import current_notices, public_notice_json, school_area
from backend.api.admin.havens import path_id
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str
from backend.responses import JSONResponse
from backend.state import app_state

PUBLIC_NOTICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind", "title", "body", "schools", "areas", "urgency", "expires_at", "sent_at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"enum": list(NOTICE_KINDS)},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "schools": {"type": "array", "items": {"type": "string"}},
        "areas": {"type": "array", "items": {"type": "string"}},
        "age_tiers": {"type": "array", "items": {"type": "string"}},
        "urgency": {"type": "string"},
        "expires_at": {"type": "string"},
        "sent_at": {"type": ["string", "null"]},
    },
}


@doc(
    summary="Current public notices for a school (?school=URN) or an area (?area=slug)",
    tags=["notices"],
    params=[
        {"name": "school", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 16}},
        {"name": "area", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64}},
    ],
    responses={
        200: {
            "type": "object",
            "required": ["notices"],
            "properties": {"notices": {"type": "array", "items": PUBLIC_NOTICE_SCHEMA}},
        },
        404: "error",
        422: "error",
    },
)
async def list_notices(request: Request) -> JSONResponse:
    state = app_state(request)
    school = query_str(request, "school", max_len=16, default=None)
    area = query_str(request, "area", max_len=64, default=None)
    if (school is None) == (area is None):
        raise ApiError(422, "missing_parameter", "Give exactly one of 'school' (a URN) or 'area' (a slug).")
    if school is not None and school_area(state.areas, school) is None:
        raise ApiError(
            404, "unknown_school", "No school with that URN in the areas served.", {"school": school}
        )
    if area is not None and area not in state.areas:
        raise ApiError(
            404, "unknown_area", "WayHome does not serve that area.", {"areas": sorted(state.areas)}
        )
    found = await current_notices(areas=state.areas, now=dt.datetime.now(dt.UTC), school=school, area=area)
    return JSONResponse(
        {"notices": [public_notice_json(n) for n in found]}, headers={"cache-control": "no-cache"}
    )


@doc(
    summary="One current public notice (what a tapped notification opens); 404 once it has ended",
    tags=["notices"],
    params=[{"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}],
    responses={200: {"type": "object", "required": ["notice"], "properties": {"notice": PUBLIC_NOTICE_SCHEMA}},
               404: "error"},
)  # fmt: skip
async def get_notice(request: Request) -> JSONResponse:
    notice_id = path_id(request, "notice")
    notice = await Notice.get_or_none(id=notice_id, status="sent", expires_at__gt=dt.datetime.now(dt.UTC))
    if notice is None:
        raise ApiError(404, "notice_not_found", "This notice has ended or was withdrawn.")
    return JSONResponse({"notice": public_notice_json(notice)}, headers={"cache-control": "no-cache"})


routes: list[BaseRoute] = [
    Route("/api/v1/notices", list_notices, methods=["GET"]),
    Route("/api/v1/notices/{id:int}", get_notice, methods=["GET"]),
]
