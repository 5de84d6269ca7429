"""Role x route x own/other object matrix over every staff route registered under /api/v1/admin/.

The routes come from the running app, so a route added by anyone shows up here: it must refuse anonymous
callers (401) and a wrong CSRF token (403) before doing anything, and it must have a row in authz_table.py.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.routing import Mount, Route

from backend.accounts.guard import CSRF_HEADER
from tests.backend.authz_table import OWN_AREA, OWN_SCHOOL, ROLES, ROWS, SCOPE, Call, Ctx, Row
from tests.support.staff import login_as

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
ADMIN_PREFIX = "/api/v1/admin/"


def _walk(routes: list, prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Mount):
            found += _walk(list(route.routes or []), prefix + route.path)
        elif isinstance(route, Route):
            found += [(m, prefix + route.path) for m in sorted((route.methods or set()) - {"HEAD"})]
    return found


def admin_routes() -> list[tuple[str, str]]:
    from backend.api import api_routes

    return sorted({(m, p) for m, p in _walk(api_routes()) if p.startswith(ADMIN_PREFIX)})


# Placeholders for the anonymous/CSRF walk: real public identifiers, so a route that looks its object up
# first still has to refuse the caller (not answer 404) before doing anything else.
PLACEHOLDERS = {"urn": OWN_SCHOOL, "school": OWN_SCHOOL, "slug": OWN_AREA, "area": OWN_AREA}


def _fill(path: str, params: dict[str, object]) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(params.get(name, PLACEHOLDERS.get(name, "1")))

    return re.sub(r"{([^}:]+)(?::[^}]+)?}", sub, path)


ROUTES = admin_routes()
ROWS_BY_KEY = {row.key: row for row in ROWS}


def test_every_admin_route_has_a_table_row() -> None:
    assert ROUTES, "no admin routes registered"
    missing = [f"{m} {p}" for m, p in ROUTES if (m, p) not in ROWS_BY_KEY]
    assert not missing, "add rows to tests/backend/authz_table.py for: " + ", ".join(missing)


def test_table_rows_name_real_routes() -> None:
    stale = [f"{m} {p}" for m, p in ROWS_BY_KEY if (m, p) not in set(ROUTES)]
    assert not stale, "authz_table.py rows for routes that do not exist: " + ", ".join(stale)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_anonymous_and_bad_csrf_refused(client: httpx.AsyncClient, method: str, path: str) -> None:
    url = _fill(path, {})
    body = {} if method in UNSAFE else None
    anonymous = await client.request(method, url, json=body)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.json()["error"]["code"] in {"not_authenticated", "session_expired"}
    assert "set-cookie" not in anonymous.headers
    if method in UNSAFE:
        for role in ROLES:
            await login_as(client, role=role, **SCOPE)
            client.headers[CSRF_HEADER] = "not-the-token"
            wrong = await client.request(method, url, json=body)
            assert wrong.status_code == 403, (role, wrong.text)
            assert wrong.json()["error"]["code"] == "csrf_failed"
            del client.headers[CSRF_HEADER]
            missing = await client.request(method, url, json=body)
            assert missing.status_code == 403, (role, missing.text)
            assert missing.json()["error"]["code"] == "csrf_failed"


@pytest.fixture
async def ctx(client: httpx.AsyncClient) -> AsyncIterator[Ctx]:
    transport = client._transport  # same in-process app, separate cookie jar
    async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as admin:
        await login_as(admin, role="admin", areas=(), schools=())
        yield Ctx(app=transport.app if hasattr(transport, "app") else None, admin=admin)


def _expectation(row: Row, role: str, which: str) -> str:
    if role != "admin" and role not in row.roles:
        return "forbidden_role"
    if which == "other" and role != "admin":
        return "denied"
    return "ok"


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method} {r.path}" for r in ROWS])
async def test_role_by_object_matrix(client: httpx.AsyncClient, ctx: Ctx, row: Row) -> None:
    failures: list[str] = []
    for role in ROLES:
        for which in ("own", "other") if row.scoped else ("own",):
            call: Call = await row.prepare(ctx, which)
            await login_as(client, role=role, **(row.scope or SCOPE))
            response = await client.request(
                row.method,
                _fill(row.path, call.path_params),
                params=call.query or None,
                json=call.body if row.method in UNSAFE else None,
            )
            expected = _expectation(row, role, which)
            status = response.status_code
            label = f"{role}/{which}: {status} {response.text[:200]}"
            if expected == "forbidden_role":
                if status != 403 or response.json()["error"]["code"] != "forbidden_role":
                    failures.append(f"{label} (expected 403 forbidden_role)")
            elif expected == "denied":
                if status in row.ok and row.other_ok is not None and row.other_ok(response, call):
                    continue
                if status not in row.denied:
                    failures.append(f"{label} (expected one of {row.denied} for another's object)")
            elif status not in row.ok:
                failures.append(f"{label} (expected one of {row.ok})")
    assert not failures, f"{row.method} {row.path}:\n" + "\n".join(failures)


# Staff POSTs that change nothing stored, so they write no audit row (a dry run, a check, a download).
NO_STORE: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/admin/hotspots/preview"): "tries a hotspot on sample routes; stores nothing",
    ("POST", "/api/v1/admin/insights/planner"): "computes a staggering plan from the posted ranges",
}
WRITES = [r for r in ROWS if r.method in UNSAFE and r.key not in NO_STORE]


@pytest.mark.parametrize("row", WRITES, ids=[f"{r.method} {r.path}" for r in WRITES])
async def test_every_admin_write_records_its_audit_row(client: httpx.AsyncClient, ctx: Ctx, row: Row) -> None:
    from backend.accounts.models import AuditEvent

    call: Call = await row.prepare(ctx, "own")
    await login_as(client, role="admin", **(row.scope or SCOPE))
    before = await AuditEvent.all().count()
    response = await client.request(
        row.method, _fill(row.path, call.path_params), params=call.query or None, json=call.body
    )
    assert response.status_code in row.ok, response.text[:300]
    after = await AuditEvent.all().count()
    if response.status_code < 300:
        assert after > before, "the write left no audit row"
    else:  # an allowed refusal (e.g. 409 nothing to roll back) changes nothing, audit included
        assert after == before


async def _stored_rows() -> dict[str, list[tuple[object, ...]]]:
    """Every stored row of every model but sign-in sessions (a request may touch its own session)."""
    from tortoise import Tortoise

    rows: dict[str, list[tuple[object, ...]]] = {}
    for app_models in Tortoise.apps.values():
        for name, model in app_models.items():
            if name in {"Session"}:
                continue
            values = await model.all().values_list(*model._meta.db_fields)
            rows[name] = sorted(values, key=repr)
    return rows


@pytest.mark.parametrize("row", WRITES, ids=[f"{r.method} {r.path}" for r in WRITES])
async def test_a_failing_audit_rolls_the_write_back(
    client: httpx.AsyncClient, ctx: Ctx, row: Row, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: the audit insert fails (disk full, a lost connection); the write must not land alone."""
    from backend.accounts.models import AuditEvent

    call: Call = await row.prepare(ctx, "own")
    await login_as(client, role="admin", **(row.scope or SCOPE))
    before = await _stored_rows()

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the audit log could not be written")

    monkeypatch.setattr(AuditEvent, "create", broken)
    transport = httpx.ASGITransport(app=client._transport.app, raise_app_exceptions=False)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as http:
        http.cookies = client.cookies
        http.headers.update(client.headers)
        response = await http.request(
            row.method, _fill(row.path, call.path_params), params=call.query or None, json=call.body
        )
    monkeypatch.undo()
    if response.status_code < 300:
        pytest.fail(f"the write answered {response.status_code} although its audit row failed")
    assert await _stored_rows() == before, "the write landed without its audit row"
