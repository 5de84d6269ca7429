"""Staff API for officer hotspots; each write is audited and changes this worker's routes at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import record_audit
from backend.accounts.guard import Staff, require_staff
from backend.bodies import read_body
from backend.errors import ApiError
from backend.hotspots import service
from backend.hotspots.bodies import HotspotChanges, HotspotDraft
from backend.hotspots.models import Hotspot
from backend.openapi import doc
from backend.params import query_str
from backend.responses import JSONResponse
from backend.state import AppState, app_state

ROLES = {"officer", "admin"}
FIELDS: dict[str, Any] = {
    "lat": {"type": ["number", "null"]},
    "lon": {"type": ["number", "null"]},
    "radius_m": {"type": ["number", "null"]},
    "polygon": {"type": ["object", "null"], "description": "GeoJSON Polygon geometry"},
    "weight": {"type": "number"},
    "windows": {"type": "array", "items": {"type": "object"}},
    "expires_at": {"type": ["string", "null"], "format": "date-time"},
    "notes": {"type": "string"},
}
HOTSPOT = {
    "type": "object",
    "required": ["id", "area", "weight", "windows"],
    "properties": {
        "id": {"type": "integer"},
        "area": {"type": "string"},
        **FIELDS,
        "created_by": {"type": ["integer", "null"]},
        "created_at": {"type": ["string", "null"]},
        "updated_at": {"type": ["string", "null"]},
    },
}
ID_PARAM = [
    {"name": "hotspot_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
]


def _forbidden(area: str) -> ApiError:
    return ApiError(403, "forbidden_object", "You may not manage hotspots in this area.", {"area": area})


async def _refresh(state: AppState, area: str) -> None:
    router = state.routers.get(area)
    if router is not None:
        await service.refresh_router(router, area=area, sync=state.hotspot_sync)


async def _load(request: Request, staff: Staff) -> Hotspot:
    hotspot_id = int(request.path_params["hotspot_id"])
    found = await Hotspot.get_or_none(id=hotspot_id) if 0 < hotspot_id < 2**31 else None
    if found is None or not staff.may_act_for(area=found.area):
        raise ApiError(
            404, "hotspot_not_found", "No hotspot with that id that you can see.", {"id": hotspot_id}
        )
    return found


def _check_inside(
    state: AppState, area: str, values: dict[str, Any], existing: Hotspot | None = None
) -> None:
    merged = {k: getattr(existing, k) for k in service.EDITABLE} if existing else {}
    merged.update(values)
    lat, lon = service.centre(merged)
    if not state.areas[area].contains(lat, lon):
        raise ApiError(
            422,
            "outside_area",
            "The hotspot must lie inside the chosen area.",
            {"area": area, "field": "shape"},
        )


def placed(
    state: AppState, staff: Staff, body: HotspotDraft, *, ignore: tuple[str, ...] = ()
) -> tuple[str, dict[str, Any]]:
    """(area, checked values) of a new hotspot: an area served and in the officer's scope, valid fields, on its
    streets. Creating one and previewing one check the same way (`ignore`: fields a preview does not use)."""
    area = body.area
    if area not in state.areas:
        raise ApiError(422, "unknown_area", "Choose an area from the list.", {"field": "area"})
    if not staff.may_act_for(area=area):
        raise _forbidden(area)
    values = service.validate({k: v for k, v in body.sent_data().items() if k not in ("area", *ignore)})
    _check_inside(state, area, values)
    return area, values


def _auditor(
    request: Request, staff: Staff, action: str, details: Callable[[Hotspot], dict[str, Any]]
) -> Any:
    """The audit callback a hotspot write runs inside its own transaction (`details` read off the stored row)."""

    async def audit(h: Hotspot) -> None:
        await record_audit(
            request, staff, action=action, object_type="hotspot", object_id=str(h.id), details=details(h)
        )

    return audit


@doc(
    summary="List officer hotspots in the areas you act for",
    tags=["hotspots"],
    security="staff",
    params=[
        {"name": "area", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64}}
    ],
    responses={
        200: {
            "type": "object",
            "required": ["hotspots"],
            "properties": {"hotspots": {"type": "array", "items": HOTSPOT}},
        }
    },
)
async def list_hotspots(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    area = query_str(request, "area", max_len=64, default=None)
    if area is not None and not staff.may_act_for(area=area):
        raise _forbidden(area)
    areas = {area} if area else (None if staff.is_admin else set(staff.area_slugs))
    rows = await service.list_hotspots(areas=areas)
    return JSONResponse(
        {"hotspots": [service.as_json(h) for h in rows]}, headers={"cache-control": "no-store"}
    )


@doc(
    summary="Create an officer hotspot (circle or polygon)",
    tags=["hotspots"],
    security="staff",
    body=HotspotDraft,
    responses={201: HOTSPOT, 422: "error"},
)
async def create_hotspot(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    area, values = placed(state, staff, await read_body(request, HotspotDraft))
    audit = _auditor(request, staff, "hotspot.create", lambda h: {"area": h.area, "weight": h.weight})
    hotspot = await service.create_hotspot(area=area, values=values, created_by=staff.id, audit=audit)
    await _refresh(state, area)
    return JSONResponse(service.as_json(hotspot), status_code=201)


@doc(
    summary="One officer hotspot",
    tags=["hotspots"],
    security="staff",
    params=ID_PARAM,
    responses={200: HOTSPOT, 404: "error"},
)
async def get_hotspot(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    return JSONResponse(service.as_json(await _load(request, staff)), headers={"cache-control": "no-store"})


@doc(
    summary="Change an officer hotspot",
    tags=["hotspots"],
    security="staff",
    params=ID_PARAM,
    body=HotspotChanges,
    responses={200: HOTSPOT, 404: "error", 422: "error"},
)
async def patch_hotspot(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    hotspot = await _load(request, staff)
    body = await read_body(request, HotspotChanges)
    values = service.validate(body.sent_data(), existing=hotspot)
    _check_inside(state, hotspot.area, values, existing=hotspot)
    audit = _auditor(request, staff, "hotspot.update", lambda h: {"fields": sorted(values)})
    hotspot = await service.update_hotspot(hotspot=hotspot, values=values, audit=audit)
    await _refresh(state, hotspot.area)
    return JSONResponse(service.as_json(hotspot))


@doc(
    summary="Delete an officer hotspot",
    tags=["hotspots"],
    security="staff",
    params=ID_PARAM,
    responses={204: None, 404: "error"},
)
async def delete_hotspot(request: Request) -> Response:
    staff = await require_staff(request, roles=ROLES)
    state = app_state(request)
    hotspot = await _load(request, staff)
    area = hotspot.area
    audit = _auditor(request, staff, "hotspot.delete", lambda h: {"area": h.area})
    await service.delete_hotspot(hotspot=hotspot, audit=audit)
    await _refresh(state, area)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/v1/admin/hotspots", list_hotspots, methods=["GET"]),
    Route("/api/v1/admin/hotspots", create_hotspot, methods=["POST"]),
    Route("/api/v1/admin/hotspots/{hotspot_id:int}", get_hotspot, methods=["GET"]),
    Route("/api/v1/admin/hotspots/{hotspot_id:int}", patch_hotspot, methods=["PATCH"]),
    Route("/api/v1/admin/hotspots/{hotspot_id:int}", delete_hotspot, methods=["DELETE"]),
]
