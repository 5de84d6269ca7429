"""Per-area in-memory HavenIndex, rebuilt when havens change.

Writes in this process call `invalidate(area)`. Other worker processes notice changes through a cheap
fingerprint query (row count + newest `updated_at`) at most every `FINGERPRINT_TTL_S` seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from tortoise.functions import Count, Max

from havens.models import Haven
from havens.nearest import HavenIndex, HavenRecord

FINGERPRINT_TTL_S = 2.0


@dataclass
class _Entry:
    index: HavenIndex
    fingerprint: tuple[Any, ...]
    checked_at: float


_cache: dict[str, _Entry] = {}
_locks: dict[str, asyncio.Lock] = {}


def invalidate(area: str | None = None) -> None:
    """Drop the cached index of one area (or all areas)."""
    if area is None:
        _cache.clear()
    else:
        _cache.pop(area, None)


async def _fingerprint(area: str) -> tuple[Any, ...]:
    row = (
        await Haven.filter(area=area)
        .annotate(n=Count("id"), newest=Max("updated_at"))
        .values("n", "newest")
    )
    first = row[0] if row else {"n": 0, "newest": None}
    return (first["n"], str(first["newest"]))


async def _build(area: str) -> HavenIndex:
    rows = await Haven.filter(area=area, status="active").order_by("id")
    records = [HavenRecord(id=h.id, lat=h.lat, lon=h.lon, opening_hours=h.opening_hours, ref=h) for h in rows]
    return HavenIndex(records)


async def area_index(area: str) -> HavenIndex:
    """The current index for an area, rebuilding it if this process or another one changed havens."""
    now = time.monotonic()
    entry = _cache.get(area)
    if entry is not None and now - entry.checked_at < FINGERPRINT_TTL_S:
        return entry.index
    lock = _locks.setdefault(area, asyncio.Lock())
    async with lock:
        entry = _cache.get(area)
        if entry is not None and time.monotonic() - entry.checked_at < FINGERPRINT_TTL_S:
            return entry.index
        fingerprint = await _fingerprint(area)
        if entry is not None and entry.fingerprint == fingerprint:
            entry.checked_at = time.monotonic()
            return entry.index
        index = await _build(area)
        _cache[area] = _Entry(index=index, fingerprint=fingerprint, checked_at=time.monotonic())
        return index
