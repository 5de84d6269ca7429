"""`login_as`: create a staff user of a role and scope with a real server-side session, on an httpx client.

Staff whose role needs a second factor are created with one enrolled (`TEST_TOTP_SECRET`); `totp_now(user)`
gives a code for their next sign-in, as their authenticator app would (each code works once per user, so it
moves to the next time step when the current one was used).
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Iterable

import httpx
import pyotp

from backend.accounts.guard import CSRF_HEADER, Staff, staff_from_user
from backend.accounts.models import User
from backend.accounts.passwords import hash_password
from backend.accounts.second_factor import required_roles
from backend.accounts.sessions import SESSION_COOKIE, create_session

TEST_PASSWORD = "correct horse battery staple 42"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)


@functools.cache
def _hash(password: str) -> str:
    """argon2id is deliberately slow (~0.1 s): hash each test password once per run."""
    return hash_password(password)


def totp_code(secret: str = TEST_TOTP_SECRET, *, at_s: float | None = None) -> str:
    return pyotp.TOTP(secret).at(time.time() if at_s is None else at_s)


def totp_now(user: User | None = None, secret: str = TEST_TOTP_SECRET) -> str:
    """A code the server will accept for `user` now: the current step, or the next one if that was used."""
    step = int(time.time() // 30)
    if user is not None and user.totp_last_step is not None and user.totp_last_step >= step - 1:
        return pyotp.TOTP(secret).generate_otp(user.totp_last_step + 1)
    return pyotp.TOTP(secret).generate_otp(step)


async def create_user(
    *,
    role: str | Iterable[str] = "officer",
    areas: Iterable[str] = ("southwark",),
    schools: Iterable[str] = ("100823",),
    email: str | None = None,
    password: str = TEST_PASSWORD,
    active: bool = True,
    totp: bool | None = None,
) -> User:
    """`totp=None`: enrolled exactly when the role requires a second factor (as after a first sign-in)."""
    roles = [role] if isinstance(role, str) else list(role)
    enrolled = bool(set(roles) & required_roles(officers_optional=False)) if totp is None else totp
    return await User.create(
        email=email or f"{'-'.join(roles)}{next(_counter)}@staff.test",
        display_name=f"Test {'/'.join(roles)}",
        password_hash=_hash(password),
        roles=roles,
        area_slugs=list(areas),
        school_urns=[str(s) for s in schools],
        is_active=active,
        totp_secret=TEST_TOTP_SECRET if enrolled else None,
    )


async def login_as(
    client: httpx.AsyncClient,
    role: str | Iterable[str] = "officer",
    areas: Iterable[str] = ("southwark",),
    schools: Iterable[str] = ("100823",),
    *,
    email: str | None = None,
    user: User | None = None,
) -> Staff:
    """Sign `client` in (cookie + X-CSRF-Token header) as a new user of `role`; returns their Staff."""
    if user is None:
        user = await create_user(role=role, areas=areas, schools=schools, email=email)
    token, session = await create_session(user=user)
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    client.headers[CSRF_HEADER] = session.csrf_token
    return staff_from_user(user, session_id=session.id, csrf_token=session.csrf_token)


async def sign_in_page(page: object, email: str, password: str, *, secret: str = TEST_TOTP_SECRET) -> None:
    """Sign in through the PWA as a person would: email and password, then the authenticator's code."""
    await page.goto("/#/staff")  # type: ignore[attr-defined]
    await page.fill("#staff-email", email)  # type: ignore[attr-defined]
    await page.fill("#staff-password", password)  # type: ignore[attr-defined]
    await page.click("#staff-sign-in")  # type: ignore[attr-defined]
    await page.wait_for_selector("#staff-otp:visible, .staff-console")  # type: ignore[attr-defined]
    if await page.is_visible("#staff-otp"):  # type: ignore[attr-defined]
        await page.fill("#staff-otp", totp_code(secret))  # type: ignore[attr-defined]
        await page.click("#staff-sign-in")  # type: ignore[attr-defined]
    await page.wait_for_selector(".staff-console")  # type: ignore[attr-defined]


def logout_locally(client: httpx.AsyncClient) -> None:
    """Forget the cookie and CSRF header on the client (does not revoke the server session)."""
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
