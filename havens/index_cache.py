"""Per-area in-memory HavenIndex, rebuilt when havens change.

Every lookup runs one cheap fingerprint query (row count + newest `updated_at` of the area) so changes made
by another worker process, or a different database, are never served stale; writes in this process also
call `invalidate(area)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.functions import Count, Max

from havens.models import Haven
from havens.nearest import HavenIndex, HavenRecord


@dataclass
class _Entry:
    index: HavenIndex
    fingerprint: tuple[Any, ...]


_cache: dict[str, _Entry] = {}


def invalidate(area: str | None = None) -> None:
    """Drop the cached index of one area (or all areas)."""
    if area is None:
        _cache.clear()
    else:
        _cache.pop(area, None)


async def _fingerprint(area: str) -> tuple[Any, ...]:
    rows = (
        await Haven.filter(area=area).annotate(n=Count("id"), newest=Max("updated_at")).values("n", "newest")
    )
    first = rows[0] if rows else {"n": 0, "newest": None}
    return (first["n"], str(first["newest"]))


async def build_index(area: str) -> HavenIndex:
    rows = await Haven.filter(area=area, status="active").order_by("id")
    records = [HavenRecord(id=h.id, lat=h.lat, lon=h.lon, opening_hours=h.opening_hours, ref=h) for h in rows]
    return HavenIndex(records)


async def area_index(area: str) -> HavenIndex:
    """The current index for an area, rebuilt if anything in the area changed since it was built."""
    fingerprint = await _fingerprint(area)
    entry = _cache.get(area)
    if entry is not None and entry.fingerprint == fingerprint:
        return entry.index
    index = await build_index(area)
    _cache[area] = _Entry(index=index, fingerprint=fingerprint)
    return index
