"""Staff endpoints for Havens and public places: CRUD, verification, stale list, CSV export.

Editors act only for their assigned areas (admins for all); every write is audited in the same transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import AuditFn, audited_write
from backend.accounts.guard import Staff, require_staff
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str, read_json_object
from backend.responses import JSONResponse
from backend.state import app_state
from havens import admin
from havens.bodies import HavenChanges, HavenDraft
from havens.csv_io import export_havens
from havens.models import HAVEN_STATUSES, Haven
from havens.validation import Invalid
from input_types import summary

EDITORS = frozenset({"editor", "admin"})
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
HAVEN_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "area", "name", "kind", "lat", "lon", "status", "verified_at", "stale"],
    "properties": {
        **HavenDraft.model_json_schema()["properties"],
        "id": {"type": "integer"},
        "verified_at": NULLABLE_TIME,
        "verified_by": {"type": ["integer", "null"]},
        "stale": {"type": "boolean"},
        "created_at": NULLABLE_TIME,
        "updated_at": NULLABLE_TIME,
    },
}
ID_PARAM = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]


MAX_DB_ID = 2**31 - 1


def path_id(request: Request, what: str) -> int:
    """The {id} path parameter; ids beyond the database's integer range simply do not exist."""
    value = int(request.path_params["id"])
    if not 0 < value <= MAX_DB_ID:
        raise ApiError(404, "not_found", f"No {what} with that id.")
    return value


def invalid(exc: Invalid) -> ApiError:
    """The one 422 of a body (`details.errors`, `details.field`), with `details.fields` keyed as the console's
    Havens, services and messages forms find their inputs ("channels[0].value")."""
    found = exc.problems
    return ApiError(
        422,
        "invalid_input",
        summary(found),
        {"field": found[0]["field"], "fields": exc.errors, "errors": found},
    )


def scope_error(area: str) -> ApiError:
    return ApiError(403, "forbidden_object", "You are not assigned to this area.", {"area": area})


audited = audited_write  # the one audit-in-the-same-transaction helper (backend/accounts/audit.py)


@asynccontextmanager
async def checked_write(
    request: Request, staff: Staff, *, action: str, object_type: str
) -> AsyncIterator[AuditFn]:
    """A Havens-domain write and its audit row in one transaction; the domain's `Invalid` becomes the one 422."""
    try:
        async with audited(request, staff, action=action, object_type=object_type) as audit:
            yield audit
    except Invalid as exc:
        raise invalid(exc) from None


def _check_area(request: Request, staff: Staff, area: Any) -> None:
    """A Haven may be put only in an area the editor acts for (an unknown area is the body check's to refuse)."""
    if isinstance(area, str) and area in app_state(request).areas and not staff.may_act_for(area=area):
        raise scope_error(area)


async def _load(request: Request, staff: Staff) -> Haven:
    haven = await Haven.get_or_none(id=path_id(request, "haven"))
    if haven is None:
        raise ApiError(404, "not_found", "No haven with that id.")
    if not staff.may_act_for(area=haven.area):
        raise scope_error(haven.area)
    return haven


@doc(
    summary="List Havens and public places (stale=1: not verified for six months)",
    tags=["havens", "staff"],
    params=[
        {"name": "area", "required": False, "schema": {"type": "string", "maxLength": 64}},
        {"name": "stale", "required": False, "schema": {"enum": ["0", "1"]}},
        {"name": "status", "required": False, "schema": {"enum": list(HAVEN_STATUSES)}},
    ],
    responses={200: {"type": "object", "required": ["havens"],
                     "properties": {"havens": {"type": "array", "items": HAVEN_OUT}}}},
    security="staff",
)  # fmt: skip
async def list_havens(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    area = query_str(
        request, "area", max_len=64, default=None, choices=tuple(sorted(app_state(request).areas))
    )
    stale = query_str(request, "stale", max_len=1, default="0", choices=("0", "1")) == "1"
    status = query_str(request, "status", max_len=12, default=None, choices=HAVEN_STATUSES)
    if area is not None and not staff.may_act_for(area=area):
        raise scope_error(area)
    areas = [area] if area else (None if staff.is_admin else sorted(staff.area_slugs))
    rows = await admin.list_havens(areas=areas, stale=stale, status=status)
    return JSONResponse({"havens": [admin.haven_staff(h) for h in rows]})


@doc(summary="Add a Haven or public place", tags=["havens", "staff"], body=HavenDraft,
     responses={201: HAVEN_OUT, 422: "error"}, security="staff")  # fmt: skip
async def create_haven(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    body = await read_json_object(request)
    _check_area(request, staff, body.get("area"))
    async with checked_write(request, staff, action="haven.create", object_type="haven") as audit:
        haven = await admin.create_haven(body, areas=app_state(request).areas)
        await audit(haven.id, {"area": haven.area, "name": haven.name})
    return JSONResponse(admin.haven_staff(haven), status_code=201)


@doc(summary="One Haven or public place", tags=["havens", "staff"], params=ID_PARAM,
     responses={200: HAVEN_OUT, 404: "error"}, security="staff")  # fmt: skip
async def get_haven(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    return JSONResponse(admin.haven_staff(await _load(request, staff)))


@doc(summary="Change a Haven or public place", tags=["havens", "staff"], params=ID_PARAM, body=HavenChanges,
     responses={200: HAVEN_OUT, 404: "error", 422: "error"}, security="staff")  # fmt: skip
async def patch_haven(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    haven = await _load(request, staff)
    body = await read_json_object(request)
    _check_area(request, staff, body.get("area"))
    async with checked_write(request, staff, action="haven.update", object_type="haven") as audit:
        changes = await admin.update_haven(haven, body, areas=app_state(request).areas)
        await audit(haven.id, {"changed": sorted(changes)})
    return JSONResponse(admin.haven_staff(haven))


@doc(summary="Delete a Haven or public place", tags=["havens", "staff"], params=ID_PARAM,
     responses={204: None, 404: "error"}, security="staff")  # fmt: skip
async def delete_haven(request: Request) -> Response:
    staff = await require_staff(request, roles=EDITORS)
    haven = await _load(request, staff)
    async with audited(request, staff, action="haven.delete", object_type="haven") as audit:
        await admin.delete_haven(haven)
        await audit(haven.id, {"area": haven.area, "name": haven.name})
    return Response(status_code=204)


@doc(summary="Mark a Haven as verified now by you", tags=["havens", "staff"], params=ID_PARAM,
     responses={200: HAVEN_OUT, 404: "error"}, security="staff")  # fmt: skip
async def verify_haven(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    haven = await _load(request, staff)
    async with audited(request, staff, action="haven.verify", object_type="haven") as audit:
        await admin.verify_haven(haven, staff_id=staff.id)
        await audit(haven.id, None)
    return JSONResponse(admin.haven_staff(haven))


@doc(summary="Havens as CSV (the import format)", tags=["havens", "staff"],
     params=[{"name": "area", "required": False, "schema": {"type": "string", "maxLength": 64}}],
     responses={200: {"type": "string", "x-media-type": "text/csv"}}, security="staff")  # fmt: skip
async def export_csv(request: Request) -> Response:
    staff = await require_staff(request, roles=EDITORS)
    area = query_str(
        request, "area", max_len=64, default=None, choices=tuple(sorted(app_state(request).areas))
    )
    if area is not None and not staff.may_act_for(area=area):
        raise scope_error(area)
    areas = [area] if area else (None if staff.is_admin else sorted(staff.area_slugs))
    rows = await admin.list_havens(areas=areas)
    return Response(
        export_havens(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="havens.csv"'},
    )


routes: list[BaseRoute] = [
    Route("/api/v1/admin/havens", list_havens, methods=["GET"]),
    Route("/api/v1/admin/havens", create_haven, methods=["POST"]),
    Route("/api/v1/admin/havens/export.csv", export_csv, methods=["GET"]),
    Route("/api/v1/admin/havens/{id:int}", get_haven, methods=["GET"]),
    Route("/api/v1/admin/havens/{id:int}", patch_haven, methods=["PATCH"]),
    Route("/api/v1/admin/havens/{id:int}", delete_haven, methods=["DELETE"]),
    Route("/api/v1/admin/havens/{id:int}/verify", verify_haven, methods=["POST"]),
]
