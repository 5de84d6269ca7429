"""Who may call which staff route on whose objects: the table that test_authz_matrix.py walks.

Every route under /api/v1/admin/ must have a row here (the matrix test fails listing any that has none), so
when you add an admin route, add its row next to your others:

    Row("POST", "/api/v1/admin/notices", roles={"officer"}, prepare=my_prepare)

- `roles`: roles allowed at function level besides admin (admin may call everything).
- `prepare(ctx, which)`: builds the call for an object the caller is assigned to (`which == "own"`) or one
  they are not (`"other"`), usually by creating it first through `ctx.admin` (an httpx client signed in as an
  admin) or the ORM. Called afresh before every request, so deletes get a new object each time.
- `scoped=False` for routes with no object scope (e.g. user management, which is admin-only anyway).
- `other_ok(response, call)`: for list routes that filter rather than refuse: return True when a 2xx answer
  for an "other" object does not leak it.
The signed-in caller's scope is `SCOPE` (areas=southwark, schools=OWN_SCHOOL) unless a row sets `scope`.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

OWN_AREA = "southwark"
OTHER_AREA = "north-london-demo"
OWN_SCHOOL = "100823"  # Dulwich Village CE Infants' School, Southwark
OTHER_SCHOOL = "101264"  # Brunswick Park Primary and Nursery School, north-london-demo
SCOPE: dict[str, tuple[str, ...]] = {"areas": (OWN_AREA,), "schools": (OWN_SCHOOL,)}
ROLES = ("admin", "officer", "editor")
_unique = itertools.count(1)


@dataclass
class Call:
    path_params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None


@dataclass
class Ctx:
    app: Any
    admin: httpx.AsyncClient
    extras: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def unique() -> int:
        return next(_unique)


Prepare = Callable[[Ctx, str], Awaitable[Call]]


async def no_params(ctx: Ctx, which: str) -> Call:
    return Call()


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    roles: frozenset[str] | set[str] = frozenset()
    prepare: Prepare = no_params
    scoped: bool = True
    ok: tuple[int, ...] = (200, 201, 204)
    denied: tuple[int, ...] = (403, 404)
    other_ok: Callable[[httpx.Response, Call], bool] | None = None
    scope: dict[str, tuple[str, ...]] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.method.upper(), self.path)


# ---- accounts (users, invitations, audit): admin only ------------------------------------------------------
async def _new_user(ctx: Ctx, which: str) -> Call:
    from tests.support.staff import create_user

    user = await create_user(role="editor", email=f"target{ctx.unique()}@staff.test")
    return Call(path_params={"id": user.id})


async def _patch_user(ctx: Ctx, which: str) -> Call:
    call = await _new_user(ctx, which)
    call.body = {"display_name": f"Renamed {ctx.unique()}"}
    return call


async def _invite(ctx: Ctx, which: str) -> Call:
    return Call(body={"email": f"invitee{ctx.unique()}@staff.test", "roles": ["officer"],
                      "areas": [OWN_AREA], "schools": [OWN_SCHOOL]})


ROWS: list[Row] = [
    Row("GET", "/api/v1/admin/users", scoped=False),
    Row("POST", "/api/v1/admin/users", prepare=_invite, scoped=False),
    Row("GET", "/api/v1/admin/users/{id}", prepare=_new_user, scoped=False),
    Row("PATCH", "/api/v1/admin/users/{id}", prepare=_patch_user, scoped=False),
    Row("POST", "/api/v1/admin/invitations", prepare=_invite, scoped=False),
    Row("GET", "/api/v1/admin/audit", scoped=False),
]
