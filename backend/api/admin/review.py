"""GET /api/v1/admin/partnership/review (JSON) and /review.pdf: the quarterly review of an area (officers and
admins for their areas). Both come from one `build_review`, so the PDF shows exactly what the page shows."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.api.admin.area_scope import AREA_PARAM, QUARTER_PARAM, area_in_scope, download, query_quarter
from backend.openapi import doc
from backend.review import build_review
from backend.review_pdf import review_pdf
from backend.state import app_state

ROLES = {"officer", "admin"}


async def _review(request: Request) -> dict[str, Any]:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    slug = area_in_scope(request, staff)
    return await build_review(
        area=state.areas[slug],
        router=state.routers.get(slug),
        settings=state.settings,
        quarter=query_quarter(request),
    )


@doc(
    summary="Quarterly review of an area: hotspot places by source, change on the previous quarter, freshness",
    tags=["partnership", "staff"],
    security="staff",
    params=[AREA_PARAM, QUARTER_PARAM],
    responses={200: {"type": "object", "required": ["area", "quarter", "sources", "freshness"]}, 403: "error",
               404: "error", 422: "error"},
)  # fmt: skip
async def get_review(request: Request) -> JSONResponse:
    return JSONResponse(await _review(request), headers={"cache-control": "no-store"})


@doc(
    summary="The quarterly review as a PDF to print or share (counts under 5 never printed)",
    tags=["partnership", "staff"],
    security="staff",
    params=[AREA_PARAM, QUARTER_PARAM],
    responses={200: {"type": "string", "x-media-type": "application/pdf"}, 403: "error",
               404: "error", 422: "error"},
)  # fmt: skip
async def get_review_pdf(request: Request) -> Response:
    review = await _review(request)
    pdf = await asyncio.to_thread(review_pdf, review)
    name = f"quarterly-review-{review['area']}-{review['quarter']}.pdf"
    return download(pdf, media_type="application/pdf", filename=name)


routes: list[BaseRoute] = [
    Route("/api/v1/admin/partnership/review", get_review, methods=["GET"]),
    Route("/api/v1/admin/partnership/review.pdf", get_review_pdf, methods=["GET"]),
]
