"""GET /api/v1/admin/website-audit: the last website audit (run by the worker daily, on demand from the
console via POST /api/v1/admin/website-audit/run, or with `wayhome audit websites`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.api.admin.havens import EDITORS
from backend.openapi import doc
from backend.responses import JSONResponse
from havens.website_audit import RESULTS, latest_run, run_summary

RESULT_ITEM = {
    "type": "object",
    "required": ["url", "result"],
    "properties": {
        "url": {"type": "string"},
        "result": {"enum": list(RESULTS)},
        "final_url": {"type": ["string", "null"]},
        "changed": {"type": ["boolean", "null"]},
        "status": {"type": ["integer", "null"]},
        "location": {"type": ["string", "null"]},
        "objects": {"type": "array", "items": {"type": "object"}},
    },
}


@doc(
    summary="The last website audit: broken or moved websites of Havens and help services",
    tags=["havens", "staff"],
    responses={200: {"type": "object", "required": ["run", "problems", "results"],
                     "properties": {"run": {"type": ["object", "null"]},
                                    "problems": {"type": "array", "items": RESULT_ITEM},
                                    "results": {"type": "array", "items": RESULT_ITEM}}}},
    security="staff",
)  # fmt: skip
async def get_website_audit(request: Request) -> JSONResponse:
    await require_staff(request, roles=EDITORS)
    return JSONResponse(run_summary(await latest_run()))


routes: list[BaseRoute] = [Route("/api/v1/admin/website-audit", get_website_audit, methods=["GET"])]
