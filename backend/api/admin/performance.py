"""GET /api/v1/admin/performance (JSON) and /performance.pdf: the plan's performance dashboard for an area
(officers and admins for their areas). Both come from one `build_dashboard`, so the PDF prints what the page shows."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.api.admin.area_scope import AREA_PARAM, QUARTER_PARAM, area_in_scope, download, query_quarter
from backend.openapi import doc
from backend.params import query_int
from backend.performance.pdf import performance_pdf
from backend.performance.service import build_dashboard
from backend.state import app_state

ROLES = {"officer", "admin"}
PARAMS = [
    AREA_PARAM,
    {"name": "months", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 3, "maximum": 48, "default": 24},
     "description": "how many of the newest published months the charts show"},
    QUARTER_PARAM,
]  # fmt: skip


async def _dashboard(request: Request) -> dict[str, Any]:
    staff = await require_staff(request, roles=ROLES)
    slug = area_in_scope(request, staff)
    months = query_int(request, "months", min=3, max=48, default=24)
    state = app_state(request)
    return await build_dashboard(area=state.areas[slug], last_months=months, quarter=query_quarter(request),
                                 today=dt.datetime.now(dt.UTC).date(), content_dir=state.settings.content_dir)  # fmt: skip


@doc(
    summary="Performance dashboard of an area: knife crime by month, Havens checked, notices sent and delivered",
    tags=["partnership", "staff"],
    security="staff",
    params=PARAMS,
    responses={200: {"type": "object", "required": ["area", "knife", "quarter", "havens", "notices"]},
               403: "error", 404: "error", 422: "error"},
)  # fmt: skip
async def get_performance(request: Request) -> JSONResponse:
    return JSONResponse(await _dashboard(request), headers={"cache-control": "no-store"})


@doc(
    summary="The quarterly performance summary as a PDF to print or share",
    tags=["partnership", "staff"],
    security="staff",
    params=PARAMS,
    responses={200: {"type": "string", "x-media-type": "application/pdf"}, 403: "error", 404: "error",
               422: "error"},
)  # fmt: skip
async def get_performance_pdf(request: Request) -> Response:
    dashboard = await _dashboard(request)
    pdf = await asyncio.to_thread(performance_pdf, dashboard)
    name = f"performance-{dashboard['area']}-{dashboard['quarter']['quarter'] or 'latest'}.pdf"
    return download(pdf, media_type="application/pdf", filename=name)


routes: list[BaseRoute] = [
    Route("/api/v1/admin/performance", get_performance, methods=["GET"]),
    Route("/api/v1/admin/performance.pdf", get_performance_pdf, methods=["GET"]),
]
