"""`login_as`: create a staff user of a role and scope with a real server-side session, on an httpx client."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable

import httpx

from backend.accounts.guard import CSRF_HEADER, Staff, staff_from_user
from backend.accounts.models import User
from backend.accounts.passwords import hash_password
from backend.accounts.sessions import SESSION_COOKIE, create_session

TEST_PASSWORD = "correct horse battery staple 42"
_counter = itertools.count(1)


@functools.cache
def _hash(password: str) -> str:
    """argon2id is deliberately slow (~0.1 s): hash each test password once per run."""
    return hash_password(password)


async def create_user(
    *,
    role: str | Iterable[str] = "officer",
    areas: Iterable[str] = ("southwark",),
    schools: Iterable[str] = ("100823",),
    email: str | None = None,
    password: str = TEST_PASSWORD,
    active: bool = True,
) -> User:
    roles = [role] if isinstance(role, str) else list(role)
    return await User.create(
        email=email or f"{'-'.join(roles)}{next(_counter)}@staff.test",
        display_name=f"Test {'/'.join(roles)}",
        password_hash=_hash(password),
        roles=roles,
        area_slugs=list(areas),
        school_urns=[str(s) for s in schools],
        is_active=active,
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


def logout_locally(client: httpx.AsyncClient) -> None:
    """Forget the cookie and CSRF header on the client (does not revoke the server session)."""
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
