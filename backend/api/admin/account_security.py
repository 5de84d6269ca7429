"""Admin: clear a staff account's sign-in backoff, or reset its second factor (it is set up again at sign-in)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.transactions import in_transaction

from backend.accounts.audit import record_audit
from backend.accounts.guard import require_staff
from backend.accounts.models import User
from backend.accounts.sessions import revoke_all_sessions
from backend.accounts.users import user_json
from backend.api.admin.users import _user_id
from backend.api.auth import USER_SCHEMA
from backend.errors import ApiError
from backend.openapi import doc

ID_PARAM = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]


async def _user(request: Request) -> User:
    user = await User.get_or_none(id=_user_id(request))
    if user is None:
        raise ApiError(404, "not_found", "No staff account has this id.")
    return user


@doc(
    summary="Let a staff member sign in again now (clears the wait after failed sign-ins)",
    tags=["admin"], security="staff", params=ID_PARAM,
    responses={200: USER_SCHEMA, 403: "error", 404: "error"},
)  # fmt: skip
async def unlock(request: Request) -> Response:
    staff = await require_staff(request, roles={"admin"})
    user = await _user(request)
    async with in_transaction():
        failures = user.failed_logins
        user.failed_logins, user.last_failed_login_at = 0, None
        await user.save(update_fields=["failed_logins", "last_failed_login_at"])
        await record_audit(request, staff, action="user_unlocked", object_type="user", object_id=user.id,
                           details={"failures": failures})  # fmt: skip
    return JSONResponse(user_json(user))


@doc(
    summary="Reset a staff member's second factor (lost phone): they set it up again at their next sign-in",
    tags=["admin"], security="staff", params=ID_PARAM,
    responses={200: USER_SCHEMA, 403: "error", 404: "error"},
)  # fmt: skip
async def reset_second_factor(request: Request) -> Response:
    staff = await require_staff(request, roles={"admin"})
    user = await _user(request)
    if user.id == staff.id:
        raise ApiError(403, "forbidden_self_change", "Ask another admin to reset your own second factor.")
    async with in_transaction():
        user.totp_secret, user.totp_last_step, user.recovery_code_hashes = None, None, []
        await user.save(update_fields=["totp_secret", "totp_last_step", "recovery_code_hashes"])
        ended = await revoke_all_sessions(user_id=user.id)
        await record_audit(request, staff, action="totp_reset", object_type="user", object_id=user.id,
                           details={"sessions_ended": ended})  # fmt: skip
    return JSONResponse(user_json(user))


routes: list[BaseRoute] = [
    Route("/api/v1/admin/users/{id}/unlock", unlock, methods=["POST"]),
    Route("/api/v1/admin/users/{id}/reset-second-factor", reset_second_factor, methods=["POST"]),
]
