"""Officer review of safe place applications: visit, publish as a CitySafe Haven, posters, re-checks, reports.

Officers and admins act for the areas they hold; every write is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import record_audit
from backend.accounts.guard import Staff, require_staff
from backend.api.safe_places import invalid
from backend.bodies import Body, Day, Says, read_body
from backend.errors import ApiError
from backend.openapi import doc
from havens.applications import poster, service
from havens.applications.models import SafePlaceApplication, VenueReport
from havens.applications.service import VISIT_DAY
from havens.hours import LONDON
from havens.models import Haven

ROLES = {"officer", "admin"}
ID_PARAM = [{"name": "app_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]
HAVEN_PARAM = [
    {"name": "haven_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
]


class VisitReport(Body):
    """POST /api/v1/admin/safe-place-applications/{id}/visit: what the officer saw (the service checks the day
    is today or within the last year and that the agreement is signed, and says both at once)."""

    invalid_code = "invalid_application"

    visit_date: Annotated[Day, Says(VISIT_DAY)] = Field(title="Day of the visit")
    agreement_signed: Annotated[
        bool, Says("Tick this once the venue has signed the safe place agreement.")
    ] = Field(title="Agreement signed")
    notes: Annotated[
        str, StringConstraints(max_length=2000), Says("Keep the visit notes to 2,000 characters.")
    ] = Field(default="", title="Visit notes")


def _scope(staff: Staff) -> set[str] | None:
    return None if staff.is_admin else set(staff.area_slugs)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def application_json(a: SafePlaceApplication) -> dict[str, Any]:
    return {
        "id": a.id, "area": a.area, "venue_name": a.venue_name, "address": a.address, "postcode": a.postcode,
        "lat": a.lat, "lon": a.lon, "contact_name": a.contact_name, "contact_phone": a.contact_phone,
        "contact_email": a.contact_email, "opening_hours": a.opening_hours, "agreements": list(a.agreements),
        "status": a.status, "submitted_at": _iso(a.submitted_at), "visit_date": _iso(a.visit_date),
        "visited_by": a.visited_by, "agreement_signed": a.agreement_signed, "review_notes": a.review_notes,
        "haven_id": a.haven_id, "published_at": _iso(a.published_at),
    }  # fmt: skip


def haven_due_json(h: Haven) -> dict[str, Any]:
    by = service.reverify_by(h)
    return {
        "id": h.id, "area": h.area, "name": h.name, "address": h.address, "postcode": h.postcode,
        "verified_at": _iso(h.verified_at.astimezone(LONDON) if h.verified_at else None),
        "reverify_by": _iso(by), "contact": h.contact,
    }  # fmt: skip


def report_json(r: VenueReport, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": r.id, "haven_id": r.haven_id, "haven_name": names.get(r.haven_id, ""), "area": r.area,
        "kind": r.kind, "new_hours": r.new_hours, "message": r.message, "contact": r.contact,
        "created_at": _iso(r.created_at),
    }  # fmt: skip


async def _application(request: Request, staff: Staff) -> SafePlaceApplication:
    app_id = int(request.path_params["app_id"])
    found = await SafePlaceApplication.get_or_none(id=app_id) if 0 < app_id < 2**31 else None
    if found is None or not staff.may_act_for(area=found.area):
        raise ApiError(404, "application_not_found", "No application with that number that you can see.")
    return found


@doc(
    summary="Safe place applications waiting for a visit or for publishing, oldest first",
    tags=["havens", "admin"],
    security="staff",
    responses={200: {"type": "object", "required": ["applications"]}},
)
async def list_applications(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    rows = await service.list_applications(areas=_scope(staff))
    return JSONResponse(
        {"applications": [application_json(a) for a in rows]}, headers={"cache-control": "no-store"}
    )


@doc(
    summary="Record the officer's visit and the signed agreement",
    tags=["havens", "admin"],
    security="staff",
    params=ID_PARAM,
    body=VisitReport,
    responses={200: {"type": "object"}, 404: "error", 409: "error", 422: "error"},
)
async def record_visit(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    application = await _application(request, staff)
    body = await read_body(request, VisitReport, max_bytes=8_000)

    async def audit(a: SafePlaceApplication) -> None:
        await record_audit(
            request, staff, action="safe_place.visit", object_type="safe_place_application",
            object_id=a.id, details={"visit_date": _iso(a.visit_date), "area": a.area},
        )  # fmt: skip

    try:
        done = await service.record_visit(
            application=application, visit_date=body.visit_date,
            agreement_signed=body.agreement_signed, notes=body.notes, staff_id=staff.id,
            today=dt.datetime.now(LONDON).date(), audit=audit,
        )  # fmt: skip
    except service.ApplicationInvalid as exc:
        raise invalid(exc) from None
    except service.ApplicationConflict as exc:
        raise ApiError(409, "application_closed", str(exc)) from None
    return JSONResponse(application_json(done))


@doc(
    summary="Publish a visited application as a verified CitySafe Haven (verified on the visit date)",
    tags=["havens", "admin"],
    security="staff",
    params=ID_PARAM,
    responses={201: {"type": "object", "required": ["haven_id"]}, 404: "error", 409: "error"},
)
async def publish(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    application = await _application(request, staff)

    async def audit(h: Haven) -> None:
        await record_audit(
            request, staff, action="safe_place.publish", object_type="haven", object_id=h.id,
            details={"application": application.id, "area": h.area},
        )  # fmt: skip

    try:
        haven = await service.publish(
            application=application, staff_id=staff.id, now=dt.datetime.now(dt.UTC), audit=audit
        )
    except service.ApplicationConflict as exc:
        raise ApiError(409, "not_ready_to_publish", str(exc)) from None
    return JSONResponse({"haven_id": haven.id, "application": application_json(application)}, status_code=201)


@doc(
    summary="Decline an application (kept for the record, never shown)",
    tags=["havens", "admin"],
    security="staff",
    params=ID_PARAM,
    responses={204: None, 404: "error", 409: "error"},
)
async def decline(request: Request) -> Response:
    staff = await require_staff(request, roles=ROLES)
    application = await _application(request, staff)

    async def audit(a: SafePlaceApplication) -> None:
        await record_audit(
            request, staff, action="safe_place.decline", object_type="safe_place_application",
            object_id=a.id, details={"area": a.area},
        )  # fmt: skip

    try:
        await service.decline(application=application, staff_id=staff.id, audit=audit)
    except service.ApplicationConflict as exc:
        raise ApiError(409, "application_closed", str(exc)) from None
    return Response(status_code=204)


@doc(
    summary="CitySafe Havens due for their yearly re-check, and venues' open change reports",
    tags=["havens", "admin"],
    security="staff",
    responses={200: {"type": "object", "required": ["due", "reports"]}},
)
async def reverify(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    scope = _scope(staff)
    due = await service.due_for_reverification(areas=scope, now=dt.datetime.now(dt.UTC))
    reports = await service.open_reports(areas=scope)
    names = {h.id: h.name for h in await Haven.filter(id__in=[r.haven_id for r in reports])}
    return JSONResponse(
        {"due": [haven_due_json(h) for h in due], "reports": [report_json(r, names) for r in reports]},
        headers={"cache-control": "no-store"},
    )


@doc(
    summary="A printable window poster for a Haven: its name and a QR code to WayHome (SVG)",
    tags=["havens", "admin"],
    security="staff",
    params=HAVEN_PARAM,
    responses={200: None, 404: "error"},
)
async def haven_poster(request: Request) -> Response:
    staff = await require_staff(request, roles=ROLES | {"editor"})
    haven_id = int(request.path_params["haven_id"])
    haven = await Haven.get_or_none(id=haven_id) if 0 < haven_id < 2**31 else None
    if haven is None or not staff.may_act_for(area=haven.area):
        raise ApiError(404, "haven_not_found", "No Haven with that number that you can see.")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    svg = poster.poster_svg(
        name=haven.name,
        app_url=f"{origin}/#/haven",
        change_url=f"{origin}/#/safe-place/change?haven={haven.id}",
    )
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "no-store"})


routes: list[BaseRoute] = [
    Route("/api/v1/admin/safe-place-applications", list_applications, methods=["GET"]),
    Route("/api/v1/admin/safe-place-applications/{app_id:int}/visit", record_visit, methods=["POST"]),
    Route("/api/v1/admin/safe-place-applications/{app_id:int}/publish", publish, methods=["POST"]),
    Route("/api/v1/admin/safe-place-applications/{app_id:int}/decline", decline, methods=["POST"]),
    Route("/api/v1/admin/safe-place-reverify", reverify, methods=["GET"]),
    Route("/api/v1/admin/havens/{haven_id:int}/poster.svg", haven_poster, methods=["GET"]),
]
