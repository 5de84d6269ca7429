"""GET /api/v1/admin/performance (JSON) and /performance.pdf: the plan's performance dashboard for an area
(officers and admins for their areas). Both come from one `build_dashboard`, so the PDF prints what the page shows."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_int, query_str
from backend.performance.pdf import performance_pdf
from backend.performance.service import build_dashboard
from backend.state import app_state

ROLES = {"officer", "admin"}
QUARTER = re.compile(r"20[0-9]{2}-Q[1-4]")
PARAMS = [
    {"name": "area", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 64}},
    {"name": "months", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 3, "maximum": 48, "default": 24},
     "description": "how many of the newest published months the charts show"},
    {"name": "quarter", "in": "query", "required": False, "schema": {"type": "string", "pattern": "^20[0-9]{2}-Q[1-4]$"},
     "description": "e.g. 2025-Q4; default: the newest full quarter of the knife crime data"},
]  # fmt: skip


async def _dashboard(request: Request) -> dict[str, Any]:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    slug = query_str(request, "area", max_len=64)
    if slug not in state.areas:
        raise ApiError(404, "unknown_area", "There is no area with that name.", {"area": slug[:64]})
    if not staff.may_act_for(area=slug):
        raise ApiError(403, "forbidden_object", "You are not assigned to this area.", {"area": slug})
    months = query_int(request, "months", min=3, max=48, default=24)
    quarter = query_str(request, "quarter", max_len=7, default=None)
    if quarter is not None and not QUARTER.fullmatch(quarter):
        raise ApiError(422, "invalid_quarter", "Choose a quarter written like 2025-Q4.", {"field": "quarter"})
    return await build_dashboard(
        area=state.areas[slug], last_months=months, quarter=quarter, today=dt.datetime.now(dt.UTC).date()
    )


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
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})  # fmt: skip


routes: list[BaseRoute] = [
    Route("/api/v1/admin/performance", get_performance, methods=["GET"]),
    Route("/api/v1/admin/performance.pdf", get_performance_pdf, methods=["GET"]),
]
