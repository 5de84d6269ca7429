"""Insights service: gathers finish times, imported counts and GIAS sizes, runs the pure analysis off the event
loop, imports per-sector counts (suppressing small cells) and drafts patrol notices.

Keyword-only functions raising the errors of backend/insights/errors.py; backend/api/admin/insights.py maps them to HTTP.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from backend.alerts import finish_times
from backend.alerts.models import FinishTimes, Notice
from backend.insights.errors import CountsInvalid, InsightsNotReady
from backend.insights.models import PupilCount, PupilCountImport
from backend.params import whole_number
from content.areas import AreaPack
from insights.analysis import Analysis, SchoolDay, analyse
from insights.population import Homes, snap_homes
from insights.suppression import keep_cell

SECONDARY_PHASES = ("Secondary", "All-through")
RETENTION_DAYS = 400  # one school year and a term: docs/DPIA.md
MAX_CELLS = 5_000
SECTOR_RE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]")
YEAR_GROUPS = ("7", "8", "9", "10", "11", "12", "13")
_CACHE_LOCK = threading.Lock()
_ANALYSES: OrderedDict[tuple[Any, ...], Analysis] = OrderedDict()
_HOMES: dict[tuple[int, str], Homes] = {}


def secondary_schools(pack: AreaPack) -> list[Any]:
    return [s for s in pack.schools if s.phase in SECONDARY_PHASES]


def gias_pupil_numbers(pack: AreaPack) -> dict[str, int]:
    if not (pack.path / "school_pupils.csv").is_file():
        return {}
    return {r["urn"]: int(r["pupil_count"]) for r in pack.read_rows("school_pupils.csv") if r["pupil_count"]}


# ---- imported counts ------------------------------------------------------------------------------------


def parse_counts(text: str) -> tuple[list[tuple[str, str, int]], int]:
    """(cells kept, cells suppressed) from CSV `sector,year_group,pupils`; all-or-nothing with row errors."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if header != ["sector", "year_group", "pupils"]:
        raise CountsInvalid("invalid_counts",
            "The file needs exactly three columns, sector, year_group and pupils (one row per postcode sector "
            "and year group). Pupil-level data is never accepted.",
        )  # fmt: skip
    kept: list[tuple[str, str, int]] = []
    suppressed = 0
    errors: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for row_no, row in enumerate(reader, start=2):
        if row_no - 1 > MAX_CELLS:
            raise CountsInvalid("too_many_rows", f"A file may hold at most {MAX_CELLS} rows.")
        sector = re.sub(r"\s+", " ", (row.get("sector") or "").strip().upper())
        year = (row.get("year_group") or "").strip().upper().removeprefix("Y").removeprefix("YEAR").strip()
        raw = (row.get("pupils") or "").strip()
        if not SECTOR_RE.fullmatch(sector):
            errors.append(
                {"row": row_no, "message": "The sector must look like 'SE15 5' (not a full postcode)."}
            )
        elif year not in YEAR_GROUPS:
            errors.append({"row": row_no, "message": "The year group must be one of 7 to 13."})
        elif (pupils := whole_number(raw, max_digits=4)) is None or pupils > 5000:
            errors.append(
                {"row": row_no, "message": "The number of pupils must be a whole number up to 5000."}
            )
        elif (sector, year) in seen:
            errors.append({"row": row_no, "message": "This sector and year group appear twice."})
        else:
            seen.add((sector, year))
            if keep_cell(pupils):
                kept.append((sector, year, pupils))
            else:
                suppressed += 1
        if len(errors) >= 20:
            break
    if errors:
        raise CountsInvalid(
            "invalid_counts",
            f"Nothing was imported: {len(errors)} row(s) need fixing.",
            {"errors": errors},
        )
    if not kept and not suppressed:
        raise CountsInvalid("invalid_counts", "The file has no rows of counts.")
    return kept, suppressed


async def import_counts(
    *, pack: AreaPack, school_urn: str, text: str, source: str, staff_id: int | None, audit: Any
) -> PupilCountImport:
    """Replace the school's counts with this file's (small cells dropped, never stored), with the audit row."""
    kept, suppressed = parse_counts(text)
    async with in_transaction(PupilCountImport._meta.default_connection):
        await PupilCountImport.filter(school_urn=school_urn).delete()
        upload = await PupilCountImport.create(
            school_urn=school_urn, area=pack.slug, source=source, cells_kept=len(kept),
            cells_suppressed=suppressed, imported_by_id=staff_id,
        )  # fmt: skip
        await PupilCount.bulk_create(
            [PupilCount(upload_id=upload.id, sector=s, year_group=y, pupils=n) for s, y, n in kept],
            batch_size=500,
        )
        await audit(upload)
    return upload


async def purge_expired(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=RETENTION_DAYS)
    return int(await PupilCountImport.filter(imported_at__lt=cutoff).delete())


async def imported_counts(area: str) -> dict[str, tuple[dict[str, int], str]]:
    """Per school: pupils per sector (kept cells summed over year groups) and the upload date."""
    await purge_expired()
    out: dict[str, tuple[dict[str, int], str]] = {}
    for upload in await PupilCountImport.filter(area=area).prefetch_related("counts"):
        sectors: dict[str, int] = {}
        for cell in upload.counts:
            sectors[cell.sector] = sectors.get(cell.sector, 0) + cell.pupils
        out[upload.school_urn] = (sectors, upload.imported_at.date().isoformat())
    return out


# ---- the day's analysis -----------------------------------------------------------------------------------


async def school_days(*, pack: AreaPack, day: dt.date) -> tuple[list[SchoolDay], list[str]]:
    """The area's secondaries with their finish times on `day` (from the finish-times domain), and notes."""
    schools = secondary_schools(pack)
    rules = {r.school_urn: r for r in await FinishTimes.filter(school_urn__in=[s.urn for s in schools])}
    counts = await imported_counts(pack.slug)
    gias = gias_pupil_numbers(pack)
    out: list[SchoolDay] = []
    notes: list[str] = []
    for school in schools:
        record = rules.get(school.urn)
        if record is None:
            notes.append(f"{school.name} has no finish times entered, so it is left out.")
            continue
        expanded = finish_times.expand(rules=record.rules, start=day, days=1)[0]
        if not expanded["school_day"]:
            notes.append(f"{school.name} has no school on this day, so it is left out.")
            continue
        finishes = tuple((f["group"], dt.datetime.fromisoformat(f["at"])) for f in expanded["finishes"])
        imported = counts.get(school.urn)
        out.append(
            SchoolDay(
                urn=school.urn,
                name=school.name,
                lat=school.lat,
                lon=school.lon,
                gias_pupils=gias.get(school.urn),
                finishes=finishes,
                sector_counts=imported[0] if imported else None,
                imported_on=imported[1] if imported else None,
            )
        )
    return out, notes


def _homes(router: Any, pack: AreaPack) -> Homes:
    key = (id(router.graph), pack.slug)
    if key not in _HOMES:
        postcodes = pack.postcodes
        nodes, snap_m = router.snap_many(
            [p.lat for p in postcodes.values()], [p.lon for p in postcodes.values()]
        )
        _HOMES[key] = snap_homes(list(zip(postcodes, nodes, snap_m, strict=True)))
    return _HOMES[key]


@dataclass(frozen=True)
class DayAnalysis:
    analysis: Analysis
    notes: list[str]


async def day_analysis(*, router: Any, pack: AreaPack, day: dt.date) -> DayAnalysis:
    """The analysis for `day`, cached while finish times, imports and hotspots stay the same."""
    schools, notes = await school_days(pack=pack, day=day)
    if len(schools) == 0:
        raise InsightsNotReady("no_finish_times",
            "No secondary school in this area has finish times for that day. Enter them under Finish times first.",
        )  # fmt: skip
    inputs = tuple(
        (s.urn, s.finishes, tuple(sorted((s.sector_counts or {}).items())), s.imported_on) for s in schools
    )
    key = (pack.slug, day, id(router), router.hotspot_version, inputs)
    with _CACHE_LOCK:
        cached = _ANALYSES.get(key)
    if cached is None:
        homes = await asyncio.to_thread(_homes, router, pack)
        cached = await asyncio.to_thread(
            analyse, router, area=pack.slug, day=day, schools=schools, homes=homes
        )
        with _CACHE_LOCK:
            _ANALYSES[key] = cached
            while len(_ANALYSES) > 8:
                _ANALYSES.popitem(last=False)
    return DayAnalysis(analysis=cached, notes=notes)


def next_school_day(*, today: dt.date) -> dt.date:
    """The next weekday from today (today itself when it is a weekday); finish times say whether it is a school day."""
    day = today
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def after_school_window(analysis: Analysis) -> tuple[dt.datetime, dt.datetime]:
    """From the first finish time to 90 minutes after the last: when pupils are on their way home."""
    times = [t for s in analysis.schools for _, t in s.finishes]
    return min(times), max(times) + dt.timedelta(minutes=90)


async def draft_patrol_notice(
    *, schools: list[str], areas_by_slug: dict[str, AreaPack], title: str, body: str, staff_id: int | None,
    expires_at: dt.datetime, audit: Any,
) -> Notice:  # fmt: skip
    """A draft patrol notice (status draft, nothing sent) through the notices domain's own validation."""
    from backend.alerts.bodies import NoticeDraft
    from backend.alerts.notices import validate_notice

    now = dt.datetime.now(dt.UTC)
    draft = NoticeDraft(kind="patrol", title=title, body=body, schools=schools, expires_at=expires_at)
    values = validate_notice(draft, areas=areas_by_slug, current=None, now=now)
    async with in_transaction(Notice._meta.default_connection):
        notice = await Notice.create(**values, status="draft", created_by_id=staff_id)
        await audit(notice)
    return notice
