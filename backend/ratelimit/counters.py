"""Fixed-window counters shared by every worker: a database table by default, Redis when configured.

Keys are HMACs (see addresses.address_key), so neither store holds an address or an email.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as redis
from redis.exceptions import RedisError

from backend.accounts.models import RateCounter

log = logging.getLogger("wayhome.accounts.counters")


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after_s: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit


class CounterStore(Protocol):
    async def incr(self, key: str, *, window_s: int, now_s: float) -> int: ...

    async def peek(self, key: str, *, window_s: int, now_s: float) -> int: ...


def _window(window_s: int, now_s: float) -> tuple[int, int]:
    start = int(now_s // window_s) * window_s
    return start, start + window_s


class DatabaseCounters:
    """One row per (key, window) with an atomic upsert; expired rows are swept now and then."""

    SWEEP_PROBABILITY = 0.02

    async def incr(self, key: str, *, window_s: int, now_s: float) -> int:
        start, end = _window(window_s, now_s)
        conn = RateCounter._meta.db
        dialect = conn.capabilities.dialect
        table = RateCounter._meta.db_table
        if dialect == "postgres":
            marks = ("$1", "$2", "$3")
        else:
            marks = ("?", "?", "?")
        sql = (
            f'INSERT INTO {table} ("key", window_start, count, expires_at) VALUES ({marks[0]}, {marks[1]}, 1, '
            f'{marks[2]}) ON CONFLICT ("key", window_start) DO UPDATE SET count = {table}.count + 1 '
            "RETURNING count"
        )
        rows = await conn.execute_query_dict(sql, [key, start, end])
        if random.random() < self.SWEEP_PROBABILITY:
            await RateCounter.filter(expires_at__lt=int(now_s)).delete()
        if not rows:
            raise RuntimeError("the rate counter upsert returned no row")
        return int(rows[0]["count"])

    async def peek(self, key: str, *, window_s: int, now_s: float) -> int:
        start, _ = _window(window_s, now_s)
        row = await RateCounter.get_or_none(key=key, window_start=start)
        return row.count if row else 0


class RedisCounters:
    """INCR + EXPIREAT in one MULTI/EXEC through redis.asyncio (redis://, rediss:// with TLS, password, db).

    A client belongs to the event loop that made it; tests run several loops, so there is one client per loop.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, redis.Redis] = (
            weakref.WeakKeyDictionary()
        )

    def _client(self) -> redis.Redis:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = redis.from_url(  # type: ignore[no-untyped-call]
                self.url, socket_timeout=2, socket_connect_timeout=2, retry_on_timeout=True
            )
        return client

    async def incr(self, key: str, *, window_s: int, now_s: float) -> int:
        start, end = _window(window_s, now_s)
        name = f"wayhome:rl:{key}:{start}"
        try:
            async with self._client().pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expireat(name, end + 1)
                count, _ = await pipe.execute()
        except RedisError as exc:
            raise ConnectionError(f"redis: {type(exc).__name__}") from exc
        return int(count)

    async def peek(self, key: str, *, window_s: int, now_s: float) -> int:
        start, _ = _window(window_s, now_s)
        try:
            value = await self._client().get(f"wayhome:rl:{key}:{start}")
        except RedisError as exc:
            raise ConnectionError(f"redis: {type(exc).__name__}") from exc
        return int(value) if value is not None else 0


def counter_store(redis_url: str | None) -> CounterStore:
    return RedisCounters(redis_url) if redis_url else DatabaseCounters()


async def hit(store: CounterStore, key: str, *, limit: int, window_s: int) -> Hit:
    """Count one event; `allowed` is False once the window holds more than `limit`."""
    now_s = time.time()
    count = await store.incr(key, window_s=window_s, now_s=now_s)
    _, end = _window(window_s, now_s)
    return Hit(count=count, limit=limit, retry_after_s=max(1, int(end - now_s + 0.999)))


async def peek(store: CounterStore, key: str, *, limit: int, window_s: int) -> Hit:
    now_s = time.time()
    count = await store.peek(key, window_s=window_s, now_s=now_s)
    _, end = _window(window_s, now_s)
    return Hit(count=count, limit=limit, retry_after_s=max(1, int(end - now_s + 0.999)))
