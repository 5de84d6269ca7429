"""GET /api/v1/admin/partnership/review: the quarterly review of an area (officers and admins for their areas)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str
from backend.review import QUARTER_RE, build_review
from backend.state import app_state

ROLES = {"officer", "admin"}


@doc(
    summary="Quarterly review of an area: hotspot places by source, change on the previous quarter, freshness",
    tags=["partnership", "staff"],
    security="staff",
    params=[
        {"name": "area", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 64}},
        {
            "name": "quarter",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "pattern": "^20[0-9]{2}-Q[1-4]$"},
            "description": "e.g. 2025-Q4; default: the newest full quarter of the MPS data",
        },
    ],
    responses={200: {"type": "object", "required": ["area", "quarter", "sources", "freshness"]}, 403: "error",
               404: "error", 422: "error"},
)  # fmt: skip
async def get_review(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    slug = query_str(request, "area", max_len=64)
    if slug not in state.areas:
        raise ApiError(404, "unknown_area", "There is no area with that name.", {"area": slug[:64]})
    if not staff.may_act_for(area=slug):
        raise ApiError(403, "forbidden_object", "You are not assigned to this area.", {"area": slug})
    quarter = query_str(request, "quarter", max_len=7, default=None)
    if quarter is not None and not QUARTER_RE.fullmatch(quarter):
        raise ApiError(422, "invalid_quarter", "Choose a quarter written like 2025-Q4.", {"field": "quarter"})
    body = await build_review(
        area=state.areas[slug], router=state.routers.get(slug), settings=state.settings, quarter=quarter
    )
    return JSONResponse(body, headers={"cache-control": "no-store"})


routes: list[BaseRoute] = [Route("/api/v1/admin/partnership/review", get_review, methods=["GET"])]
