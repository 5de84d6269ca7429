"""Soft lockout, admin unlock, the account holder's notice, the per-address failure budget, the second factor
(required, enrolled at first sign-in, recovery codes, not turned off without a code) and password strength."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import httpx
import pyotp

from backend.accounts.guard import CSRF_HEADER
from backend.accounts.login import ADDRESS_FAILURES_LIMIT, BACKOFF_FREE_FAILURES, backoff_s
from backend.accounts.models import AuditEvent, User
from backend.accounts.passwords import password_problems, verify_password_async
from backend.accounts.sessions import utcnow
from backend.settings import Settings
from tests.backend.test_ratelimit import running
from tests.support.staff import TEST_PASSWORD, TEST_TOTP_SECRET, create_user, login_as, totp_now

WRONG = "not the password at all"


async def attempt(
    http: httpx.AsyncClient, user: User, password: str = TEST_PASSWORD, **extra: str
) -> httpx.Response:
    await user.refresh_from_db()
    body: dict[str, str] = {"email": user.email, "password": password}
    if user.totp_secret == TEST_TOTP_SECRET and "totp" not in extra:
        body["totp"] = totp_now(user)
    http.cookies.clear()
    return await http.post("/api/v1/auth/login", json={**body, **extra})


def test_backoff_grows_and_is_capped() -> None:
    waits = [backoff_s(n) for n in range(12)]
    assert waits[:BACKOFF_FREE_FAILURES] == [0] * BACKOFF_FREE_FAILURES
    assert waits[BACKOFF_FREE_FAILURES : BACKOFF_FREE_FAILURES + 4] == [2, 4, 8, 16]
    assert backoff_s(100) == 15 * 60


async def test_backoff_is_soft_an_admin_can_clear_it_and_the_holder_is_told(
    client: httpx.AsyncClient,
) -> None:
    user = await create_user(role="editor")
    for _ in range(BACKOFF_FREE_FAILURES):
        assert (await attempt(client, user, WRONG)).status_code == 401
    blocked = await attempt(client, user)
    assert blocked.status_code == 429 and 0 < int(blocked.headers["retry-after"]) <= backoff_s(3) + 1
    # Not a hard lockout: once the wait has passed the right password works again.
    await User.filter(id=user.id).update(last_failed_login_at=utcnow() - timedelta(seconds=backoff_s(3) + 1))
    assert (await attempt(client, user, WRONG)).status_code == 401  # a fourth failure: now 4 s
    assert (await attempt(client, user)).status_code == 429
    async with httpx.AsyncClient(transport=client._transport, base_url="https://testserver") as admin:
        await login_as(admin, role="admin")
        unlocked = await admin.post(f"/api/v1/admin/users/{user.id}/unlock")
        assert unlocked.status_code == 200 and unlocked.json()["failed_logins"] == 0
    ok = await attempt(client, user)
    assert ok.status_code == 200, ok.text
    assert ok.json()["failed_sign_ins"] == BACKOFF_FREE_FAILURES + 1
    client.headers[CSRF_HEADER] = ok.json()["csrf_token"]
    me = (await client.get("/api/v1/me")).json()
    assert me["failed_sign_ins"] == BACKOFF_FREE_FAILURES + 1
    # The holder's notice: how many, when the last one was, that sign-in was paused, when an admin unlocked it.
    last_failure = (
        await AuditEvent.filter(action="login_failed", object_id=str(user.id)).order_by("-at").first()
    )
    unlock_event = await AuditEvent.get(action="user_unlocked", object_id=str(user.id))
    assert last_failure is not None
    assert me["sign_in_notice"] == {
        "failures": BACKOFF_FREE_FAILURES + 1,
        "last_failure_at": last_failure.at.isoformat(),
        "paused": True,
        "unlocked_at": unlock_event.at.isoformat(),
    }
    assert "address" not in json.dumps(me) and "127.0.0" not in json.dumps(me)  # no addresses to the holder
    # Told once: the next sign-in has nothing new to report.
    again = await attempt(client, user)
    client.headers[CSRF_HEADER] = again.json()["csrf_token"]
    me = (await client.get("/api/v1/me")).json()
    assert me["failed_sign_ins"] == 0 and me["sign_in_notice"] is None
    actions = [
        e.action for e in await AuditEvent.filter(object_type="user", object_id=str(user.id)).order_by("id")
    ]
    assert "account_backoff" in actions and "user_unlocked" in actions


async def test_only_failures_use_the_address_budget(settings: Settings) -> None:
    relaxed = settings.with_changes(totp_officers_optional=True)
    async with running(relaxed, address="198.51.100.77") as http:
        user = await create_user(role="officer", totp=False)
        for n in range(ADDRESS_FAILURES_LIMIT - 1):
            r = await http.post("/api/v1/auth/login", json={"email": f"spray{n}@x.test", "password": WRONG})
            assert r.status_code == 401
        for _ in range(4):  # successful sign-ins from the same office do not count
            assert (await attempt(http, user)).status_code == 200
        last = await http.post("/api/v1/auth/login", json={"email": "spray-last@x.test", "password": WRONG})
        assert last.status_code == 401
        over = await http.post("/api/v1/auth/login", json={"email": "spray-over@x.test", "password": WRONG})
        assert over.status_code == 429


async def test_second_factor_is_asked_only_after_the_password_and_wrong_codes_count(
    client: httpx.AsyncClient,
) -> None:
    user = await create_user(role="admin")
    wrong_password = await attempt(client, user, WRONG, totp="")
    assert (
        wrong_password.json()["error"]["code"] == "invalid_credentials"
    )  # no hint that the password was near
    needs = await attempt(client, user, totp="")
    assert needs.status_code == 401 and needs.json()["error"]["code"] == "totp_required"
    valid = {pyotp.TOTP(TEST_TOTP_SECRET).at(time.time() + k * 30) for k in (-1, 0, 1, 2)}
    bad = next(c for c in ("123456", "654321", "111111") if c not in valid)
    for _ in range(BACKOFF_FREE_FAILURES - 1):
        assert (await attempt(client, user, totp=bad)).json()["error"]["code"] == "invalid_totp"
    await user.refresh_from_db()
    assert user.failed_logins == BACKOFF_FREE_FAILURES  # one bad password + two bad codes
    assert (await attempt(client, user)).status_code == 429  # even with the right code now


async def test_enrolment_at_first_sign_in_and_recovery_codes(client: httpx.AsyncClient) -> None:
    user = await create_user(role="officer", totp=False)
    first = await attempt(client, user)
    error = first.json()["error"]
    assert first.status_code == 401 and error["code"] == "totp_enrolment_required"
    assert "set-cookie" not in first.headers and await user.sessions.all().count() == 0
    secret = error["details"]["secret"]
    assert (
        error["details"]["qr_svg"].startswith("data:image/svg+xml")
        and "http" not in error["details"]["qr_svg"][:40]
    )
    wrong = await attempt(
        client, user, totp_secret=secret, totp="000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    )
    assert wrong.status_code == 401
    done = await attempt(client, user, totp_secret=secret, totp=pyotp.TOTP(secret).now())
    assert done.status_code == 200, done.text
    codes = done.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    await user.refresh_from_db()
    assert user.totp_secret == secret and len(user.recovery_code_hashes) == 10
    assert not any(c.replace("-", "") in h for c in codes for h in user.recovery_code_hashes)  # stored hashed
    with_code = await attempt(client, user, totp=codes[3])
    assert with_code.status_code == 200
    again = await attempt(client, user, totp=codes[3])
    assert again.status_code == 401 and again.json()["error"]["code"] == "invalid_totp"  # each works once
    await user.refresh_from_db()
    assert len(user.recovery_code_hashes) == 9


async def test_second_factor_cannot_be_turned_off_without_a_code_or_while_required(
    client: httpx.AsyncClient,
) -> None:
    user = await create_user(role="officer")
    await login_as(client, user=user)
    no_code = await client.post("/api/v1/auth/totp", json={"password": TEST_PASSWORD, "enabled": False})
    assert no_code.status_code == 422 and no_code.json()["error"]["details"]["field"] == "current_code"
    required = await client.post(
        "/api/v1/auth/totp",
        json={"password": TEST_PASSWORD, "enabled": False, "current_code": totp_now(user)},
    )
    assert required.status_code == 409 and required.json()["error"]["code"] == "totp_required_for_role"
    await user.refresh_from_db()
    assert user.totp_secret == TEST_TOTP_SECRET


async def test_officers_may_turn_it_off_where_the_borough_relaxed_it(settings: Settings) -> None:
    async with running(settings.with_changes(totp_officers_optional=True)) as relaxed:
        user = await create_user(role="officer")
        await login_as(relaxed, user=user)
        off = await relaxed.post(
            "/api/v1/auth/totp",
            json={"password": TEST_PASSWORD, "enabled": False, "current_code": totp_now(user)},
        )
        assert off.status_code == 200 and off.json()["totp_enabled"] is False
        editor = await create_user(role="editor")
        await login_as(relaxed, user=editor)
        kept = await relaxed.post(
            "/api/v1/auth/totp",
            json={"password": TEST_PASSWORD, "enabled": False, "current_code": totp_now(editor)},
        )
        assert kept.status_code == 409


def test_password_strength_uses_the_estimator() -> None:
    for trivial in ("aaaaaaaaaaaaaaaa", " " * 16, "abcabcabcabcabc", "qwertyuiopasdfgh", "1234567890123",
                    "wayhomewayhome1", "WayHomeWayHome2026"):  # fmt: skip
        assert password_problems(trivial) != [], trivial
    assert "easy to guess" in " ".join(password_problems("abcabcabcabcabc"))
    assert password_problems("blue kettle orbit marigold") == []


async def test_hashing_runs_off_the_event_loop() -> None:
    from backend.accounts.passwords import hash_password

    stored = hash_password(TEST_PASSWORD)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    assert await verify_password_async(stored, TEST_PASSWORD)
    elapsed = time.perf_counter() - started
    task.cancel()
    assert ticks >= max(2, int(elapsed / 0.01 * 0.3))  # the loop kept ticking while argon2 ran


async def test_password_checks_are_bounded_and_the_rest_told_to_retry(client: httpx.AsyncClient) -> None:
    from backend.accounts.passwords import HASH_CONCURRENCY, HASH_QUEUE_LIMIT

    user = await create_user(role="admin")
    body = {"email": user.email, "password": TEST_PASSWORD}  # right password, no code: a full check each time
    n = HASH_CONCURRENCY + HASH_QUEUE_LIMIT + 10
    answers = await asyncio.gather(*(client.post("/api/v1/auth/login", json=body) for _ in range(n)))
    codes = [r.status_code for r in answers]
    assert set(codes) == {401, 503}, codes
    assert codes.count(401) >= HASH_CONCURRENCY and codes.count(503) >= 10 - HASH_CONCURRENCY
    busy = next(r for r in answers if r.status_code == 503)
    assert busy.json()["error"]["code"] == "busy" and busy.headers["retry-after"] == "2"
    assert all(r.json()["error"]["code"] == "totp_required" for r in answers if r.status_code == 401)


async def test_a_wrong_second_step_is_in_the_holders_notice(client: httpx.AsyncClient) -> None:
    user = await create_user(role="admin")
    assert (await attempt(client, user, totp="000000")).status_code == 401
    ok = await attempt(client, user)
    assert ok.status_code == 200, ok.text
    client.headers[CSRF_HEADER] = ok.json()["csrf_token"]
    notice = (await client.get("/api/v1/me")).json()["sign_in_notice"]
    assert notice["failures"] == 1 and notice["paused"] is False and notice["unlocked_at"] is None
    failed = await AuditEvent.get(action="login_failed", object_id=str(user.id))
    assert failed.details["reason"] == "bad_totp" and notice["last_failure_at"] == failed.at.isoformat()


async def test_password_checks_yield_the_cores_to_everything_else() -> None:
    """A flood of sign-in attempts (each a full argon2 check) may slow sign-ins, never young people's routes: the
    hashing threads run at nice 19 in Linux's SCHED_IDLE class, below the event loop and the route processes."""
    import os
    import threading

    from backend.accounts import passwords

    def how_am_i_scheduled() -> tuple[int, int]:
        return os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    policy, nice = await asyncio.get_running_loop().run_in_executor(passwords._pool, how_am_i_scheduled)
    assert (policy, nice) == (os.SCHED_IDLE, 19)
    assert os.sched_getscheduler(0) == os.SCHED_OTHER, "the event loop's own thread keeps its normal class"
