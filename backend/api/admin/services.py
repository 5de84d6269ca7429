"""Staff endpoints for help services: CRUD, verification and CSV export.

Local services belong to an area (editors of that area may change them); national services only admins.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import Staff, require_staff
from backend.api.admin.havens import EDITORS, ID_PARAM, audited, checked_write, path_id
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import read_json_object
from backend.responses import JSONResponse
from backend.state import app_state
from content.services import CHANNEL_KINDS, NEEDS
from havens import admin
from havens.bodies import ServiceChanges, ServiceDraft
from havens.csv_io import export_services
from havens.models import SERVICE_STATUSES, HelpService

# The stored service as staff see it (what is accepted is the body types, `havens/bodies.py`).
SERVICE_FIELDS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "needs": {"type": "array", "items": {"enum": list(NEEDS)}},
        "channels": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind", "value"],
                "properties": {
                    "kind": {"enum": list(CHANNEL_KINDS)},
                    "value": {"type": "string"},
                    "hours": {"type": ["string", "null"]},
                },
            },
        },
        "age_min": {"type": ["integer", "null"]},
        "age_max": {"type": ["integer", "null"]},
        "area": {"type": "string", "description": "national or an area slug"},
        "website": {"type": "string"},
        "source": {"type": "string"},
        "status": {"enum": list(SERVICE_STATUSES)},
    },
}
SERVICE_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "needs", "channels", "area", "status", "verified_at", "stale"],
    "properties": {**SERVICE_FIELDS["properties"], "id": {"type": "integer"},
                   "verified_at": {"type": ["string", "null"]}, "stale": {"type": "boolean"},
                   "verified_by": {"type": ["integer", "null"]}, "evidence": {"type": "string"},
                   "source_date": {"type": "string"},
                   "updated_at": {"type": ["string", "null"]}},
}  # fmt: skip


def may_edit(staff: Staff, area: str) -> bool:
    return staff.is_admin if area == "national" else staff.may_act_for(area=area)


def _check_area(request: Request, staff: Staff, area: Any) -> None:
    """A service may be put only where the editor may edit (national: admins only)."""
    if (
        isinstance(area, str)
        and (area == "national" or area in app_state(request).areas)
        and not may_edit(staff, area)
    ):
        raise _scope_error(area)


def _scope_error(area: str) -> ApiError:
    message = (
        "Only an admin may change national services."
        if area == "national"
        else ("You are not assigned to this area.")
    )
    return ApiError(403, "forbidden_object", message, {"area": area})


async def _load(request: Request, staff: Staff) -> HelpService:
    service = await HelpService.get_or_none(id=path_id(request, "help service"))
    if service is None:
        raise ApiError(404, "not_found", "No help service with that id.")
    if not may_edit(staff, service.area):
        raise _scope_error(service.area)
    return service


@doc(summary="List help services", tags=["services", "staff"],
     responses={200: {"type": "object", "required": ["services"],
                      "properties": {"services": {"type": "array", "items": SERVICE_OUT}}}}, security="staff")  # fmt: skip
async def list_services(request: Request) -> JSONResponse:
    await require_staff(request, roles=EDITORS)
    rows = await HelpService.all().order_by("name", "id")
    return JSONResponse({"services": [admin.service_staff(s) for s in rows]})


@doc(summary="Add a help service", tags=["services", "staff"],
     body=ServiceDraft,
     responses={201: SERVICE_OUT, 422: "error"}, security="staff")  # fmt: skip
async def create_service(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    body = await read_json_object(request)
    _check_area(request, staff, body.get("area", "national"))
    async with checked_write(request, staff, action="service.create", object_type="service") as audit:
        service = await admin.create_service(body, areas=app_state(request).areas)
        await audit(service.id, {"name": service.name, "area": service.area})
    return JSONResponse(admin.service_staff(service), status_code=201)


@doc(summary="One help service", tags=["services", "staff"], params=ID_PARAM,
     responses={200: SERVICE_OUT, 404: "error"}, security="staff")  # fmt: skip
async def get_service(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    service = await HelpService.get_or_none(id=path_id(request, "help service"))
    if service is None:
        raise ApiError(404, "not_found", "No help service with that id.")
    del staff
    return JSONResponse(admin.service_staff(service))


@doc(summary="Change a help service", tags=["services", "staff"], params=ID_PARAM, body=ServiceChanges,
     responses={200: SERVICE_OUT, 404: "error", 422: "error"}, security="staff")  # fmt: skip
async def patch_service(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    service = await _load(request, staff)
    body = await read_json_object(request)
    _check_area(request, staff, body.get("area"))
    async with checked_write(request, staff, action="service.update", object_type="service") as audit:
        changes = await admin.update_service(service, body, areas=app_state(request).areas)
        await audit(service.id, {"changed": sorted(changes)})
    return JSONResponse(admin.service_staff(service))


@doc(summary="Delete a help service", tags=["services", "staff"], params=ID_PARAM,
     responses={204: None, 404: "error"}, security="staff")  # fmt: skip
async def delete_service(request: Request) -> Response:
    staff = await require_staff(request, roles=EDITORS)
    service = await _load(request, staff)
    async with audited(request, staff, action="service.delete", object_type="service") as audit:
        await service.delete()
        await audit(service.id, {"name": service.name})
    return Response(status_code=204)


@doc(summary="Mark a help service's details as checked now by you (a needs_check service becomes public)", tags=["services", "staff"], params=ID_PARAM,
     responses={200: SERVICE_OUT, 404: "error"}, security="staff")  # fmt: skip
async def verify_service(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    service = await _load(request, staff)
    async with audited(request, staff, action="service.verify", object_type="service") as audit:
        await admin.verify_service(service, staff_id=staff.id)
        await audit(service.id, None)
    return JSONResponse(admin.service_staff(service))


@doc(summary="Help services as CSV (the import format)", tags=["services", "staff"],
     responses={200: {"type": "string", "x-media-type": "text/csv"}}, security="staff")  # fmt: skip
async def export_csv(request: Request) -> Response:
    await require_staff(request, roles=EDITORS)
    rows = await HelpService.all().order_by("name", "id")
    return Response(
        export_services(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="services.csv"'},
    )


routes: list[BaseRoute] = [
    Route("/api/v1/admin/services", list_services, methods=["GET"]),
    Route("/api/v1/admin/services", create_service, methods=["POST"]),
    Route("/api/v1/admin/services/export.csv", export_csv, methods=["GET"]),
    Route("/api/v1/admin/services/{id:int}", get_service, methods=["GET"]),
    Route("/api/v1/admin/services/{id:int}", patch_service, methods=["PATCH"]),
    Route("/api/v1/admin/services/{id:int}", delete_service, methods=["DELETE"]),
    Route("/api/v1/admin/services/{id:int}/verify", verify_service, methods=["POST"]),
]
