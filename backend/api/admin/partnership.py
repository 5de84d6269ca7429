"""Staff API for partnership data: police.uk crime files, aggregate files, the sources' dates, surface rollback.

An accepted file is stored in one transaction with its audit row, then the area's surface is rebuilt beside
the served one and swapped in (other web workers follow within a second). A refused file stores nothing and
leaves the surface as it was.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from backend import surfaces
from backend.accounts.audit import record_audit
from backend.accounts.guard import require_staff
from backend.api.admin.area_scope import area_in_scope
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str, read_body_bytes
from backend.state import AppState, app_state
from partnership import aggregates
from partnership.service import AlreadyImported, ImportRejected, import_crime_file

log = logging.getLogger("wayhome.api.partnership")
ROLES = {"officer", "admin"}
AREA_PARAM = {"name": "area", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 64}}
FILENAME_PARAM = {
    "name": "filename",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "the uploaded file's name (a .json name means police.uk API JSON)",
}
FILE_BODY = {
    "type": "string",
    "description": "The file itself: police.uk CSV (text/csv) or police.uk API JSON (application/json).",
}
CRIME_RESULT = {
    "type": "object",
    "required": ["import_id", "months", "rows", "added", "duplicates", "outside_area", "surface"],
    "properties": {
        "import_id": {"type": "integer"},
        "format": {"enum": ["policeuk_csv", "policeuk_api"]},
        "months": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "integer"},
        "added": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "outside_area": {"type": "integer"},
        "surface": {"type": "object"},
    },
}


def _area(request: Request, state: AppState, staff: Any) -> Any:
    return state.areas[area_in_scope(request, staff)]


async def _text(request: Request, state: AppState) -> str:
    body = await read_body_bytes(request, max_bytes=state.settings.max_body_bytes, what="The file")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            400, "invalid_encoding", "The file must be UTF-8 text (police.uk files are)."
        ) from None
    if "\x00" in text:
        raise ApiError(422, "invalid_characters", "The file must not contain NUL characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(422, "invalid_characters", "The file contains characters that are not text.") from None
    return text


def _unwrap_csv(request: Request, text: str) -> str | None:
    """The CSV inside a JSON {"csv": "..."} body, or None when the body is the file itself."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return None
    if not text.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict) and isinstance(value.get("csv"), str):
        return str(value["csv"])
    return None


def _rejected(errors: list[dict[str, Any]]) -> ApiError:
    return ApiError(
        422,
        "import_rejected",
        f"Nothing was imported: {len(errors)} problem(s) in the file. Fix them and send the whole file again.",
        {"errors": errors[:200]},
    )


def _already(exc: AlreadyImported) -> ApiError:
    return ApiError(
        409, "already_imported", f"This file was already imported on {exc.imported_at}; nothing changed."
    )


async def _imported(importing: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """An all-or-nothing import's result, or its refusal as the API answers it (422 with each row's problem, or
    409 for a file already imported)."""
    try:
        return await importing
    except ImportRejected as exc:
        raise _rejected(exc.errors) from None
    except AlreadyImported as exc:
        raise _already(exc) from None


async def _republish(state: AppState, area: Any) -> dict[str, Any]:
    """Swap in the new surface; if that fails the import stays stored and the old surface keeps serving."""
    router = state.routers.get(area.slug)
    if router is None:
        return {"rebuilt": False, "reason": "This area has no street data, so there is no surface to update."}
    sync = state.surface_sync
    try:
        published = await surfaces.publish(settings=state.settings, area=area, router=router, sync=sync)
    except Exception:
        log.exception("surface rebuild failed")
        return {
            "rebuilt": False,
            "reason": "The data were saved but the map's risk could not be rebuilt yet.",
        }
    return {"rebuilt": True, **published}


def _auditor(request: Request, staff: Any, action: str) -> Any:
    async def audit(result: dict[str, Any]) -> None:
        keys = (
            "area",
            "months",
            "added",
            "duplicates",
            "outside_area",
            "source",
            "cells",
            "suppressed_cells",
        )
        details: dict[str, Any] = {k: result[k] for k in keys if k in result}
        await record_audit(
            request,
            staff,
            action=action,
            object_type="data_import",
            object_id=result["import_id"],
            details=details,
        )

    return audit


@doc(
    summary="Import one police.uk street-crime file (CSV or API JSON) for an area: all rows or none",
    tags=["partnership", "staff"],
    security="staff",
    params=[AREA_PARAM, FILENAME_PARAM],
    body=FILE_BODY,
    responses={200: CRIME_RESULT, 404: "error", 409: "error", 413: "error", 422: "error"},
    description="Exactly as police.uk publishes them. Crimes already held (same Crime ID) are ignored and counted; "
    "crimes outside the area are counted, listed by row and not stored. The same file twice is refused (409).",
)
async def post_crimes(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    area = _area(request, state, staff)
    filename = query_str(request, "filename", max_len=200, default="upload")
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json" and not (
        filename.lower().endswith(".json")
    ):
        filename += ".json"
    text = await _text(request, state)
    wrapped = _unwrap_csv(request, text)
    if wrapped is not None:  # JSON {"csv": "..."}: the console's way of sending a CSV file
        text, filename = wrapped, filename.removesuffix(".json") + ".csv"
    result = await _imported(
        import_crime_file(
            area=area.slug,
            boundary=area.boundary,
            filename=filename,
            text=text,
            imported_by=staff.id,
            audit=_auditor(request, staff, "crimes.import"),
        )
    )
    result["surface"] = await _republish(state, area)
    return JSONResponse(result)


@doc(
    summary="Import an aggregate file (ISTV, ambulance or transport) for an area: all rows or none",
    tags=["partnership", "staff"],
    security="staff",
    params=[
        AREA_PARAM,
        FILENAME_PARAM,
        {
            "name": "source",
            "in": "query",
            "required": True,
            "schema": {"enum": list(aggregates.SOURCES)},
        },
    ],
    body=FILE_BODY,
    responses={200: {"type": "object"}, 404: "error", 409: "error", 422: "error"},
    description="Only aggregates are kept (ISTV rows are counted on arrival). Cells under 5 are never shown or "
    "exported; they enter the risk surface only when WAYHOME_DATA_SHARING allows.",
)
async def post_aggregates(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    area = _area(request, state, staff)
    source = query_str(request, "source", max_len=20, choices=aggregates.SOURCES)
    filename = query_str(request, "filename", max_len=200, default="upload.csv")
    text = await _text(request, state)
    text = _unwrap_csv(request, text) or text

    result = await _imported(
        aggregates.import_aggregate_file(
            area=area.slug,
            source=source,
            filename=filename,
            text=text,
            imported_by=staff.id,
            lsoa_of=area.lsoa_of_postcode,
            area_lsoas=area.lsoa_codes,
            audit=_auditor(request, staff, "aggregates.import"),
        )
    )
    result["surface"] = await _republish(state, area)
    return JSONResponse(result)


@doc(
    summary="Serve an area's previous risk surface again (undo the last rebuild)",
    tags=["partnership", "staff"],
    security="staff",
    params=[AREA_PARAM],
    responses={200: {"type": "object"}, 404: "error", 409: "error"},
)
async def post_rollback(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles={"admin"})
    state = app_state(request)
    area = _area(request, state, staff)
    try:
        revision = await surfaces.rollback(area=area.slug)
    except LookupError as exc:
        raise ApiError(409, "no_previous_surface", str(exc)) from None
    await record_audit(
        request, staff, action="surface.rollback", object_type="surface", object_id=area.slug, details={}
    )
    router = state.routers.get(area.slug)
    if router is not None:
        sync = state.surface_sync
        sync.checked_at.pop(area.slug, None)
        await surfaces.sync_if_stale(router, settings=state.settings, area=area.slug, sync=sync)
    return JSONResponse({"area": area.slug, "revision": revision})


routes: list[BaseRoute] = [
    Route("/api/v1/admin/imports/crimes", post_crimes, methods=["POST"]),
    Route("/api/v1/admin/imports/aggregates", post_aggregates, methods=["POST"]),
    Route("/api/v1/admin/surface/rollback", post_rollback, methods=["POST"]),
]
