"""Server-side staff sessions: random token in a __Host- cookie, only its SHA-256 in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from starlette.responses import Response

from backend.accounts.models import Session, User

SESSION_COOKIE = "__Host-wayhome_session"
IDLE_TIMEOUT_S = 30 * 60
ABSOLUTE_TIMEOUT_S = 12 * 60 * 60
TOUCH_EVERY_S = 60


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_session(*, user: User) -> tuple[str, Session]:
    """Start a session; returns the raw token (for the cookie only) and the stored row."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session = await Session.create(
        user=user,
        token_hash=token_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        last_seen_at=now,
        expires_at=now + dt.timedelta(seconds=ABSOLUTE_TIMEOUT_S),
    )
    return token, session


def _as_aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def find_session(*, token: str) -> tuple[Session | None, str]:
    """The live session for a cookie token, or (None, reason) with reason one of missing/expired/revoked."""
    if not token or len(token) > 200:
        return None, "missing"
    session = await Session.get_or_none(token_hash=token_hash(token)).select_related("user")
    if session is None:
        return None, "missing"
    now = utcnow()
    if session.revoked_at is not None or not session.user.is_active:
        return None, "revoked"
    idle_s = (now - _as_aware(session.last_seen_at)).total_seconds()
    if now >= _as_aware(session.expires_at) or idle_s >= IDLE_TIMEOUT_S:
        await Session.filter(id=session.id, revoked_at=None).update(revoked_at=now)
        return None, "expired"
    if idle_s >= TOUCH_EVERY_S:
        await Session.filter(id=session.id).update(last_seen_at=now)
        session.last_seen_at = now
    return session, ""


async def revoke_session(*, session_id: int) -> None:
    await Session.filter(id=session_id, revoked_at=None).update(revoked_at=utcnow())


async def revoke_all_sessions(*, user_id: int, except_session_id: int | None = None) -> int:
    """Kill every live session of a user (disable, password change); returns how many."""
    query = Session.filter(user_id=user_id, revoked_at=None)
    if except_session_id is not None:
        query = query.exclude(id=except_session_id)
    return await query.update(revoked_at=utcnow())


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ABSOLUTE_TIMEOUT_S,
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
