"""Staff notices: draft, edit, preview, send or schedule. Officers act only for their schools and areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import audited_write, record_audit
from backend.accounts.guard import Staff, require_staff
from backend.alerts import notices as domain
from backend.alerts.bodies import NoticeChanges, NoticeDraft
from backend.alerts.models import Notice
from backend.alerts.sender import MAX_PLAINTEXT_BYTES
from backend.bodies import read_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str
from backend.responses import JSONResponse
from backend.state import app_state

EDIT_ROLES = {"officer", "admin", "editor"}
SEND_ROLES = {"officer", "admin"}
STAFF_NOTICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind", "title", "body", "schools", "areas", "urgency", "status", "expires_at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "schools": {"type": "array", "items": {"type": "string"}},
        "areas": {"type": "array", "items": {"type": "string"}},
        "age_tiers": {"type": "array", "items": {"type": "string"}},
        "urgency": {"type": "string"},
        "status": {"enum": ["draft", "scheduled", "sent", "cancelled"]},
        "send_at": {"type": ["string", "null"]},
        "expires_at": {"type": "string"},
        "sent_at": {"type": ["string", "null"]},
        "recipients": {"type": "integer"},
        "deliveries": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}
ERRORS: dict[int, Any] = {400: "error", 401: "error", 403: "error", 404: "error", 409: "error", 422: "error"}


def _in_scope(staff: Staff, *, schools: list[str], areas: list[str]) -> bool:
    return all(staff.may_act_for(school=s) for s in schools) and all(staff.may_act_for(area=a) for a in areas)


def _check_scope(staff: Staff, *, schools: list[str], areas: list[str]) -> None:
    if not _in_scope(staff, schools=schools, areas=areas):
        raise ApiError(
            403, "forbidden_object", "You are not assigned to every school and area in this audience."
        )


async def _notice_or_404(request: Request, staff: Staff) -> Notice:
    notice_id = int(request.path_params["id"])
    notice = await Notice.get_or_none(id=notice_id) if 0 < notice_id < 2**31 else None
    if notice is None:
        raise ApiError(404, "unknown_notice", "No notice with that id.")
    _check_scope(staff, schools=list(notice.schools), areas=list(notice.areas))
    return notice


@doc(
    summary="Notices the signed-in staff member may act for, newest first",
    tags=["admin", "notices"],
    security="staff",
    params=[
        {
            "name": "status",
            "in": "query",
            "required": False,
            "schema": {"enum": ["draft", "scheduled", "sent", "cancelled"]},
        }
    ],
    responses={
        200: {"type": "object", "required": ["notices"], "properties": {"notices": {"type": "array"}}},
        **ERRORS,
    },
)
async def list_notices(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDIT_ROLES)
    status = query_str(
        request, "status", max_len=16, default=None, choices=("draft", "scheduled", "sent", "cancelled")
    )
    query = Notice.all().order_by("-id").limit(500)
    if status:
        query = query.filter(status=status)
    visible = [n for n in await query if _in_scope(staff, schools=list(n.schools), areas=list(n.areas))]
    return JSONResponse({"notices": [domain.notice_json(n) for n in visible]})


@doc(
    summary="Create a draft notice (patrol notice, finish-time change or safety message)",
    tags=["admin", "notices"],
    security="staff",
    body=NoticeDraft,
    responses={201: STAFF_NOTICE_SCHEMA, **ERRORS},
)
async def create_notice(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDIT_ROLES)
    draft = await read_body(request, NoticeDraft, max_bytes=16_000)
    values = domain.validate_notice(
        draft, areas=app_state(request).areas, current=None, now=dt.datetime.now(dt.UTC)
    )
    _check_scope(staff, schools=values.get("schools", []), areas=values.get("areas", []))
    async with audited_write(request, staff, action="notice.create", object_type="notice") as audit:
        notice = await domain.create_draft(values=values, created_by_id=staff.id)
        await audit(notice.id)
    return JSONResponse(domain.notice_json(notice), status_code=201)


@doc(
    summary="One notice, with its delivery counts by status (pending, done, failed, gave_up, expired, superseded)",
    tags=["admin", "notices"],
    security="staff",
    responses={200: STAFF_NOTICE_SCHEMA, **ERRORS},
)
async def get_notice(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDIT_ROLES)
    notice = await _notice_or_404(request, staff)
    return JSONResponse(domain.notice_json(notice) | {"deliveries": await domain.delivery_counts(notice.id)})


@doc(
    summary="Edit a draft or scheduled notice; status 'draft' unschedules, 'cancelled' withdraws it",
    tags=["admin", "notices"],
    security="staff",
    body=NoticeChanges,
    responses={200: STAFF_NOTICE_SCHEMA, **ERRORS},
)
async def patch_notice(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDIT_ROLES)
    notice = await _notice_or_404(request, staff)
    domain.ensure_editable(notice)
    changes = await read_body(request, NoticeChanges, max_bytes=16_000)
    values = domain.validate_notice(
        changes, areas=app_state(request).areas, current=notice, now=dt.datetime.now(dt.UTC)
    )
    _check_scope(
        staff,
        schools=values.get("schools", list(notice.schools)),
        areas=values.get("areas", list(notice.areas)),
    )
    if notice.status == "scheduled" and "editor" in staff.roles and not staff.has_role(SEND_ROLES):
        raise ApiError(403, "forbidden_role", "Only officers can change a scheduled notice.")
    async with audited_write(request, staff, action="notice.update", object_type="notice") as audit:
        updated = await domain.update(notice, values=values)
        await audit(notice.id, {"fields": sorted(values)})
    return JSONResponse(domain.notice_json(updated))


@doc(
    summary="Exactly what a phone will receive for this notice, its size and who would get it",
    tags=["admin", "notices"],
    security="staff",
    responses={
        200: {
            "type": "object",
            "required": ["payload", "payload_bytes", "max_payload_bytes", "display", "recipients"],
            "properties": {
                "payload": {"type": "object"},
                "payload_bytes": {"type": "integer"},
                "max_payload_bytes": {"type": "integer"},
                "display": {"type": "object"},
                "headers": {"type": "object"},
                "recipients": {"type": "integer"},
            },
        },
        **ERRORS,
    },
)
async def preview_notice(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDIT_ROLES)
    notice = await _notice_or_404(request, staff)
    now = dt.datetime.now(dt.UTC)
    raw = domain.notice_payload_bytes(notice)
    payload = domain.payload(domain.notice_fields(notice))
    start = max(now, notice.send_at or now)
    headers = {
        "TTL": str(max(0, int((notice.expires_at - start).total_seconds()))),
        "Urgency": notice.urgency,
    }
    if topic := domain.topic_header(notice):
        headers["Topic"] = topic
    recipients = await domain.live_subscription_ids(
        topics=domain.audience_topics(notice, areas=app_state(request).areas), now=now
    )
    return JSONResponse(
        {
            "payload": payload,
            "payload_bytes": len(raw),
            "max_payload_bytes": MAX_PLAINTEXT_BYTES,
            "display": {
                "title": notice.title,
                "body": notice.body,
                "tag": f"notice-{notice.id}",
                "url": payload["url"],
            },
            "headers": headers,
            "recipients": len(recipients),
        }
    )


@doc(
    summary="Send now, or schedule when send_at is in the future (queues Web Push; audited)",
    tags=["admin", "notices"],
    security="staff",
    responses={200: STAFF_NOTICE_SCHEMA, **ERRORS},
)
async def send_notice(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=SEND_ROLES)
    notice = await _notice_or_404(request, staff)
    state = app_state(request)

    async def audit(action: str, changed: Notice, recipients: int | None) -> None:
        details: dict[str, Any] = (
            {"send_at": changed.send_at.isoformat() if changed.send_at else None}
            if recipients is None
            else {"recipients": recipients, "schools": changed.schools, "areas": changed.areas}
        )
        await record_audit(
            request, staff, action=action, object_type="notice", object_id=changed.id, details=details
        )

    sent, recipients = await domain.send(notice, areas=state.areas, now=dt.datetime.now(dt.UTC), audit=audit)
    if recipients is None:
        return JSONResponse(domain.notice_json(sent))
    if state.outbox_worker is not None:
        state.outbox_worker.wake.set()
    return JSONResponse(domain.notice_json(sent) | {"recipients": recipients})


routes: list[BaseRoute] = [
    Route("/api/v1/admin/notices", list_notices, methods=["GET"]),
    Route("/api/v1/admin/notices", create_notice, methods=["POST"]),
    Route("/api/v1/admin/notices/{id:int}", get_notice, methods=["GET"]),
    Route("/api/v1/admin/notices/{id:int}", patch_notice, methods=["PATCH"]),
    Route("/api/v1/admin/notices/{id:int}/preview", preview_notice, methods=["GET"]),
    Route("/api/v1/admin/notices/{id:int}/send", send_notice, methods=["POST"]),
]
