"""CSV imports of havens and help services: all-or-nothing, with per-row errors (header = row 1)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import audited_write
from backend.accounts.guard import require_staff
from backend.api.admin.havens import EDITORS
from backend.api.admin.services import may_edit
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import has_bad_text, parse_json, read_body
from backend.responses import JSONResponse
from backend.state import app_state
from havens.csv_io import ImportFailed, import_havens, import_services

MAX_CSV_BYTES = 2_000_000
RESULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["created", "updated", "ids"],
    "properties": {
        "created": {"type": "integer"},
        "updated": {"type": "integer"},
        "ids": {"type": "array", "items": {"type": "integer"}},
    },
}
CSV_BODY = {
    "type": "object",
    "required": ["csv"],
    "properties": {"csv": {"type": "string"}},
    "description": 'CSV text (UTF-8, header row; columns as in the export) sent as text/csv, or JSON {"csv": "..."}',
}


async def _read_csv(request: Request) -> str:
    body = await read_body(request, max_bytes=MAX_CSV_BYTES, what="The CSV file")
    if not body.strip():
        raise ApiError(400, "empty_body", "Send the CSV file as the request body.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "The CSV file must be UTF-8 text.") from None
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        wrapped = parse_json(text)
        if not isinstance(wrapped, dict) or not isinstance(wrapped.get("csv"), str):
            raise ApiError(422, "invalid_body", 'Send the CSV as text/csv, or as JSON {"csv": "..."}.')
        text = wrapped["csv"]
    if has_bad_text(text):
        raise ApiError(
            422, "invalid_characters", "The CSV file must not contain NUL characters or broken characters."
        )
    return text


def _rejected(exc: ImportFailed) -> ApiError:
    return ApiError(
        422,
        "import_rejected",
        f"Nothing was imported: {len(exc.errors)} problem(s) in the file.",
        {"errors": exc.errors[:500]},
    )


def _counts(result: dict[str, Any]) -> dict[str, Any]:
    return {"created": result["created"], "updated": result["updated"]}


@doc(summary="Import Havens from CSV (all rows or none)", tags=["havens", "staff"], body=CSV_BODY,
     responses={200: RESULT_SCHEMA, 422: "error"}, security="staff")  # fmt: skip
async def post_havens(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    text = await _read_csv(request)
    try:
        async with audited_write(request, staff, action="haven.import", object_type="haven") as audit:
            result = await import_havens(
                text, areas=app_state(request).areas, may_act_for=lambda area: staff.may_act_for(area=area)
            )
            await audit(None, _counts(result))
    except ImportFailed as exc:
        raise _rejected(exc) from None
    return JSONResponse(result)


@doc(summary="Import help services from CSV (all rows or none)", tags=["services", "staff"], body=CSV_BODY,
     responses={200: RESULT_SCHEMA, 422: "error"}, security="staff")  # fmt: skip
async def post_services(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    text = await _read_csv(request)
    try:
        async with audited_write(request, staff, action="service.import", object_type="service") as audit:
            result = await import_services(
                text, areas=app_state(request).areas, may_act_for=lambda area: may_edit(staff, area)
            )
            await audit(None, _counts(result))
    except ImportFailed as exc:
        raise _rejected(exc) from None
    return JSONResponse(result)


routes: list[BaseRoute] = [
    Route("/api/v1/admin/imports/havens", post_havens, methods=["POST"]),
    Route("/api/v1/admin/imports/services", post_services, methods=["POST"]),
]
