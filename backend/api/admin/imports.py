"""CSV imports of havens and help services: all-or-nothing, with per-row errors (header = row 1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import audited_write
from backend.accounts.guard import require_staff
from backend.api.admin.havens import EDITORS
from backend.api.admin.services import may_edit
from backend.bodies import Body, Says, parse_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import has_bad_text, parse_json, read_body_bytes
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


class CsvUpload(Body):
    """A CSV file as JSON, the console's way of sending one: {"csv": "..."} (or send the file itself as text/csv).
    UTF-8 text with a header row; for Havens and help services, the columns of their export."""

    invalid_code = "invalid_body"
    unknown_fields_say = 'Send the CSV as text/csv, or as JSON {"csv": "..."}.'

    csv: Annotated[str, Says('Send the CSV as text/csv, or as JSON {"csv": "..."}.')] = Field(
        title="CSV text"
    )


async def read_csv(request: Request) -> str:
    body = await read_body_bytes(request, max_bytes=MAX_CSV_BYTES, what="The CSV file")
    if not body.strip():
        raise ApiError(400, "empty_body", "Send the CSV file as the request body.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "The CSV file must be UTF-8 text.") from None
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        wrapped = parse_json(text)
        if not isinstance(wrapped, dict):
            raise ApiError(422, "invalid_body", CsvUpload.unknown_fields_say)
        text = parse_body(CsvUpload, wrapped).csv
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


@doc(summary="Import Havens from CSV (all rows or none)", tags=["havens", "staff"], body=CsvUpload,
     responses={200: RESULT_SCHEMA, 422: "error"}, security="staff")  # fmt: skip
async def post_havens(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    text = await read_csv(request)
    try:
        async with audited_write(request, staff, action="haven.import", object_type="haven") as audit:
            result = await import_havens(
                text, areas=app_state(request).areas, may_act_for=lambda area: staff.may_act_for(area=area)
            )
            await audit(None, _counts(result))
    except ImportFailed as exc:
        raise _rejected(exc) from None
    return JSONResponse(result)


@doc(summary="Import help services from CSV (all rows or none)", tags=["services", "staff"], body=CsvUpload,
     responses={200: RESULT_SCHEMA, 422: "error"}, security="staff")  # fmt: skip
async def post_services(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    text = await read_csv(request)
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
