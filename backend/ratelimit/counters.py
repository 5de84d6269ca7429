"""Fixed-window counters shared by every worker: a database table by default, Redis when configured.

Keys are HMACs (see addresses.address_key), so neither store holds an address or an email.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

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
    """INCR + EXPIRE over a tiny RESP client (no extra dependency); one connection per event loop."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 6379
        self.password = parts.password
        self.db = int(parts.path.lstrip("/") or 0)
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None

    @staticmethod
    def _encode(*args: str | int) -> bytes:
        out = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = str(arg).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(data), data))
        return b"".join(out)

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> object:
        line = await reader.readline()
        if not line:
            raise ConnectionError("redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise ConnectionError(f"redis error: {rest.decode()}")
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else (await reader.readexactly(size + 2))[:-2]
        raise ConnectionError("unexpected redis reply")

    async def _command(self, *commands: tuple[str | int, ...]) -> list[object]:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._conn, self._loop, self._lock = None, loop, asyncio.Lock()
        assert self._lock is not None
        async with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None:
                        reader, writer = await asyncio.wait_for(
                            asyncio.open_connection(self.host, self.port), timeout=2
                        )
                        self._conn = (reader, writer)
                        setup: list[tuple[str | int, ...]] = []
                        if self.password:
                            setup.append(("AUTH", self.password))
                        if self.db:
                            setup.append(("SELECT", self.db))
                        for cmd in setup:
                            writer.write(self._encode(*cmd))
                            await writer.drain()
                            await self._read(reader)
                    reader, writer = self._conn
                    writer.write(b"".join(self._encode(*cmd) for cmd in commands))
                    await writer.drain()
                    return [await asyncio.wait_for(self._read(reader), timeout=2) for _ in commands]
                except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError):
                    self._conn = None
                    if attempt == 2:
                        raise
        raise ConnectionError("unreachable")

    async def incr(self, key: str, *, window_s: int, now_s: float) -> int:
        start, end = _window(window_s, now_s)
        name = f"wayhome:rl:{key}:{start}"
        count, _ = await self._command(("INCR", name), ("EXPIREAT", name, end + 1))
        assert isinstance(count, int)
        return count

    async def peek(self, key: str, *, window_s: int, now_s: float) -> int:
        start, _ = _window(window_s, now_s)
        (value,) = await self._command(("GET", f"wayhome:rl:{key}:{start}"))
        return int(value) if isinstance(value, (bytes, str)) else 0


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
