"""Rate limits: public endpoints (shared counters in the database or Redis) and staff sign-in throttling."""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend.accounts.login import BACKOFF_FREE_FAILURES
from backend.accounts.models import RateCounter
from backend.app import create_app
from backend.ratelimit.counters import DatabaseCounters, RedisCounters
from backend.settings import Settings
from tests.support.staff import TEST_PASSWORD, create_user, totp_now

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.asynccontextmanager
async def running(settings: Settings, *, address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            yield http


def limited(settings: Settings, limit: int = 3, **changes: object) -> Settings:
    return settings.with_changes(
        rate_limits_enabled=True,
        secret_key=f"rl-{uuid.uuid4().hex}",
        rate_limits={"/api/v1/geocode": (limit, 3600)},
        **changes,
    )


async def _assert_limit(settings: Settings) -> None:
    async with running(settings) as http:
        statuses = [(await http.get("/api/v1/geocode", params={"q": "SE1"})).status_code for _ in range(3)]
        assert 429 not in statuses
        blocked = await http.get("/api/v1/geocode", params={"q": "SE1"})
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["retry-after"]) <= 3600
        assert blocked.json()["error"]["code"] == "rate_limited"
        assert "set-cookie" not in blocked.headers
        # other limited paths keep their own budget
        assert (await http.get("/api/v1/havens", params={"lat": "51.47", "lon": "-0.07"})).status_code != 429
    # same /24 shares the budget; another network does not
    async with running(settings, address="127.0.0.77") as neighbour:
        assert (await neighbour.get("/api/v1/geocode", params={"q": "SE1"})).status_code == 429
    async with running(settings, address="203.0.113.9") as other:
        assert (await other.get("/api/v1/geocode", params={"q": "SE1"})).status_code != 429


async def test_public_limit_in_database_has_no_raw_address(settings: Settings) -> None:
    limited_settings = limited(settings)
    await _assert_limit(limited_settings)
    async with running(limited_settings):
        keys = [row.key for row in await RateCounter.all()]
    assert keys and all(len(k) == 64 and all(c in "0123456789abcdef" for c in k) for k in keys)
    assert not any("127.0" in k or "203.0" in k for k in keys)


@pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379")
async def test_public_limit_in_redis(settings: Settings) -> None:
    limited_settings = limited(settings, redis_url=REDIS_URL)
    await _assert_limit(limited_settings)
    async with running(limited_settings):
        assert await RateCounter.all().count() == 0  # counted in Redis, not the table


async def test_counters_survive_a_restart_and_are_shared(settings: Settings) -> None:
    """Counters live outside the process: a second app instance on the same database sees the first's hits."""
    limited_settings = limited(settings)
    async with running(limited_settings) as first:
        for _ in range(3):
            assert (await first.get("/api/v1/geocode", params={"q": "SE1"})).status_code != 429
    async with running(limited_settings) as second:
        assert (await second.get("/api/v1/geocode", params={"q": "SE1"})).status_code == 429


async def test_two_stores_share_counts(settings: Settings) -> None:
    async with running(settings):
        a, b = DatabaseCounters(), DatabaseCounters()
        assert await a.incr("k" * 64, window_s=60, now_s=1000.0) == 1
        assert await b.incr("k" * 64, window_s=60, now_s=1001.0) == 2
        assert await b.incr("k" * 64, window_s=60, now_s=1061.0) == 1  # next window
    if redis_up():
        key = uuid.uuid4().hex
        ra, rb = RedisCounters(REDIS_URL), RedisCounters(REDIS_URL)
        now_s = float(int(time.time() // 3600) * 3600)  # start of the current hour window
        assert await ra.incr(key, window_s=3600, now_s=now_s) == 1
        assert await rb.incr(key, window_s=3600, now_s=now_s + 1) == 2
        assert await rb.peek(key, window_s=3600, now_s=now_s + 2) == 2


async def test_limits_off_when_disabled(settings: Settings) -> None:
    off = limited(settings).with_changes(rate_limits_enabled=False)
    async with running(off) as http:
        statuses = [(await http.get("/api/v1/geocode", params={"q": "SE1"})).status_code for _ in range(6)]
    assert 429 not in statuses


async def test_redis_down_fails_open(settings: Settings) -> None:
    broken = limited(settings, redis_url="redis://127.0.0.1:1/0")
    async with running(broken) as http:
        statuses = [(await http.get("/api/v1/geocode", params={"q": "SE1"})).status_code for _ in range(5)]
    assert 429 not in statuses


async def test_login_throttled_per_account(client: httpx.AsyncClient) -> None:
    user = await create_user(role="officer")
    for _ in range(BACKOFF_FREE_FAILURES):
        r = await client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong password!"})
        assert r.status_code == 401
    right = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": TEST_PASSWORD, "totp": totp_now(user)}
    )
    assert right.status_code == 429
    assert int(right.headers["retry-after"]) > 0
    assert right.json()["error"]["code"] == "too_many_attempts"
    assert "set-cookie" not in right.headers
    other = await create_user(role="officer")
    ok = await client.post(
        "/api/v1/auth/login", json={"email": other.email, "password": TEST_PASSWORD, "totp": totp_now(other)}
    )
    assert ok.status_code == 200


async def test_login_throttled_per_address(settings: Settings) -> None:
    from backend.accounts.login import ADDRESS_FAILURES_LIMIT

    async with running(settings, address="198.51.100.20") as http:
        for n in range(ADDRESS_FAILURES_LIMIT):
            r = await http.post(
                "/api/v1/auth/login", json={"email": f"spray{n}@x.test", "password": "guess guess"}
            )
            assert r.status_code == 401
        user = await create_user(role="editor")
        blocked = await http.post(
            "/api/v1/auth/login",
            json={"email": user.email, "password": TEST_PASSWORD, "totp": totp_now(user)},
        )
        assert blocked.status_code == 429 and "retry-after" in blocked.headers
    async with running(settings, address="192.0.2.1") as elsewhere:
        ok = await elsewhere.post(
            "/api/v1/auth/login",
            json={"email": user.email, "password": TEST_PASSWORD, "totp": totp_now(user)},
        )
        assert ok.status_code == 200
