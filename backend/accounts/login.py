"""Sign-in: password (+ TOTP when enabled), per-account and per-address throttling, audit of every attempt."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import pyotp
from starlette.requests import Request

from backend.accounts.addresses import address_key, client_host, secret_key
from backend.accounts.audit import record_audit
from backend.accounts.counters import CounterStore, counter_store, hit, peek
from backend.accounts.models import Session, User
from backend.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from backend.accounts.sessions import create_session, utcnow
from backend.errors import ApiError

ACCOUNT_FAILURES_LIMIT = 5
ACCOUNT_WINDOW_S = 15 * 60
ADDRESS_ATTEMPTS_LIMIT = 30
ADDRESS_WINDOW_S = 15 * 60
_stores: dict[str, CounterStore] = {}


def _store(request: Request) -> CounterStore:
    settings = getattr(getattr(request.app.state, "wayhome", None), "settings", None)
    url = getattr(settings, "redis_url", None) or ""
    if url not in _stores:
        _stores[url] = counter_store(url or None)
    return _stores[url]


def _account_key(request: Request, email: str) -> str:
    return hmac.new(secret_key(request).encode(), f"login-acct|{email}".encode(), hashlib.sha256).hexdigest()


def _too_many(retry_after_s: int) -> ApiError:
    return ApiError(
        429,
        "too_many_attempts",
        f"Too many sign-in attempts. Wait {retry_after_s} seconds before trying again.",
        details={"retry_after_s": retry_after_s},
        headers={"Retry-After": str(retry_after_s)},
    )


def totp_step(secret: str, code: object, *, now_s: float | None = None) -> int | None:
    """The time step (30 s) whose code matches, allowing one step of clock drift; None when none does."""
    if not isinstance(code, str) or not code.strip().isdigit() or len(code.strip()) != 6:
        return None
    totp = pyotp.TOTP(secret)
    base = int((time.time() if now_s is None else now_s) // totp.interval)
    for step in (base, base - 1, base + 1):
        if hmac.compare_digest(totp.generate_otp(step), code.strip()):
            return step
    return None


def verify_totp(secret: str, code: object) -> bool:
    return totp_step(secret, code) is not None


async def throttled(request: Request, *, email: str) -> int | None:
    """Seconds to wait when this account has had too many failures (sign-in or password checks), else None."""
    by_account = await peek(_store(request), _account_key(request, email), limit=ACCOUNT_FAILURES_LIMIT,
                            window_s=ACCOUNT_WINDOW_S)  # fmt: skip
    return by_account.retry_after_s if by_account.count >= ACCOUNT_FAILURES_LIMIT else None


async def count_failure(request: Request, *, email: str) -> None:
    await hit(_store(request), _account_key(request, email), limit=ACCOUNT_FAILURES_LIMIT,
              window_s=ACCOUNT_WINDOW_S)  # fmt: skip


def too_many(retry_after_s: int) -> ApiError:
    return _too_many(retry_after_s)


async def login(request: Request, *, email: str, password: str, totp: object) -> tuple[User, str, Session]:
    """Check the credentials; returns (user, cookie token, session) or raises 401/429. Audits every attempt."""
    store = _store(request)
    address = address_key(client_host(request), secret=secret_key(request), purpose="login-addr")
    by_address = await hit(store, address, limit=ADDRESS_ATTEMPTS_LIMIT, window_s=ADDRESS_WINDOW_S)
    account = _account_key(request, email)
    by_account = await peek(store, account, limit=ACCOUNT_FAILURES_LIMIT, window_s=ACCOUNT_WINDOW_S)
    if not by_address.allowed or by_account.count >= ACCOUNT_FAILURES_LIMIT:
        burn_time(password)
        retry = by_address.retry_after_s if not by_address.allowed else by_account.retry_after_s
        await record_audit(
            request,
            None,
            action="login_throttled",
            object_type="session",
            object_id=None,
            actor_email=email,
            details={"by": "address" if not by_address.allowed else "account"},
        )
        raise _too_many(retry)

    user = await User.get_or_none(email=email)
    reason = ""
    if user is None:
        burn_time(password)
        reason = "unknown_account"
    elif not verify_password(user.password_hash, password):
        reason = "bad_password"
    elif not user.is_active:
        reason = "disabled"
    elif user.totp_secret:
        if totp in (None, ""):
            raise ApiError(
                401,
                "totp_required",
                "Enter the 6-digit code from your authenticator app.",
                details={"field": "totp"},
            )
        step = totp_step(user.totp_secret, totp)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            reason = "bad_totp"  # wrong, or replayed: each code works once
        else:
            user.totp_last_step = step
    if reason:
        await hit(store, account, limit=ACCOUNT_FAILURES_LIMIT, window_s=ACCOUNT_WINDOW_S)
        await record_audit(
            request,
            None,
            action="login_failed",
            object_type="session",
            object_id=None,
            actor_email=email,
            details={"reason": reason},
        )
        if reason == "bad_totp":
            raise ApiError(
                401,
                "invalid_totp",
                "That code is not right. Check the time on your phone and retry.",
                details={"field": "totp"},
            )
        raise ApiError(401, "invalid_credentials", "The email or password is not right.")
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    await user.save(update_fields=["password_hash", "last_login_at", "totp_last_step"])
    token, session = await create_session(user=user)
    await record_audit(
        request, user, action="login_succeeded", object_type="session", object_id=str(session.id)
    )
    return user, token, session


def read_credentials(body: dict[str, Any]) -> tuple[str, str, object]:
    unknown = sorted(set(body) - {"email", "password", "totp"})
    if unknown:
        raise ApiError(
            422, "unknown_fields", f"Unexpected fields: {', '.join(unknown)}.", details={"fields": unknown}
        )
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        raise ApiError(422, "invalid_email", "Give your email address.", details={"field": "email"})
    if not isinstance(password, str) or not password or len(password) > 1024:
        raise ApiError(422, "invalid_field", "Give your password.", details={"field": "password"})
    totp = body.get("totp")
    if totp is not None and not isinstance(totp, str):
        raise ApiError(
            422, "invalid_field", "`totp` must be a string of 6 digits.", details={"field": "totp"}
        )
    return email.strip().lower(), password, totp
