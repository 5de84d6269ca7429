"""Staff endpoints for key messages: drafts, publishing (each publish is a new kept version), history, review.

Law messages need a second person: the account that last edited one may neither publish nor review it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import AuditFn
from backend.accounts.guard import Staff, require_staff
from backend.api.admin.havens import EDITORS, ID_PARAM, checked_write, path_id
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str, read_json_object
from backend.responses import JSONResponse
from content.messages import REVIEWER_ROLES, TIERS
from havens import admin
from havens.bodies import MessageChanges, MessageDraft, MessageReview
from havens.models import MESSAGE_STATUSES, KeyMessage, KeyMessageVersion
from havens.validation import checked

# The stored message as staff see it (what is accepted is the body types, `havens/bodies.py`).
MESSAGE_FIELDS: dict[str, Any] = {
    "tier": {"enum": list(TIERS)},
    "topic": {"type": "string"},
    "title": {"type": "string"},
    "body_markdown": {"type": "string"},
    "status": {"enum": list(MESSAGE_STATUSES)},
    "sources": {"type": "array", "items": {"type": "string"}},
}
MESSAGE_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "tier", "topic", "title", "body_markdown", "status", "version"],
    "properties": {**MESSAGE_FIELDS, "id": {"type": "integer"}, "version": {"type": "integer"},
                   "author_id": {"type": ["integer", "null"]}, "updated_at": {"type": ["string", "null"]},
                   "owner": {"type": "string"}, "reviewed_by": {"type": "string"},
                   "reviewed_on": {"type": ["string", "null"]}, "review_by": {"type": ["string", "null"]},
                   "review_due": {"type": "boolean"}, "law": {"type": "boolean"},
                   "last_edited_by": {"type": ["integer", "null"]},
                   "versions": {"type": "array", "items": {"type": "object"}}},
}  # fmt: skip


def second_person() -> ApiError:
    return ApiError(
        409, "second_person_needed",
        "A law message must be published or reviewed by a different editor from the one who last changed it. "
        "Save your change as a draft and ask another editor.",
    )  # fmt: skip


@asynccontextmanager
async def _message_write(request: Request, staff: Staff, *, action: str) -> AsyncIterator[AuditFn]:
    """A key-message write and its audit row in one transaction; a law message's second person is asked for."""
    try:
        async with checked_write(request, staff, action=action, object_type="key_message") as audit:
            yield audit
    except admin.NeedsSecondPerson:
        raise second_person() from None


async def _load(request: Request) -> KeyMessage:
    msg = await KeyMessage.get_or_none(id=path_id(request, "key message"))
    if msg is None:
        raise ApiError(404, "not_found", "No key message with that id.")
    return msg


@doc(summary="List key messages (working copies)", tags=["messages", "staff"],
     params=[{"name": "tier", "required": False, "schema": {"enum": list(TIERS)}},
             {"name": "status", "required": False, "schema": {"enum": list(MESSAGE_STATUSES)}},
             {"name": "review_due", "required": False, "schema": {"enum": ["0", "1"]}}],
     responses={200: {"type": "object", "required": ["messages"],
                      "properties": {"messages": {"type": "array", "items": MESSAGE_OUT}}}}, security="staff")  # fmt: skip
async def list_messages(request: Request) -> JSONResponse:
    await require_staff(request, roles=EDITORS)
    tier = query_str(request, "tier", max_len=20, default=None, choices=TIERS)
    status = query_str(request, "status", max_len=12, default=None, choices=MESSAGE_STATUSES)
    query = KeyMessage.all().order_by("tier", "topic")
    if tier:
        query = query.filter(tier=tier)
    if status:
        query = query.filter(status=status)
    due_only = query_str(request, "review_due", max_len=1, default="0", choices=("0", "1")) == "1"
    rows = [admin.message_staff(m) for m in await query]
    return JSONResponse(
        {
            "messages": [m for m in rows if m["review_due"] or not due_only],
            "reviewer_roles": list(REVIEWER_ROLES),
        }
    )


@doc(summary="Write a key message (draft, or publish straight away with status=published)",
     tags=["messages", "staff"], body=MessageDraft,
     responses={201: MESSAGE_OUT, 422: "error"}, security="staff")  # fmt: skip
async def create_message(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    body = await read_json_object(request)
    async with _message_write(request, staff, action="message.create") as audit:
        msg = await admin.create_message(body, author_id=staff.id)
        await audit(msg.id, {"tier": msg.tier, "topic": msg.topic, "status": msg.status})
    return JSONResponse(admin.message_staff(msg), status_code=201)


@doc(summary="One key message with its published versions", tags=["messages", "staff"], params=ID_PARAM,
     responses={200: MESSAGE_OUT, 404: "error"}, security="staff")  # fmt: skip
async def get_message(request: Request) -> JSONResponse:
    await require_staff(request, roles=EDITORS)
    msg = await _load(request)
    versions = await KeyMessageVersion.filter(message_id=msg.id)
    return JSONResponse(admin.message_staff(msg, versions))


@doc(summary="Edit a key message (becomes a draft) or publish it (status=published: a new version)",
     tags=["messages", "staff"], params=ID_PARAM, body=MessageChanges,
     responses={200: MESSAGE_OUT, 404: "error", 422: "error"}, security="staff")  # fmt: skip
async def patch_message(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    msg = await _load(request)
    body = await read_json_object(request)
    async with _message_write(request, staff, action="message.update") as audit:
        changes = await admin.update_message(msg, body, author_id=staff.id)
        await audit(msg.id, {"changed": sorted(changes), "version": msg.version, "status": msg.status})
    versions = await KeyMessageVersion.filter(message_id=msg.id)
    return JSONResponse(admin.message_staff(msg, versions))


@doc(summary="Record that you reviewed a key message today, in a named role (next review due in 12 months)",
     tags=["messages", "staff"], params=ID_PARAM, body=MessageReview,
     responses={200: MESSAGE_OUT, 404: "error", 409: "error", 422: "error"}, security="staff")  # fmt: skip
async def review_message(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    msg = await _load(request)
    body = await read_json_object(request)
    async with _message_write(request, staff, action="message.review") as audit:
        review = checked(MessageReview, body)
        details = await admin.review_message(msg, reviewer_role=review.reviewed_by, staff_id=staff.id)
        await audit(msg.id, details)
    return JSONResponse(admin.message_staff(msg))


routes: list[BaseRoute] = [
    Route("/api/v1/admin/messages", list_messages, methods=["GET"]),
    Route("/api/v1/admin/messages", create_message, methods=["POST"]),
    Route("/api/v1/admin/messages/{id:int}", get_message, methods=["GET"]),
    Route("/api/v1/admin/messages/{id:int}", patch_message, methods=["PATCH"]),
    Route("/api/v1/admin/messages/{id:int}/review", review_message, methods=["POST"]),
]
