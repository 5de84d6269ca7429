"""Staff session endpoints: login, logout, me, password change, invitation acceptance, TOTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.accounts.addresses import secret_key
from backend.accounts.audit import record_audit
from backend.accounts.bodies import Credentials, InvitationAcceptance, PasswordChange, SecondFactorChange
from backend.accounts.guard import Staff, require_staff
from backend.accounts.login import (
    login,
    note_failure,
    officers_optional,
    session_notice,
    throttled,
    too_many,
    work_offload,
)
from backend.accounts.models import Session, User
from backend.accounts.passwords import (
    check_password_policy,
    hash_password_async,
    verify_password_async,
)
from backend.accounts.second_factor import (
    check_second_factor,
    enrolment,
    new_recovery_codes,
    totp_required,
    totp_step,
    valid_secret,
)
from backend.accounts.sessions import (
    clear_session_cookie,
    create_session,
    revoke_all_sessions,
    revoke_session,
    set_session_cookie,
    utcnow,
)
from backend.accounts.users import accept_invitation, user_json
from backend.bodies import read_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.responses import JSONResponse

STR = {"type": "string"}
STR_LIST = {"type": "array", "items": STR}
ME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "email", "roles", "areas", "schools", "csrf_token"],
    "properties": {
        "id": {"type": "integer"},
        "email": STR,
        "display_name": STR,
        "roles": STR_LIST,
        "areas": STR_LIST,
        "schools": STR_LIST,
        "csrf_token": STR,
        "totp_enabled": {"type": "boolean"},
        "session_expires_at": STR,
        "failed_sign_ins": {"type": "integer"},
        "sign_in_notice": {
            "type": ["object", "null"],
            "description": "since this account's previous sign-in: failed sign-ins, the time of the last one, "
            "whether sign-in was paused after repeated failures, when an admin unlocked it",
            "properties": {
                "failures": {"type": "integer"},
                "last_failure_at": {"type": ["string", "null"], "format": "date-time"},
                "paused": {"type": "boolean"},
                "unlocked_at": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        "recovery_codes": STR_LIST,
    },
}


def require_json(request: Request) -> None:
    """Only JSON bodies: a cross-site form cannot send application/json without a CORS preflight (login CSRF)."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json)."
        )


async def _me_json(staff: Staff) -> dict[str, Any]:
    user = await User.get(id=staff.id)
    session = await Session.get_or_none(id=staff.session_id) if staff.session_id else None
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "roles": list(user.roles),
        "areas": list(user.area_slugs),
        "schools": list(user.school_urns),
        "csrf_token": staff.csrf_token,
        "totp_enabled": bool(user.totp_secret),
        "session_expires_at": session.expires_at.isoformat() if session else None,
        "failed_sign_ins": user.failed_logins_notice,
        "sign_in_notice": await session_notice(session),
    }


@doc(
    summary="Sign in as staff (sets the session cookie)",
    tags=["auth"],
    body=Credentials,
    responses={200: ME_SCHEMA, 401: "error", 415: "error", 422: "error", 429: "error"},
)
async def login_endpoint(request: Request) -> Response:
    require_json(request)
    creds = await read_body(request, Credentials, max_bytes=4_000)
    user, token, session, extras = await login(
        request, email=creds.email, password=creds.password, totp=creds.totp, totp_secret=creds.totp_secret
    )
    body = {
        **extras,
        **user_json(user),
        "areas": list(user.area_slugs),
        "schools": list(user.school_urns),
        "csrf_token": session.csrf_token,
        "session_expires_at": session.expires_at.isoformat(),
    }
    response = JSONResponse(body)
    set_session_cookie(response, token)
    return response


@doc(
    summary="Sign out (ends this session)",
    tags=["auth"],
    security="staff",
    responses={204: None, 401: "error"},
)
async def logout_endpoint(request: Request) -> Response:
    staff = await require_staff(request)
    if staff.session_id is not None:
        await revoke_session(session_id=staff.session_id)
    await record_audit(request, staff, action="logout", object_type="session", object_id=staff.session_id)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@doc(
    summary="The signed-in staff member: roles, areas, schools and the CSRF token",
    tags=["auth"],
    security="staff",
    responses={200: ME_SCHEMA, 401: "error"},
)
async def me_endpoint(request: Request) -> Response:
    staff = await require_staff(request)
    return JSONResponse(await _me_json(staff))


async def _reconfirmed(
    request: Request, staff: Staff, password: str, *, failed: str, field: str, wrong: str
) -> User:
    """The signed-in account, once its password is given again: a security change asks for it, and a wrong one
    counts toward the account's backoff like a failed sign-in (`failed` is the audit action)."""
    user = await User.get(id=staff.id)
    wait_s = await throttled(request, user=user)
    if wait_s is not None:
        raise too_many(wait_s)
    if not await _verify(user.password_hash, password):
        await note_failure(request, user, action=failed, reason="bad_password")
        raise ApiError(422, "wrong_password", wrong, details={"field": field})
    return user


@doc(
    summary="Change your password (ends every other session, renews this one)",
    tags=["auth"],
    security="staff",
    body=PasswordChange,
    responses={200: ME_SCHEMA, 401: "error", 403: "error", 422: "error"},
)
async def password_endpoint(request: Request) -> Response:
    staff = await require_staff(request)
    body = await read_body(request, PasswordChange, max_bytes=4_000)
    user = await _reconfirmed(
        request, staff, body.current_password, failed="password_change_failed", field="current_password",
        wrong="Your current password is not right.",
    )  # fmt: skip
    new = check_password_policy(body.new_password, email=user.email, field="new_password")
    user.password_hash = await hash_password_async(new)
    user.password_changed_at = utcnow()
    await user.save(update_fields=["password_hash", "password_changed_at", "updated_at"])
    killed = await revoke_all_sessions(user_id=user.id)
    token, session = await create_session(user=user)
    await record_audit(
        request,
        staff,
        action="password_changed",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": killed},
    )
    renewed = Staff(
        id=staff.id,
        email=staff.email,
        roles=staff.roles,
        area_slugs=staff.area_slugs,
        school_urns=staff.school_urns,
        session_id=session.id,
        csrf_token=session.csrf_token,
    )
    response = JSONResponse(await _me_json(renewed))
    set_session_cookie(response, token)
    return response


USER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "email", "roles", "areas", "schools", "is_active"],
    "properties": {
        "id": {"type": "integer"},
        "email": STR,
        "display_name": STR,
        "roles": STR_LIST,
        "areas": STR_LIST,
        "schools": STR_LIST,
        "is_active": {"type": "boolean"},
        "totp_enabled": {"type": "boolean"},
        "created_at": {"type": ["string", "null"]},
        "last_login_at": {"type": ["string", "null"]},
    },
}


@doc(
    summary="Accept a staff invitation and set a password",
    tags=["auth"],
    body=InvitationAcceptance,
    responses={201: USER_SCHEMA, 404: "error", 409: "error", 415: "error", 422: "error", 429: "error"},
)
async def accept_invitation_endpoint(request: Request) -> Response:
    require_json(request)
    user = await accept_invitation(acceptance=await read_body(request, InvitationAcceptance, max_bytes=4_000))
    await record_audit(request, user, action="invitation_accepted", object_type="user", object_id=user.id)
    return JSONResponse(user_json(user), status_code=201)


async def _verify(stored_hash: str, password: str) -> bool:
    return await verify_password_async(stored_hash, password)  # 503 `busy` when too many checks wait


@doc(
    summary="Start setting up a TOTP second factor: a fresh secret to scan (not saved until confirmed)",
    tags=["auth"],
    security="staff",
    responses={
        200: {
            "type": "object",
            "required": ["secret", "otpauth_uri", "qr_svg"],
            "properties": {"secret": STR, "otpauth_uri": STR, "qr_svg": STR},
        }
    },
)
async def totp_setup_endpoint(request: Request) -> Response:
    staff = await require_staff(request)
    return JSONResponse(await enrolment(staff.email, offload=work_offload(request)))


@doc(
    summary="Turn the TOTP second factor on (secret + current code) or off (enabled=false)",
    tags=["auth"],
    security="staff",
    body=SecondFactorChange,
    responses={200: ME_SCHEMA, 401: "error", 403: "error", 422: "error"},
)
async def totp_endpoint(request: Request) -> Response:
    staff = await require_staff(request)
    body = await read_body(request, SecondFactorChange, max_bytes=4_000)
    user = await _reconfirmed(
        request, staff, body.password, failed="totp_change_failed", field="password",
        wrong="Your password is not right.",
    )  # fmt: skip
    key = secret_key(request)
    if user.totp_secret:  # changing or turning off an existing second factor needs a current code from it
        reason = check_second_factor(user, body.current_code, key=key)
        if reason:
            await note_failure(request, user, action="totp_change_failed", reason=reason)
            raise ApiError(422, "invalid_totp", "Enter a current code from your authenticator app (or a recovery code).",
                           details={"field": "current_code"})  # fmt: skip
    codes: list[str] = []
    if not body.enabled:
        if totp_required(user, officers_optional=officers_optional(request)):
            raise ApiError(409, "totp_required_for_role",
                           "Your role needs the second step at sign-in, so it cannot be turned off.")  # fmt: skip
        user.totp_secret, user.totp_last_step, user.recovery_code_hashes = None, None, []
        action = "totp_disabled"
    else:
        secret = valid_secret(body.secret)
        if secret is None:
            raise ApiError(422, "invalid_field", "Start the set-up again: the code to scan was not right.",
                           details={"field": "secret"})  # fmt: skip
        step = totp_step(secret, body.code)
        if step is None:
            raise ApiError(
                422,
                "invalid_totp",
                "That code does not match. Check the time on your phone.",
                details={"field": "code"},
            )
        codes, hashes = new_recovery_codes(key=key)
        user.totp_secret, user.totp_last_step, user.recovery_code_hashes = secret, step, hashes
        action = "totp_enabled"
    await user.save(update_fields=["totp_secret", "totp_last_step", "recovery_code_hashes", "updated_at"])
    await record_audit(request, staff, action=action, object_type="user", object_id=user.id)
    body_out = await _me_json(staff)
    if codes:
        body_out["recovery_codes"] = codes
    return JSONResponse(body_out)


PRIVACY_NOTICE = Path(__file__).resolve().parents[2] / "content" / "privacy.md"


@doc(summary="The plain-language privacy notice shown in the app (Markdown)", tags=["meta"],
     responses={200: {"type": "string", "x-media-type": "text/markdown"}})  # fmt: skip
async def privacy_endpoint(request: Request) -> Response:
    settings = getattr(getattr(request.app.state, "wayhome", None), "settings", None)
    content_dir = getattr(settings, "content_dir", None)
    path = Path(content_dir) / "privacy.md" if content_dir else PRIVACY_NOTICE
    if not path.is_file():
        path = PRIVACY_NOTICE
    return Response(path.read_text(encoding="utf-8"), media_type="text/markdown; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})  # fmt: skip


routes: list[BaseRoute] = [
    Route("/api/v1/privacy", privacy_endpoint, methods=["GET"]),
    Route("/api/v1/auth/login", login_endpoint, methods=["POST"]),
    Route("/api/v1/auth/logout", logout_endpoint, methods=["POST"]),
    Route("/api/v1/me", me_endpoint, methods=["GET"]),
    Route("/api/v1/auth/password", password_endpoint, methods=["POST"]),
    Route("/api/v1/auth/accept-invitation", accept_invitation_endpoint, methods=["POST"]),
    Route("/api/v1/auth/totp/setup", totp_setup_endpoint, methods=["POST"]),
    Route("/api/v1/auth/totp", totp_endpoint, methods=["POST"]),
]
