"""Admin: staff accounts and invitations. Admin role only; every write is audited."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import audited_write
from backend.accounts.bodies import StaffChanges, StaffInvitation
from backend.accounts.guard import require_staff
from backend.accounts.models import User
from backend.accounts.users import create_invitation, invitation_json, update_user, user_json
from backend.api.auth import USER_SCHEMA
from backend.bodies import read_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_str, whole_number
from backend.responses import JSONResponse

ADMIN = {"admin"}
STR_LIST = {"type": "array", "items": {"type": "string"}, "maxItems": 200}
INVITATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "email", "roles", "expires_at", "token"],
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "roles": STR_LIST,
        "areas": STR_LIST,
        "schools": STR_LIST,
        "expires_at": {"type": "string"},
        "token": {"type": "string"},
        "accepted": {"type": "boolean"},
        "display_name": {"type": "string"},
    },
}
ID_PARAM = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]


def _known_areas(request: Request) -> list[str]:
    return list(getattr(getattr(request.app.state, "wayhome", None), "areas", {}) or {})


def _user_id(request: Request) -> int:
    value = whole_number(str(request.path_params.get("id", "")), max_digits=10)
    if value is None or value > 2**31 - 1:
        raise ApiError(404, "not_found", "No staff account has this id.")
    return value


@doc(
    summary="List staff accounts",
    tags=["admin"],
    security="staff",
    params=[
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100}},
        {"name": "active", "in": "query", "required": False, "schema": {"enum": ["true", "false"]}},
    ],
    responses={
        200: {
            "type": "object",
            "required": ["users"],
            "properties": {"users": {"type": "array", "items": USER_SCHEMA}},
        }
    },
)
async def list_users(request: Request) -> Response:
    await require_staff(request, roles=ADMIN)
    query = User.all().order_by("email")
    q = query_str(request, "q", max_len=100, default=None)
    if q:
        query = query.filter(email__icontains=q)
    active = query_str(request, "active", max_len=5, default=None, choices=("true", "false"))
    if active is not None:
        query = query.filter(is_active=active == "true")
    return JSONResponse({"users": [user_json(u) for u in await query.limit(1000)]})


@doc(
    summary="One staff account",
    tags=["admin"],
    security="staff",
    params=ID_PARAM,
    responses={200: USER_SCHEMA, 404: "error"},
)
async def get_user(request: Request) -> Response:
    await require_staff(request, roles=ADMIN)
    user = await User.get_or_none(id=_user_id(request))
    if user is None:
        raise ApiError(404, "not_found", "No staff account has this id.")
    return JSONResponse(user_json(user))


@doc(
    summary="Invite a staff member (one-time token that expires in 72 hours; shown once)",
    tags=["admin"],
    security="staff",
    body=StaffInvitation,
    responses={201: INVITATION_SCHEMA, 409: "error", 422: "error"},
)
async def invite(request: Request) -> Response:
    staff = await require_staff(request, roles=ADMIN)
    invite = await read_body(request, StaffInvitation, max_bytes=16_000)
    async with audited_write(request, staff, action="invitation_created", object_type="invitation") as audit:
        invitation, token = await create_invitation(
            invite=invite, invited_by=staff, known_areas=_known_areas(request)
        )
        scope = {"areas": invitation.area_slugs, "schools": invitation.school_urns}
        await audit(invitation.id, {"email": invitation.email, "roles": invitation.roles, **scope})
    return JSONResponse(invitation_json(invitation, token=token), status_code=201)


@doc(
    summary="Change a staff member's roles, areas, schools, name, or disable them (ends their sessions)",
    tags=["admin"],
    security="staff",
    params=ID_PARAM,
    body=StaffChanges,
    responses={200: USER_SCHEMA, 403: "error", 404: "error", 422: "error"},
)
async def patch_user(request: Request) -> Response:
    staff = await require_staff(request, roles=ADMIN)
    user = await User.get_or_none(id=_user_id(request))
    if user is None:
        raise ApiError(404, "not_found", "No staff account has this id.")
    body = await read_body(request, StaffChanges, max_bytes=16_000)
    disabling = "is_active" in body.model_fields_set and not body.is_active
    action = "user_disabled" if disabling else "user_updated"
    async with audited_write(request, staff, action=action, object_type="user") as audit:
        changes = await update_user(user=user, changes=body, actor=staff, known_areas=_known_areas(request))
        await audit(user.id, changes)
    return JSONResponse(user_json(user))


routes: list[BaseRoute] = [
    Route("/api/v1/admin/users", list_users, methods=["GET"]),
    Route("/api/v1/admin/users", invite, methods=["POST"]),
    Route("/api/v1/admin/users/{id}", get_user, methods=["GET"]),
    Route("/api/v1/admin/users/{id}", patch_user, methods=["PATCH"]),
    Route("/api/v1/admin/invitations", invite, methods=["POST"]),
]
