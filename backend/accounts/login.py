"""Sign-in: password, then the second factor; soft lockout (per-account exponential backoff) plus a
per-address failure limit; every attempt audited (unknown accounts only as a keyed hash of what was typed).

The backoff never locks anyone out for good: after `BACKOFF_FREE_FAILURES` failures each further one doubles
the wait, up to `BACKOFF_MAX_S`; an admin can clear it; a success resets it and tells the account holder how
many failures there were. Successful sign-ins do not use up the address's failure budget.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from starlette.requests import Request

from backend.accounts.addresses import address_key, client_host, secret_key
from backend.accounts.audit import record_audit
from backend.accounts.errors import NotSignedIn, TooManyAttempts
from backend.accounts.models import AuditEvent, Session, User
from backend.accounts.passwords import (
    burn_time_async,
    hash_password_async,
    needs_rehash,
    verify_password_async,
)
from backend.accounts.second_factor import (
    Offload,
    check_second_factor,
    enrolment,
    new_recovery_codes,
    totp_required,
    totp_step,
    valid_secret,
)
from backend.accounts.sessions import create_session, utcnow
from backend.ratelimit.counters import CounterStore, counter_store, hit, peek

BACKOFF_FREE_FAILURES = 3
BACKOFF_MAX_S = 15 * 60
ADDRESS_FAILURES_LIMIT = 30
ADDRESS_WINDOW_S = 15 * 60
_stores: dict[str, CounterStore] = {}


def _settings(request: Request) -> Any:
    return getattr(getattr(request.app.state, "wayhome", None), "settings", None)


def _store(request: Request) -> CounterStore:
    url = getattr(_settings(request), "redis_url", None) or ""
    if url not in _stores:
        _stores[url] = counter_store(url or None)
    return _stores[url]


def work_offload(request: Request) -> Offload | None:
    """The app's work processes, for CPU work that must not hold the event loop's GIL (None: use a thread)."""
    pool = getattr(getattr(request.app.state, "wayhome", None), "work_processes", None)
    return pool.call if pool is not None else None


def officers_optional(request: Request) -> bool:
    return bool(getattr(_settings(request), "totp_officers_optional", False))


def typed_email_hash(request: Request, email: str) -> str:
    """What the audit keeps of an email that matches no account: a keyed hash, never the text."""
    return hmac.new(
        secret_key(request).encode(), f"login-email|{email}".encode(), hashlib.sha256
    ).hexdigest()[:24]


def too_many(retry_after_s: int) -> TooManyAttempts:
    minutes = (retry_after_s + 59) // 60
    wait = f"{retry_after_s} seconds" if retry_after_s < 120 else f"{minutes} minutes"
    return TooManyAttempts(
        "too_many_attempts",
        f"Too many sign-in attempts. Wait {wait} before trying again.",
        details={"retry_after_s": retry_after_s},
        retry_after_s=retry_after_s,
    )


def backoff_s(failures: int) -> int:
    """Seconds to wait after `failures` consecutive failures: 0, 0, 2, 4, 8, ... up to 15 minutes."""
    if failures < BACKOFF_FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - BACKOFF_FREE_FAILURES + 1), BACKOFF_MAX_S))


def account_wait_s(user: User, *, now: datetime | None = None) -> int | None:
    """Seconds before this account may try again, or None."""
    if user.last_failed_login_at is None:
        return None
    remaining = (
        backoff_s(user.failed_logins) - ((now or utcnow()) - user.last_failed_login_at).total_seconds()
    )
    return int(remaining) + 1 if remaining > 0 else None


async def note_failure(request: Request, user: User, *, action: str, reason: str) -> None:
    """Count a failed password or second-factor check toward the account's backoff, and audit it."""
    user.failed_logins += 1
    user.last_failed_login_at = utcnow()
    await user.save(update_fields=["failed_logins", "last_failed_login_at"])
    await record_audit(request, None, action=action, object_type="user", object_id=user.id,
                       actor_email=user.email, details={"reason": reason, "failures": user.failed_logins})  # fmt: skip
    if user.failed_logins == BACKOFF_FREE_FAILURES:
        await record_audit(request, None, action="account_backoff", object_type="user", object_id=user.id,
                           actor_email=user.email, details={"failures": user.failed_logins})  # fmt: skip


async def throttled(request: Request, *, user: User) -> int | None:
    """For re-authentication on staff actions (password change, second factor changes)."""
    return account_wait_s(user)


async def login(
    request: Request, *, email: str, password: str, totp: object, totp_secret: object = None
) -> tuple[User, str, Session, dict[str, Any]]:
    """Check the credentials; returns (user, cookie token, session, extras) or raises 401/429/503.

    `extras` carries `recovery_codes` (shown once) after enrolment, `failed_sign_ins` and `sign_in_notice`.
    """
    store = _store(request)
    address = address_key(client_host(request), secret=secret_key(request), purpose="login-addr")
    by_address = await peek(store, address, limit=ADDRESS_FAILURES_LIMIT, window_s=ADDRESS_WINDOW_S)
    user = await User.get_or_none(email=email)
    shown_email = email if user is not None else ""
    who = {} if user is not None else {"typed_email_hmac": typed_email_hash(request, email)}
    wait = None if by_address.count < ADDRESS_FAILURES_LIMIT else by_address.retry_after_s
    by = "address"
    if wait is None and user is not None:
        wait, by = account_wait_s(user), "account"
    if wait is not None:
        await record_audit(request, None, action="login_throttled", object_type="session", object_id=None,
                           actor_email=shown_email, details={"by": by, **who})  # fmt: skip
        raise too_many(wait)

    reason = ""
    if user is None:
        await burn_time_async(password)  # same time as a real check: no hint which emails exist
        reason = "unknown_account"
    elif not await verify_password_async(user.password_hash, password):
        reason = "bad_password"
    elif not user.is_active:
        reason = "disabled"
    extras: dict[str, Any] = {}
    if not reason and user is not None:
        key = secret_key(request)
        if user.totp_secret:
            if totp in (None, ""):
                raise NotSignedIn("totp_required", "Enter the 6-digit code from your authenticator app.",
                               details={"field": "totp"})  # fmt: skip
            reason = check_second_factor(user, totp, key=key) or ""
        elif totp_required(user, officers_optional=officers_optional(request)):
            secret = valid_secret(totp_secret)
            if secret is None:
                raise NotSignedIn(
                    "totp_enrolment_required",
                    "Your role needs a second step at sign-in. Scan this code with an authenticator app, "
                    "then enter the 6-digit code it shows.",
                    details={"field": "totp", **(await enrolment(user.email, offload=work_offload(request)))},
                )
            step = totp_step(secret, totp)
            if step is None:
                reason = "bad_totp"
            else:
                codes, hashes = new_recovery_codes(key=key)
                user.totp_secret, user.totp_last_step, user.recovery_code_hashes = secret, step, hashes
                extras["recovery_codes"] = codes
                await record_audit(
                    request, user, action="totp_enabled", object_type="user", object_id=user.id
                )
    if reason:
        await hit(store, address, limit=ADDRESS_FAILURES_LIMIT, window_s=ADDRESS_WINDOW_S)
        if user is not None:
            await note_failure(request, user, action="login_failed", reason=reason)
        else:
            await record_audit(request, None, action="login_failed", object_type="session", object_id=None,
                               actor_email="", details={"reason": reason, **who})  # fmt: skip
        if reason in ("bad_totp", "replayed_totp"):
            raise NotSignedIn("invalid_totp", "That code is not right. Check the time on your phone and retry.",
                           details={"field": "totp"})  # fmt: skip
        raise NotSignedIn("invalid_credentials", "The email or password is not right.")
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password_async(password)
    notice = await sign_in_notice(user)
    extras["failed_sign_ins"] = user.failed_logins_notice = notice.get("failures", 0)
    extras["sign_in_notice"] = notice or None
    user.failed_logins, user.last_failed_login_at = 0, None
    user.last_login_at = utcnow()
    await user.save(update_fields=["password_hash", "last_login_at", "totp_secret", "totp_last_step",
                                   "recovery_code_hashes", "failed_logins", "last_failed_login_at",
                                   "failed_logins_notice"])  # fmt: skip
    token, session = await create_session(user=user)
    await record_audit(
        request, user, action="login_succeeded", object_type="session", object_id=str(session.id),
        details={"failures_before": notice["failures"], "notice": notice} if notice else None,
    )  # fmt: skip
    return user, token, session, extras


async def sign_in_notice(user: User) -> dict[str, Any]:
    """What happened to this account since its last sign-in (failed sign-ins, a pause, an admin's unlock), for
    the notice its holder sees in the console; {} when nothing did. Read from the audit log, so an admin's
    unlock (which clears the counters) does not hide the failures from the holder."""
    since = {"at__gt": user.last_login_at} if user.last_login_at else {}
    window = AuditEvent.filter(object_type="user", object_id=str(user.id), **since)
    failed = window.filter(action="login_failed")
    failures = await failed.count()
    unlocked = await window.filter(action="user_unlocked").order_by("-at").first()
    if not failures and unlocked is None:
        return {}
    last = await failed.order_by("-at").first()
    return {
        "failures": failures,
        "last_failure_at": last.at.isoformat() if last else None,
        "paused": await window.filter(action="account_backoff").exists(),
        "unlocked_at": unlocked.at.isoformat() if unlocked else None,
    }


async def session_notice(session: Session | None) -> dict[str, Any] | None:
    """The notice worked out when this session signed in (kept in its audit row): no addresses, only times."""
    if session is None:
        return None
    event = await AuditEvent.get_or_none(
        action="login_succeeded", object_type="session", object_id=str(session.id)
    )
    notice = (event.details or {}).get("notice") if event else None
    return notice if isinstance(notice, dict) and notice else None
