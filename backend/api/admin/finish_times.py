"""GET/PUT /api/v1/admin/schools/{urn}/finish-times: officers keep their schools' finish times current."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import audited_write
from backend.accounts.guard import Staff, require_staff
from backend.alerts import finish_time_notice, finish_time_service, finish_times
from backend.alerts.finish_time_bodies import FinishTimeRules
from backend.alerts.models import FinishTimes
from backend.alerts.notices import school_area
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import read_json_object
from backend.responses import JSONResponse
from backend.state import app_state

ROLES = {"officer", "admin"}
RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["urn", "rules", "preview"],
    "properties": {
        "urn": {"type": "string"},
        "area": {"type": "string"},
        "rules": {"type": ["object", "null"]},
        "updated_at": {"type": ["string", "null"]},
        "preview": {"type": "object"},
        "notice_draft": {
            "type": ["object", "null"],
            "description": "After a PUT: a ready `finish_time_change` notice (kind, title, body, schools) "
            "for the officer to send, or null when nothing parents see changes",
        },
    },
}


def _check_scope(staff: Staff, urn: str) -> None:
    if not staff.may_act_for(school=urn):
        raise ApiError(403, "forbidden_object", "You are not assigned to this school.", {"school": urn})


def _area_or_404(request: Request) -> tuple[str, str]:
    urn = str(request.path_params["urn"])[:16]
    area = school_area(app_state(request).areas, urn)
    if area is None:
        raise ApiError(404, "unknown_school", "No school with that URN in the areas served.", {"urn": urn})
    return urn, area


def _body(urn: str, area: str, record: FinishTimes | None) -> dict[str, Any]:
    today = dt.datetime.now(finish_times.LONDON).date()
    return {
        "urn": urn,
        "area": area,
        "rules": record.rules if record else None,
        "updated_at": record.updated_at.isoformat() if record else None,
        "preview": finish_times.public_view(
            rules=record.rules if record else None,
            updated_at=record.updated_at if record else None,
            today=today,
            days=14,
        ),
    }


@doc(
    summary="A school's finish-time rules (weekly pattern, terms, exceptions) and the next two weeks",
    tags=["admin", "schools"],
    security="staff",
    responses={200: RESPONSE_SCHEMA, 401: "error", 403: "error", 404: "error"},
)
async def get_finish_times(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)  # 401/403 before revealing whether the school exists
    urn, area = _area_or_404(request)
    _check_scope(staff, urn)
    return JSONResponse(_body(urn, area, await FinishTimes.get_or_none(school_urn=urn)))


@doc(
    summary="Replace a school's finish-time rules",
    tags=["admin", "schools"],
    security="staff",
    body=FinishTimeRules,
    responses={200: RESPONSE_SCHEMA, 400: "error", 401: "error", 403: "error", 404: "error", 422: "error"},
)
async def put_finish_times(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    urn, area = _area_or_404(request)
    _check_scope(staff, urn)
    body = await read_json_object(request, max_bytes=64_000)
    try:
        async with audited_write(request, staff, action="finish_times.update", object_type="school") as audit:
            saved = await finish_time_service.save_rules(
                urn=urn, area=area, body=body, updated_by_id=staff.id
            )
            rules = saved.rules
            counts = {"weekly": len(rules["weekly"]), "terms": len(rules["terms"])}
            await audit(urn, {**counts, "exceptions": len(rules["exceptions"])})
    except finish_times.RulesError as exc:
        raise ApiError(
            422,
            "invalid_finish_times",
            "Some finish times need fixing: see the message beside each one.",
            {"errors": exc.errors},
        ) from None
    record, old_rules = saved.record, saved.old_rules
    school = app_state(request).areas[area].school(urn)
    offer = finish_time_notice.draft(
        urn=urn,
        school_name=school.name if school else urn,
        old_rules=old_rules,
        new_rules=rules,
        today=dt.datetime.now(finish_times.LONDON).date(),
    )
    return JSONResponse({**_body(urn, area, record), "notice_draft": offer})


routes: list[BaseRoute] = [
    Route("/api/v1/admin/schools/{urn}/finish-times", get_finish_times, methods=["GET"]),
    Route("/api/v1/admin/schools/{urn}/finish-times", put_finish_times, methods=["PUT"]),
]
