"""Seed havens, help services and key messages from content files, idempotently.

Existing rows are never overwritten (staff may have edited or verified them); only missing rows are added,
and a seeded message that staff have not touched is republished when its file's version goes up.
Libraries and public places are `public_place`, never CitySafe Havens. Nothing seeded is "verified": `verified_at`
stays empty until a staff member verifies the entry in the console; the source's own date is `source_date` and
its own doubts are the public `caveat`.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from content.messages import load_messages
from content.services import load_national_services
from havens.hours import weekly_to_osm
from havens.index_cache import invalidate
from havens.models import Haven, HelpService, KeyMessage, KeyMessageVersion, havens_transaction

log = logging.getLogger("wayhome.havens.seed")

LIBRARIES_SOURCE_DATE = "2022"  # Arts Council England public library data 2022 (year only)
LIBRARIES_SOURCE_NAME = "Arts Council England"
LIBRARIES_CAVEAT = "Opening hours are the staffed hours listed in 2022 and may have changed."
SAFE_PLACES_SOURCE_DATE = "2026-11-25"  # compiled from public web pages on this day (PROVENANCE.md)
SAFE_PLACES_SOURCE_NAME = "public web pages"
# Sentences of the seed's notes written for the people who compiled it, not for the public.
_COMPILER_ONLY = re.compile(r"find_string|third-party code|general knowledge|shipping", re.I)
_AREA_CODE = re.compile(r"\s*\(E\d{8}\)")
_WEEKDAYS = {"Mo": "monday", "Tu": "tuesday", "We": "wednesday", "Th": "thursday", "Fr": "friday",
             "Sa": "saturday", "Su": "sunday"}  # fmt: skip
# Hours of seeded public places, only where the seed's own `hours_or_status` text states them.
SAFE_PLACE_HOURS = {
    "King's College Hospital Emergency Department (A&E)": "24/7",  # "A&E departments open 24h"
    "St Thomas' Hospital Emergency Department (A&E)": "24/7",  # "Open 24 hours a day, 365 days a year"
    "University Hospital Lewisham A&E": "24/7",  # "A&E open 24h"
    # "From 3 March 2026: Mon-Fri 10:00-22:00, Sat-Sun 09:00-19:00"; bank holidays not stated
    "Walworth Police Station": "Mo-Fr 10:00-22:00; Sa,Su 09:00-19:00; PH unknown",
    "Lewisham Police Station": "24/7",  # "one of only two 24/7 Met front counters"
}


def _cell(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _coord(row: Mapping[str, Any], key: str) -> float | None:
    text = _cell(row, key)
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _rows(pack: Any, name: str) -> list[dict[str, Any]]:
    if not (pack.path / name).exists():
        return []
    frame = pack.read_csv(name)
    return [dict(r) for r in frame.to_dict(orient="records")]


def public_caveat(row: Mapping[str, Any]) -> str:
    """The seed's own doubts about a place (no A&E, walk-in status not re-verified, ...) in public words."""
    sentences = []
    for text in (_cell(row, "hours_or_status"), _cell(row, "caveat")):
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if sentence and not _COMPILER_ONLY.search(sentence):
                sentences.append(_AREA_CODE.sub("", sentence).strip())
    if re.search(r"before shipping", _cell(row, "caveat"), re.I):
        sentences.append("Check the opening hours before relying on them.")
    return " ".join(s if s.endswith((".", ";")) else s + "." for s in sentences if s)[:2000]


def library_havens(pack: Any) -> list[dict[str, Any]]:
    """Haven fields for the pack's libraries (staffed hours -> opening_hours; PH unknown)."""
    out = []
    for row in _rows(pack, "libraries.csv"):
        lat, lon = _coord(row, "lat"), _coord(row, "lon")
        name = _cell(row, "name")
        if lat is None or lon is None or not name:
            continue
        hours = weekly_to_osm({code: _cell(row, col) for code, col in _WEEKDAYS.items()})
        out.append(
            {
                "seed_key": f"{pack.slug}:library:{name}"[:200],
                "area": pack.slug,
                "name": name,
                "kind": "public_place",
                "address": _cell(row, "address")[:300],
                "postcode": _cell(row, "postcode")[:10],
                "lat": lat,
                "lon": lon,
                "opening_hours": hours,
                "status": "active",
                "verified_at": None,
                "source_date": LIBRARIES_SOURCE_DATE,
                "source_name": LIBRARIES_SOURCE_NAME,
                "caveat": LIBRARIES_CAVEAT,
                "website": _cell(row, "url")[:500] if _cell(row, "url").startswith("http") else "",
                "source": "Arts Council England public library data 2022, compiled by LibrariesHacked (MIT)",
                "notes": "Public library (not a CitySafe Haven). Staffed hours from 2022 data: check before relying.",
                "needs_verification": True,
            }
        )
    return out


def safe_place_havens(pack: Any) -> list[dict[str, Any]]:
    """Haven fields for the pack's compiled public places; every row is flagged for re-verification."""
    out = []
    for row in _rows(pack, "safe_places.csv"):
        lat, lon = _coord(row, "lat"), _coord(row, "lon")
        name = _cell(row, "name")
        if lat is None or lon is None or not name:
            continue
        notes = "; ".join(t for t in (_cell(row, "hours_or_status"), _cell(row, "caveat")) if t)
        out.append(
            {
                "seed_key": f"{pack.slug}:safe_place:{name}"[:200],
                "area": pack.slug,
                "name": name,
                "kind": "public_place",
                "address": _cell(row, "address")[:300],
                "postcode": _cell(row, "postcode")[:10],
                "lat": lat,
                "lon": lon,
                "opening_hours": SAFE_PLACE_HOURS.get(name),
                "status": "active",
                "verified_at": None,
                "source_date": SAFE_PLACES_SOURCE_DATE,
                "source_name": SAFE_PLACES_SOURCE_NAME,
                "caveat": public_caveat(row),
                "source": _cell(row, "source"),
                "notes": f"{_cell(row, 'category')}: {notes}"[:2000],
                "needs_verification": True,
            }
        )
    return out


async def _seed_havens(packs: Iterable[Any]) -> int:
    created = 0
    for pack in packs:
        rows = [*library_havens(pack), *safe_place_havens(pack)]
        if not rows:
            continue
        keys = [r["seed_key"] for r in rows]
        existing = set(await Haven.filter(seed_key__in=keys).values_list("seed_key", flat=True))
        undated = set(
            await Haven.filter(seed_key__in=keys, source_date="").values_list("seed_key", flat=True)
        )
        for r in rows:  # rows seeded before sources carried their own date and caveat
            if r["seed_key"] in undated:
                await Haven.filter(seed_key=r["seed_key"]).update(
                    source_date=r["source_date"], source_name=r["source_name"], caveat=r["caveat"]
                )
        new = [Haven(**r) for r in rows if r["seed_key"] not in existing]
        if new:
            await Haven.bulk_create(new)
            created += len(new)
            invalidate(pack.slug)
    return created


async def _seed_services() -> int:
    created = 0
    for seed in load_national_services():
        key = f"national:{seed.slug}"
        if await HelpService.exists(seed_key=key):
            continue
        await HelpService.create(
            seed_key=key,
            name=seed.name,
            description=seed.description or seed.evidence,
            needs=list(seed.needs),
            channels=[{"kind": c.kind, "value": c.value, "hours": c.hours} for c in seed.channels],
            age_min=seed.age_min,
            age_max=seed.age_max,
            area="national",
            website=seed.website,
            verified_at=None,
            source=seed.source,
            evidence=seed.evidence,
            source_date=seed.checked_on.isoformat() if seed.checked_on else "",
            status=seed.status,
        )
        created += 1
    return created


def _review_fields(seed: Any) -> dict[str, Any]:
    return {
        "owner": seed.owner,
        "sources": list(seed.sources),
        "reviewed_by": seed.reviewed_by,
        "reviewed_on": seed.reviewed_on,
        "review_by": seed.review_by,
    }


async def _seed_messages() -> int:
    changed = 0
    now = datetime.now(UTC)
    for seed in load_messages():
        msg = await KeyMessage.get_or_none(tier=seed.tier, topic=seed.topic)
        if msg is not None and not (msg.seeded and msg.status == "published" and seed.version > msg.version):
            continue
        async with havens_transaction():
            if msg is None:
                msg = await KeyMessage.create(
                    tier=seed.tier,
                    topic=seed.topic,
                    title=seed.title,
                    body_markdown=seed.body_markdown,
                    status="published",
                    version=seed.version,
                    seeded=True,
                    **_review_fields(seed),
                )
            else:
                msg.title, msg.body_markdown, msg.version = seed.title, seed.body_markdown, seed.version
                for key, value in _review_fields(seed).items():
                    setattr(msg, key, value)
                await msg.save()
            await KeyMessageVersion.create(
                message=msg, version=seed.version, title=seed.title, body_markdown=seed.body_markdown,
                published_at=now,
            )  # fmt: skip
        changed += 1
    return changed


async def _correct_seeded_verification() -> int:
    """Earlier versions stamped seeded rows with the source's date as `verified_at`; nobody verified them."""
    fixed = await Haven.filter(
        seed_key__not_isnull=True, verified_by__isnull=True, verified_at__not_isnull=True
    ).update(verified_at=None)
    fixed += await HelpService.filter(
        seed_key__not_isnull=True, verified_by__isnull=True, verified_at__not_isnull=True
    ).update(verified_at=None)
    return int(fixed)


async def seed_from_content(*, areas: Mapping[str, Any] | Iterable[Any]) -> dict[str, int]:
    """Add missing seed rows for the given area packs (dict slug -> AreaPack, or packs); returns counts."""
    packs = list(areas.values()) if isinstance(areas, Mapping) else list(areas)
    counts = {
        "unverified": await _correct_seeded_verification(),
        "havens": await _seed_havens(packs),
        "services": await _seed_services(),
        "messages": await _seed_messages(),
    }
    log.info("seeded havens content", extra={"counts": counts})
    return counts
