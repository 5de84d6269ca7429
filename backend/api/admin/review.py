"""GET /api/v1/admin/partnership/review (JSON) and /review.pdf: the quarterly review of an area (officers and
admins for their areas). Both come from one `build_review`, so the PDF shows exactly what the page shows."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str
from backend.review import QUARTER_RE, build_review
from backend.review_pdf import review_pdf
from backend.state import app_state

ROLES = {"officer", "admin"}


async def _review(request: Request) -> dict[str, Any]:
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
    return await build_review(
        area=state.areas[slug], router=state.routers.get(slug), settings=state.settings, quarter=quarter
    )


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
    return JSONResponse(await _review(request), headers={"cache-control": "no-store"})


@doc(
    summary="The quarterly review as a PDF to print or share (counts under 5 never printed)",
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
    responses={200: {"type": "string", "x-media-type": "application/pdf"}, 403: "error",
               404: "error", 422: "error"},
)  # fmt: skip
async def get_review_pdf(request: Request) -> Response:
    review = await _review(request)
    pdf = await asyncio.to_thread(review_pdf, review)
    name = f"quarterly-review-{review['area']}-{review['quarter']}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})  # fmt: skip


routes: list[BaseRoute] = [
    Route("/api/v1/admin/partnership/review", get_review, methods=["GET"]),
    Route("/api/v1/admin/partnership/review.pdf", get_review_pdf, methods=["GET"]),
]
