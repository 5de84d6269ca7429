"""Admin: read the audit log (filters, newest first, keyset pagination). There is no write endpoint."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.accounts.models import AuditEvent
from backend.openapi import doc
from backend.params import parse_datetime, query_int, query_str
from backend.responses import JSONResponse

EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "at", "action", "object_type"],
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string"},
        "actor_id": {"type": ["integer", "null"]},
        "actor_email": {"type": "string"},
        "action": {"type": "string"},
        "object_type": {"type": "string"},
        "object_id": {"type": ["string", "null"]},
        "details": {"type": "object"},
        "address": {"type": "string"},
    },
}
PARAMS = [
    {"name": "actor_id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
    {"name": "action", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64}},
    {"name": "object_type", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64}},
    {"name": "object_id", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 128}},
    {"name": "since", "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"}},
    {"name": "until", "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"}},
    {"name": "before_id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
    },
]


def event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,  # type: ignore[attr-defined]
        "actor_email": event.actor_email,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details or {},
        "address": event.address,
    }


@doc(
    summary="Audit log: who did what to which object, when, from where (coarsened)",
    tags=["admin"],
    security="staff",
    params=PARAMS,
    responses={
        200: {
            "type": "object",
            "required": ["events", "next_before_id"],
            "properties": {
                "events": {"type": "array", "items": EVENT_SCHEMA},
                "next_before_id": {"type": ["integer", "null"]},
            },
        }
    },
)
async def list_audit(request: Request) -> Response:
    await require_staff(request, roles={"admin"})
    query = AuditEvent.all()
    actor_id = query_int(request, "actor_id", min=1, max=2**31 - 1, default=None)
    if actor_id is not None:
        query = query.filter(actor_id=actor_id)
    for name, max_len in (("action", 64), ("object_type", 64), ("object_id", 128)):
        value = query_str(request, name, max_len=max_len, default=None)
        if value:
            query = query.filter(**{name: value})
    since = query_str(request, "since", max_len=40, default=None)
    if since:
        query = query.filter(at__gte=parse_datetime(since, field="since"))
    until = query_str(request, "until", max_len=40, default=None)
    if until:
        query = query.filter(at__lt=parse_datetime(until, field="until"))
    before_id = query_int(request, "before_id", min=1, max=2**31 - 1, default=None)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    limit = query_int(request, "limit", min=1, max=200, default=50)
    events = await query.order_by("-id").limit(limit + 1)
    more = len(events) > limit
    events = events[:limit]
    return JSONResponse(
        {
            "events": [event_json(e) for e in events],
            "next_before_id": events[-1].id if more and events else None,
        }
    )


routes: list[BaseRoute] = [Route("/api/v1/admin/audit", list_audit, methods=["GET"])]
