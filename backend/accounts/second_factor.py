"""TOTP second factor for staff: who must have one, enrolment (QR drawn locally), one-time recovery codes.

Admins, editors and officers must use it (officers may be exempted by WAYHOME_TOTP_OFFICERS_OPTIONAL; see
docs/DPIA.md). Recovery codes are random, shown once, and stored only as keyed SHA-256 hashes; each works once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pyotp
import segno

from backend.accounts.models import User

Offload = Callable[[Callable[[str], str], str], Awaitable[str]]

ISSUER = "WayHome staff"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper


def required_roles(*, officers_optional: bool) -> frozenset[str]:
    return frozenset({"admin", "editor"} if officers_optional else {"admin", "editor", "officer"})


def totp_required(user: User, *, officers_optional: bool) -> bool:
    return bool(set(user.roles or ()) & required_roles(officers_optional=officers_optional))


def totp_step(secret: str, code: object, *, now_s: float | None = None) -> int | None:
    """The time step (30 s) whose code matches, allowing one step of clock drift; None when none does."""
    if not isinstance(code, str):
        return None
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    base = int((time.time() if now_s is None else now_s) // totp.interval)
    for step in (base, base - 1, base + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def enrolment(email: str, *, offload: Offload | None = None) -> dict[str, Any]:
    """A fresh secret, its otpauth:// URI and a QR code of it as an SVG data URI (made here, no request out).

    The QR code is ~20 ms of pure Python (segno scores all eight masks), never made on the event loop: `offload`
    runs it in a work process (backend/work_processes.py); without one, in a thread.
    """
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    qr = await (offload or asyncio.to_thread)(qr_svg, uri)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr}


def qr_svg(text: str) -> str:
    return str(segno.make(text, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff"))


def valid_secret(secret: object) -> str | None:
    if not isinstance(secret, str) or not 16 <= len(secret) <= 64:
        return None
    secret = secret.strip().upper()
    if not all(ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in secret):
        return None
    return secret


def _normalise(code: str) -> str:
    return code.strip().lower().replace("-", "").replace(" ", "")


def _code_hash(code: str, *, key: str) -> str:
    return hmac.new(key.encode(), f"recovery|{_normalise(code)}".encode(), hashlib.sha256).hexdigest()


def new_recovery_codes(*, key: str) -> tuple[list[str], list[str]]:
    """(codes to show once, their hashes to store)."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes, [_code_hash(c, key=key) for c in codes]


def looks_like_recovery_code(code: object) -> bool:
    return isinstance(code, str) and len(_normalise(code)) == 10 and _normalise(code).isalnum()


def use_recovery_code(user: User, code: str, *, key: str) -> bool:
    """True (and the code removed from the user, not yet saved) when it is one of their unused codes."""
    wanted = _code_hash(code, key=key)
    for stored in list(user.recovery_code_hashes or ()):
        if hmac.compare_digest(stored, wanted):
            user.recovery_code_hashes = [h for h in user.recovery_code_hashes if h != stored]
            return True
    return False


def check_second_factor(user: User, code: object, *, key: str) -> str | None:
    """None when `code` is a fresh TOTP code or an unused recovery code (the user is updated, not saved);
    else the failure reason."""
    assert user.totp_secret
    step = totp_step(user.totp_secret, code)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return "replayed_totp"  # each code works once
        user.totp_last_step = step
        return None
    if looks_like_recovery_code(code) and use_recovery_code(user, str(code), key=key):
        return None
    return "bad_totp"
