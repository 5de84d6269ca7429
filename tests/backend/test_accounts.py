"""Passwords, sessions, invitations, user management and the audit log, against the real app and database."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pyotp
import pytest

from backend.accounts.guard import CSRF_HEADER
from backend.accounts.models import AuditEvent, Invitation, Session, User
from backend.accounts.passwords import common_passwords, hash_password, password_problems, verify_password
from backend.accounts.sessions import IDLE_TIMEOUT_S, SESSION_COOKIE, token_hash
from tests.support.staff import TEST_PASSWORD, TEST_TOTP_SECRET, create_user, login_as, totp_now

STRONG = "plum tractor lantern 1987!"


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD, **extra: str
) -> httpx.Response:
    """Signs in as the person would: with their authenticator's code when they have the test one enrolled."""
    client.cookies.clear()
    client.headers.pop(CSRF_HEADER, None)
    user = await User.get_or_none(email=email)
    if "totp" not in extra and user is not None and user.totp_secret == TEST_TOTP_SECRET:
        extra["totp"] = totp_now(user)
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password, **extra})
    if response.status_code == 200:
        client.headers[CSRF_HEADER] = response.json()["csrf_token"]
    return response


def test_password_hash_is_argon2id_and_verifies() -> None:
    stored = hash_password(STRONG)
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, STRONG)
    assert not verify_password(stored, STRONG + "x")
    assert not verify_password("", STRONG)


def test_password_policy_length_and_common_list() -> None:
    assert len(common_passwords()) > 19_000
    assert "password" in common_passwords()
    assert password_problems("short1!") != []
    assert password_problems("1q2w3e4r5t6y") != []  # on the common list and long enough
    assert password_problems("Qwerty123456") != []  # case-insensitive match
    assert password_problems("startfinding") != []
    assert password_problems(STRONG) == []
    assert password_problems("Southwark2026!") != []  # context word doing the work
    assert password_problems("WayHome-rocks-99") != []
    assert password_problems("the long way home past southwark park") == []  # a long passphrase may
    assert password_problems("ann.smith-rocks-2026", email="ann.smith@council.test") != []


async def test_login_sets_hardened_cookie_and_me_works(client: httpx.AsyncClient) -> None:
    user = await create_user(role="officer")
    response = await sign_in(client, user.email)
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    lowered = cookie.lower()
    for part in ("secure", "httponly", "samesite=lax", "path=/"):
        assert part in lowered
    assert "domain=" not in lowered  # __Host- cookies must not set a Domain
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    stored = await Session.get(user_id=user.id)
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == user.email and body["roles"] == ["officer"]
    assert body["areas"] == ["southwark"] and body["schools"] == ["100823"]
    assert body["csrf_token"] == response.json()["csrf_token"]


async def test_login_failures_are_generic_and_audited(client: httpx.AsyncClient) -> None:
    user = await create_user(role="editor")
    wrong = await sign_in(client, user.email, "not the right password")
    unknown = await sign_in(client, "nobody@staff.test", "not the right password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]
    assert "set-cookie" not in wrong.headers
    ok = await sign_in(client, user.email)
    assert ok.status_code == 200
    events = await AuditEvent.filter(action__startswith="login_").order_by("id")
    assert [e.action for e in events] == ["login_failed", "login_failed", "login_succeeded"]
    assert events[0].details["reason"] == "bad_password" and events[1].details["reason"] == "unknown_account"
    assert events[0].actor_email == user.email and events[0].object_id == str(user.id)
    # What was typed for an unknown account is kept only as a keyed hash, never as text.
    assert events[1].actor_email == "" and "nobody" not in str(events[1].details)
    assert len(events[1].details["typed_email_hmac"]) == 24
    assert events[2].actor_id == user.id  # type: ignore[attr-defined]
    assert all(e.address == "127.0.0.0/24" for e in events)


async def test_logout_refuses_the_cookie_at_once(client: httpx.AsyncClient) -> None:
    user = await create_user(role="officer")
    assert (await sign_in(client, user.email)).status_code == 200
    cookie = client.cookies.get(SESSION_COOKIE)
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    client.cookies.set(SESSION_COOKIE, cookie)  # replay the old cookie
    again = await client.get("/api/v1/me")
    assert again.status_code == 401


async def test_disabled_user_sessions_refused_at_once(client: httpx.AsyncClient) -> None:
    victim = await create_user(role="officer")
    transport = client._transport
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as other:
        await login_as(other, user=victim)
        assert (await other.get("/api/v1/me")).status_code == 200
        await login_as(client, role="admin")
        patched = await client.patch(f"/api/v1/admin/users/{victim.id}", json={"is_active": False})
        assert patched.status_code == 200, patched.text
        assert patched.json()["is_active"] is False
        assert (await other.get("/api/v1/me")).status_code == 401
        assert await Session.filter(user_id=victim.id, revoked_at=None).count() == 0
    relogin = await sign_in(client, victim.email)
    assert relogin.status_code == 401


async def test_password_change_kills_other_sessions_and_renews_own(client: httpx.AsyncClient) -> None:
    user = await create_user(role="editor")
    async with httpx.AsyncClient(transport=client._transport, base_url="https://testserver") as other:
        await login_as(other, user=user)
        assert (await sign_in(client, user.email)).status_code == 200
        old_cookie = client.cookies.get(SESSION_COOKIE)
        weak = await client.post(
            "/api/v1/auth/password", json={"current_password": TEST_PASSWORD, "new_password": "password1234"}
        )
        assert weak.status_code == 422 and weak.json()["error"]["code"] == "weak_password"
        bad = await client.post(
            "/api/v1/auth/password", json={"current_password": "wrong wrong wrong", "new_password": STRONG}
        )
        assert bad.status_code == 422
        changed = await client.post(
            "/api/v1/auth/password", json={"current_password": TEST_PASSWORD, "new_password": STRONG}
        )
        assert changed.status_code == 200, changed.text
        client.headers[CSRF_HEADER] = changed.json()["csrf_token"]
        assert client.cookies.get(SESSION_COOKIE) != old_cookie
        assert (await client.get("/api/v1/me")).status_code == 200
        assert (await other.get("/api/v1/me")).status_code == 401
    assert (await sign_in(client, user.email, STRONG)).status_code == 200


async def test_idle_and_absolute_timeouts(client: httpx.AsyncClient) -> None:
    staff = await login_as(client, role="officer")
    assert (await client.get("/api/v1/me")).status_code == 200
    now = dt.datetime.now(dt.UTC)
    await Session.filter(id=staff.session_id).update(
        last_seen_at=now - dt.timedelta(seconds=IDLE_TIMEOUT_S + 5)
    )
    idle = await client.get("/api/v1/me")
    assert idle.status_code == 401 and idle.json()["error"]["code"] == "session_expired"
    staff = await login_as(client, role="officer")
    await Session.filter(id=staff.session_id).update(expires_at=now - dt.timedelta(seconds=1))
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_csrf_required_on_unsafe_methods(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin")
    del client.headers[CSRF_HEADER]
    refused = await client.post("/api/v1/admin/invitations", json={"email": "a@b.test", "roles": ["editor"]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert await Invitation.all().count() == 0
    assert (await client.get("/api/v1/admin/users")).status_code == 200  # safe method needs no token


async def test_invitation_accept_once_then_login(client: httpx.AsyncClient) -> None:
    admin = await login_as(client, role="admin")
    invited = await client.post(
        "/api/v1/admin/invitations",
        json={
            "email": "New.Officer@Council.test",
            "roles": ["officer"],
            "areas": ["southwark"],
            "schools": ["100823"],
        },
    )
    assert invited.status_code == 201, invited.text
    token = invited.json()["token"]
    stored = await Invitation.get(id=invited.json()["id"])
    assert stored.token_hash == token_hash(token)
    client.cookies.clear()
    weak = await client.post("/api/v1/auth/accept-invitation", json={"token": token, "password": "letmein"})
    assert weak.status_code == 422
    accepted = await client.post("/api/v1/auth/accept-invitation", json={"token": token, "password": STRONG})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["email"] == "new.officer@council.test"
    assert accepted.json()["roles"] == ["officer"]
    again = await client.post("/api/v1/auth/accept-invitation", json={"token": token, "password": STRONG})
    assert again.status_code == 404
    # An officer's first sign-in sets up the second factor before any session exists.
    first = await sign_in(client, "new.officer@council.test", STRONG)
    assert first.status_code == 401 and "set-cookie" not in first.headers
    enrol = first.json()["error"]
    assert enrol["code"] == "totp_enrolment_required"
    assert enrol["details"]["qr_svg"].startswith("data:image/svg+xml")
    code = pyotp.TOTP(enrol["details"]["secret"]).now()
    done = await sign_in(
        client, "new.officer@council.test", STRONG, totp_secret=enrol["details"]["secret"], totp=code
    )
    assert done.status_code == 200, done.text
    assert len(done.json()["recovery_codes"]) == 10
    created = await AuditEvent.get(action="invitation_created")
    assert created.actor_id == admin.id  # type: ignore[attr-defined]
    assert "token" not in created.details


async def test_expired_invitation_refused(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin")
    invited = await client.post(
        "/api/v1/admin/invitations", json={"email": "late@staff.test", "roles": ["editor"]}
    )
    await Invitation.filter(id=invited.json()["id"]).update(
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    )
    response = await client.post(
        "/api/v1/auth/accept-invitation", json={"token": invited.json()["token"], "password": STRONG}
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "invalid_invitation"
    assert not await User.filter(email="late@staff.test").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"email": "x@staff.test", "roles": ["superuser"]},
        {"email": "not-an-email", "roles": ["editor"]},
        {"email": "x@staff.test", "roles": ["editor"], "areas": ["atlantis"]},
        {"email": "x@staff.test", "roles": ["editor"], "is_active": True, "password_hash": "x"},
        {"email": "x@staff.test", "roles": []},
        {"email": "x@staff.test", "roles": "admin"},
    ],
)
async def test_invitation_bad_input_is_422(client: httpx.AsyncClient, body: dict) -> None:
    await login_as(client, role="admin")
    response = await client.post("/api/v1/admin/invitations", json=body)
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert await Invitation.all().count() == 0


async def test_no_mass_assignment_and_no_self_role_change(client: httpx.AsyncClient) -> None:
    admin = await login_as(client, role="admin")
    target = await create_user(role="editor")
    sneaky = await client.patch(f"/api/v1/admin/users/{target.id}", json={"email": "evil@x.test"})
    assert sneaky.status_code == 422 and sneaky.json()["error"]["code"] == "unknown_fields"
    hashed = await client.patch(
        f"/api/v1/admin/users/{target.id}", json={"password_hash": "x", "roles": ["admin"]}
    )
    assert hashed.status_code == 422
    assert (await User.get(id=target.id)).roles == ["editor"]
    own = await client.patch(f"/api/v1/admin/users/{admin.id}", json={"roles": ["officer"]})
    assert own.status_code == 403
    disable_self = await client.patch(f"/api/v1/admin/users/{admin.id}", json={"is_active": False})
    assert disable_self.status_code == 403
    assert (await User.get(id=admin.id)).roles == ["admin"]
    renamed = await client.patch(f"/api/v1/admin/users/{admin.id}", json={"display_name": "Ada"})
    assert renamed.status_code == 200
    ok = await client.patch(
        f"/api/v1/admin/users/{target.id}", json={"roles": ["officer"], "schools": ["100577"]}
    )
    assert ok.status_code == 200 and ok.json()["roles"] == ["officer"] and ok.json()["schools"] == ["100577"]


async def test_non_admin_cannot_touch_users_or_self_promote(client: httpx.AsyncClient) -> None:
    officer = await login_as(client, role="officer")
    response = await client.patch(f"/api/v1/admin/users/{officer.id}", json={"roles": ["admin"]})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden_role"
    assert (await User.get(id=officer.id)).roles == ["officer"]


async def test_audit_log_filters_and_pagination(client: httpx.AsyncClient) -> None:
    admin = await login_as(client, role="admin")
    for n in range(5):
        r = await client.post(
            "/api/v1/admin/invitations", json={"email": f"p{n}@staff.test", "roles": ["editor"]}
        )
        assert r.status_code == 201
    page1 = await client.get("/api/v1/admin/audit", params={"action": "invitation_created", "limit": 3})
    assert page1.status_code == 200
    body = page1.json()
    assert len(body["events"]) == 3 and body["next_before_id"] is not None
    page2 = await client.get(
        "/api/v1/admin/audit",
        params={"action": "invitation_created", "limit": 3, "before_id": body["next_before_id"]},
    )
    events = body["events"] + page2.json()["events"]
    assert len(events) == 5 and page2.json()["next_before_id"] is None
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    assert {e["actor_id"] for e in events} == {admin.id}
    assert all(e["address"] == "127.0.0.0/24" for e in events)
    mine = await client.get("/api/v1/admin/audit", params={"actor_id": admin.id, "object_type": "invitation"})
    assert len(mine.json()["events"]) == 5
    bad = await client.get("/api/v1/admin/audit", params={"since": "yesterday"})
    assert bad.status_code == 422
    for method in ("POST", "PATCH", "DELETE", "PUT"):
        assert (await client.request(method, "/api/v1/admin/audit", json={})).status_code == 405


async def test_totp_second_factor(client: httpx.AsyncClient) -> None:
    user = await create_user(role="admin", totp=False)
    await login_as(client, user=user)
    setup = (await client.post("/api/v1/auth/totp/setup")).json()
    totp = pyotp.TOTP(setup["secret"])
    wrong = await client.post(
        "/api/v1/auth/totp", json={"secret": setup["secret"], "code": "000000", "password": TEST_PASSWORD}
    )
    assert wrong.status_code == 422
    setup_code = totp.now()
    enabled = await client.post(
        "/api/v1/auth/totp", json={"secret": setup["secret"], "code": setup_code, "password": TEST_PASSWORD}
    )
    assert enabled.status_code == 200 and enabled.json()["totp_enabled"] is True
    needs = await sign_in(client, user.email)
    assert needs.status_code == 401 and needs.json()["error"]["code"] == "totp_required"
    valid_now = {totp.at(time.time() + k * totp.interval) for k in (-1, 0, 1, 2)}
    bad = await sign_in(
        client, user.email, totp=next(c for c in ("123456", "654321", "111111") if c not in valid_now)
    )
    assert bad.status_code == 401
    replayed_setup_code = await sign_in(client, user.email, totp=setup_code)
    assert replayed_setup_code.status_code == 401  # the code used to enable TOTP is spent
    next_code = totp.at(time.time() + totp.interval)  # one step ahead is within the allowed drift
    good = await sign_in(client, user.email, totp=next_code)
    assert good.status_code == 200
    replay = await sign_in(client, user.email, totp=next_code)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "invalid_totp"


async def test_login_body_validation(client: httpx.AsyncClient) -> None:
    for body in (
        {},
        {"email": 5, "password": "x"},
        {"email": "a@b.test"},
        {"email": "a@b.test", "password": "x", "role": "admin"},
    ):
        response = await client.post("/api/v1/auth/login", json=body)
        assert response.status_code == 422, (body, response.text)
    json_type = {"content-type": "application/json"}
    assert (
        await client.post("/api/v1/auth/login", content=b"{not json", headers=json_type)
    ).status_code == 400
    form = await client.post("/api/v1/auth/login", data={"email": "a@b.test", "password": "x" * 12})
    assert form.status_code == 415  # a cross-site form cannot sign anyone in


async def test_role_and_scope_changes_apply_on_the_next_request(client: httpx.AsyncClient) -> None:
    officer = await create_user(role="officer", areas=(), schools=("100823",))
    async with httpx.AsyncClient(transport=client._transport, base_url="https://testserver") as other:
        await login_as(other, user=officer)
        me = (await other.get("/api/v1/me")).json()
        assert me["roles"] == ["officer"] and me["schools"] == ["100823"]
        await login_as(client, role="admin")
        changed = await client.patch(
            f"/api/v1/admin/users/{officer.id}", json={"roles": ["editor"], "schools": []}
        )
        assert changed.status_code == 200
        me = (await other.get("/api/v1/me")).json()
        assert me["roles"] == ["editor"] and me["schools"] == []
        taken = await client.post(
            "/api/v1/admin/invitations", json={"email": officer.email, "roles": ["editor"]}
        )
        assert taken.status_code == 409 and taken.json()["error"]["code"] == "email_taken"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/password"),
        ("POST", "/api/v1/auth/totp/setup"),
        ("POST", "/api/v1/auth/totp"),
    ],
)
async def test_session_routes_refuse_anonymous_and_bad_csrf(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    anonymous = await client.request(method, path, json={} if method == "POST" else None)
    assert anonymous.status_code == 401
    await login_as(client, role="editor")
    if method == "POST":
        client.headers[CSRF_HEADER] = "forged"
        forged = await client.request(method, path, json={})
        assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf_failed"
        assert (await client.get("/api/v1/me")).status_code == 200  # the session survived the forged request


async def test_wrong_current_password_is_throttled(client: httpx.AsyncClient) -> None:
    from backend.accounts.login import BACKOFF_FREE_FAILURES

    await login_as(client, role="editor")
    for _ in range(BACKOFF_FREE_FAILURES):
        wrong = await client.post(
            "/api/v1/auth/password", json={"current_password": "guessing again", "new_password": STRONG}
        )
        assert wrong.status_code == 422
    right = await client.post(
        "/api/v1/auth/password", json={"current_password": TEST_PASSWORD, "new_password": STRONG}
    )
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
