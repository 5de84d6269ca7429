"""Officer hotspot services: validation, writes (with a per-area revision bump), and feeding route engines.

Every web worker keeps its routers in step with the database: a write refreshes this worker's router at once,
and other workers notice the revision change on their next route request (checked at most once a second).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tortoise.transactions import in_transaction

from backend.hotspots.errors import HotspotInvalid
from backend.hotspots.models import Hotspot, HotspotRevision
from routing import risk

MAX_POLYGON_KM2 = 5.0
EDITABLE = ("lat", "lon", "radius_m", "polygon", "weight", "windows", "expires_at", "notes")


def _bad(field_name: str, message: str) -> HotspotInvalid:
    return HotspotInvalid("invalid_hotspot", message, {"field": field_name})


def _windows(value: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each window once per day, days in order (the body checked their shape and filled in the days,
    `bodies.Window`)."""
    return [{"days": sorted(set(w["days"])), "start": w["start"], "end": w["end"]} for w in value]


def _polygon(value: Any) -> dict[str, Any]:
    from shapely.geometry import shape

    if (
        not isinstance(value, dict)
        or value.get("type") != "Polygon"
        or not isinstance(value.get("coordinates"), list)
    ):
        raise _bad("polygon", "The drawn area could not be read: draw it again.")
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed rings
        raise _bad("polygon", "The drawn area could not be read: draw it again.") from exc
    if geom.is_empty or not geom.is_valid:
        raise _bad("polygon", "The drawn area crosses itself: draw it again without crossing lines.")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise _bad("polygon", "The drawn area is off the map: draw it again.")
    if projected(value).area > MAX_POLYGON_KM2 * 1e6:
        raise _bad("polygon", f"The drawn area covers more than {MAX_POLYGON_KM2:g} km²: draw a smaller one.")
    return {
        "type": "Polygon",
        "coordinates": [[[float(x), float(y)] for x, y in ring] for ring in value["coordinates"]],
    }


def validate(values: Mapping[str, Any], *, existing: Hotspot | None = None) -> dict[str, Any]:
    """The values to store from the fields sent (all on create, the changed ones on update), already of the
    right shape (`bodies.HotspotDraft`, `HotspotChanges`): one shape, a readable drawn area, an end to come."""
    out = {k: v for k, v in values.items() if k in EDITABLE}
    if out.get("polygon") is not None:
        out["polygon"] = _polygon(out["polygon"])
    if "windows" in out:
        out["windows"] = _windows(out["windows"])
    if out.get("expires_at") is not None:
        if out["expires_at"] <= dt.datetime.now(dt.UTC):
            raise _bad("expires_at", "The end must be in the future.")
        out["expires_at"] = out["expires_at"].astimezone(dt.UTC)
    merged = {k: getattr(existing, k) for k in EDITABLE} if existing else {}
    merged.update(out)
    circle = all(merged.get(k) is not None for k in ("lat", "lon", "radius_m"))
    if circle == (merged.get("polygon") is not None):
        raise _bad("shape", "Place the hotspot: search for a street or postcode, or tap the map.")
    if not circle:
        out.update({"lat": None, "lon": None, "radius_m": None})
    elif "lat" in out or "lon" in out or "radius_m" in out:
        out["polygon"] = None
    return out


def centre(fields_: dict[str, Any]) -> tuple[float, float]:
    """(lat, lon) of a hotspot's shape, to check it lies in its area."""
    if fields_.get("polygon"):
        from shapely.geometry import shape

        c = shape(fields_["polygon"]).representative_point()
        return float(c.y), float(c.x)
    return float(fields_["lat"]), float(fields_["lon"])


def projected(polygon: dict[str, Any]) -> Any:
    import shapely
    from pyproj import Transformer
    from shapely.geometry import shape

    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    return shapely.transform(shape(polygon), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _parse_time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def to_routing(h: Hotspot) -> risk.Hotspot:
    """The routing package's plain view of a stored hotspot."""
    windows = tuple(
        risk.TimeWindow(days=tuple(w["days"]), start=_parse_time(w["start"]), end=_parse_time(w["end"]))
        for w in (h.windows or [])
    )
    stamp = h.updated_at.isoformat() if h.updated_at else ""
    return risk.Hotspot(
        id=h.id,
        weight=h.weight,
        lat=h.lat,
        lon=h.lon,
        radius_m=h.radius_m,
        polygon_xy=projected(h.polygon) if h.polygon else None,
        windows=windows,
        expires_at=h.expires_at,
        version=f"{stamp}|{h.weight}|{h.lat}|{h.lon}|{h.radius_m}|{h.polygon}|{h.windows}",
    )


def as_json(h: Hotspot) -> dict[str, Any]:
    return {
        "id": h.id,
        "area": h.area,
        "lat": h.lat,
        "lon": h.lon,
        "radius_m": h.radius_m,
        "polygon": h.polygon,
        "weight": h.weight,
        "windows": h.windows or [],
        "expires_at": h.expires_at.isoformat() if h.expires_at else None,
        "created_by": h.created_by,
        "notes": h.notes,
        "created_at": h.created_at.isoformat() if h.created_at else None,
        "updated_at": h.updated_at.isoformat() if h.updated_at else None,
    }


# ---- writes --------------------------------------------------------------------------------------------


async def _bump(area: str, connection: Any) -> None:
    row = await HotspotRevision.get_or_none(area=area, using_db=connection)
    if row is None:
        await HotspotRevision.create(area=area, revision=1, using_db=connection)
    else:
        row.revision += 1
        await row.save(using_db=connection)


# Written inside the change's transaction (record_audit uses the default connection, which Tortoise routes to
# the open transaction), so a hotspot change and its audit event commit or roll back together.
Audit = Callable[[Hotspot], Awaitable[Any]] | None


async def create_hotspot(
    *, area: str, values: dict[str, Any], created_by: int | None, audit: Audit = None
) -> Hotspot:
    async with in_transaction() as conn:
        h = await Hotspot.create(area=area, created_by=created_by, using_db=conn, **values)
        await _bump(area, conn)
        if audit is not None:
            await audit(h)
    return h


async def update_hotspot(*, hotspot: Hotspot, values: dict[str, Any], audit: Audit = None) -> Hotspot:
    async with in_transaction() as conn:
        for key, value in values.items():
            setattr(hotspot, key, value)
        await hotspot.save(using_db=conn)
        await _bump(hotspot.area, conn)
        if audit is not None:
            await audit(hotspot)
    return hotspot


async def delete_hotspot(*, hotspot: Hotspot, audit: Audit = None) -> None:
    async with in_transaction() as conn:
        if audit is not None:
            await audit(hotspot)
        await hotspot.delete(using_db=conn)
        await _bump(hotspot.area, conn)


async def list_hotspots(*, areas: set[str] | None) -> list[Hotspot]:
    query = Hotspot.all().order_by("id")
    if areas is not None:
        query = query.filter(area__in=sorted(areas))
    return list(await query)


# ---- feeding route engines -----------------------------------------------------------------------------


@dataclass
class HotspotSync:
    """Which hotspot revision each router carries, and when the database was last asked."""

    min_interval_s: float = 1.0
    revisions: dict[str, int] = field(default_factory=dict)
    checked_at: dict[str, float] = field(default_factory=dict)


async def revision(area: str) -> int:
    row = await HotspotRevision.get_or_none(area=area)
    return row.revision if row else 0


async def refresh_router(router: Any, *, area: str, sync: HotspotSync) -> None:
    """Load the area's live hotspots into its router (the router swaps its weights atomically)."""
    rev = await revision(area)
    now = dt.datetime.now(dt.UTC)
    rows = await Hotspot.filter(area=area).order_by("id")
    live = [to_routing(h) for h in rows if h.expires_at is None or h.expires_at > now]
    router.set_hotspots(live)
    sync.revisions[area] = rev
    sync.checked_at[area] = time.monotonic()


async def sync_if_stale(router: Any, *, area: str, sync: HotspotSync) -> None:
    """At most once per interval, compare the area's revision with the database and reload on change."""
    now = time.monotonic()
    if now - sync.checked_at.get(area, -1e9) < sync.min_interval_s:
        return
    sync.checked_at[area] = now
    if await revision(area) != sync.revisions.get(area, 0):
        await refresh_router(router, area=area, sync=sync)
