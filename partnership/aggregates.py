"""Health and transport aggregates: ISTV emergency-department assaults, ambulance assault calls, TfL/BTP offences.

Only aggregates are kept. An ISTV file (one row per assault attendance, as emergency departments share it under
the ISTV minimum dataset) is counted into cells on arrival and its rows are never stored. Small-number
suppression: a cell under `SUPPRESS_BELOW` is never shown or exported (it reads "fewer than 5"); it still counts
in the risk surface, and only when the partnership's data-sharing setting allows the layer at all.

File layouts (UTF-8 CSV, header row):
- ISTV: `date_of_assault,time_band,location,weapon` (date YYYY-MM-DD; time band like 15:00-17:59; location a
  postcode or a place name; weapon category as the department records it, e.g. knife, blunt object, none).
- Counts by LSOA (ambulance, transport): `month,lsoa_code,count` and optionally `category`.
- Transport by station: `month,station,count` and optionally `category` (shown in the review, not on streets).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from partnership.models import AggregateCell, DataImport
from partnership.service import AlreadyImported, Audit, ImportRejected

SUPPRESS_BELOW = 5
SOURCES = ("istv", "ambulance", "transport")
LAYER_OF_SOURCE = {"istv": "istv_lsoa", "ambulance": "ambulance_lsoa", "transport": "transport_lsoa"}
ISTV_COLUMNS = ("date_of_assault", "time_band", "location", "weapon")
LSOA_RE = re.compile(r"E0[0-9]{7}")
MONTH_RE = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")
BAND_RE = re.compile(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d")
MAX_ERRORS = 200
CellKey = tuple[str, str, str, str]  # period, place_kind, place_code, category


@dataclass(frozen=True)
class Cell:
    period: str
    place_kind: str
    place_code: str
    category: str
    count: int


def shown(count: int) -> int | None:
    """The count a person may see: None (shown as "fewer than 5") under the suppression threshold."""
    return count if count >= SUPPRESS_BELOW else None


def _err(row: int, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _rows(text: str, required: Sequence[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if not text.strip():
        raise ImportRejected([_err(1, "file", "The file is empty: it needs a header row and data rows.")])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRejected([_err(1, "header", f"The header row is missing: {', '.join(missing)}.")])
    rows = [
        (n, {k.strip(): (v or "").strip() for k, v in r.items() if k is not None})
        for n, r in enumerate(reader, start=2)
        if any((v or "").strip() for v in r.values() if isinstance(v, str))
    ]
    if not rows:
        raise ImportRejected([_err(1, "file", "The file has a header but no data rows.")])
    return header, rows


def parse_istv(text: str, *, lsoa_of: Callable[[str], str | None]) -> list[Cell]:
    """Count ISTV attendances into cells: (month, LSOA or place, weapon) and (month, area, time band)."""
    _, rows = _rows(text, ISTV_COLUMNS)
    errors: list[dict[str, Any]] = []
    counts: Counter[CellKey] = Counter()
    for n, r in rows:
        before = len(errors)
        try:
            day = dt.date.fromisoformat(r["date_of_assault"])
        except ValueError:
            errors.append(
                _err(n, "date_of_assault", "date_of_assault must be a date written like 2025-03-14.")
            )
            day = None
        band = r["time_band"]
        if not BAND_RE.fullmatch(band):
            errors.append(_err(n, "time_band", "time_band must be a range of times like 15:00-17:59."))
        place = r["location"][:80]
        if not place:
            errors.append(_err(n, "location", "location must be a postcode or a place name."))
        weapon = r["weapon"][:60].lower()
        if not weapon:
            errors.append(_err(n, "weapon", "weapon must name the category recorded (for example: none)."))
        if len(errors) == before and day is not None:
            month = day.strftime("%Y-%m")
            lsoa = lsoa_of(place)
            where = ("lsoa", lsoa) if lsoa else ("place", place.upper())
            counts[(month, where[0], where[1], weapon)] += 1
            counts[(month, "area", "", f"time {band}")] += 1
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRejected(errors)
    return [Cell(p, k, c, cat, n) for (p, k, c, cat), n in sorted(counts.items())]


def parse_counts(text: str) -> list[Cell]:
    """An aggregate counts file: by LSOA (`lsoa_code`) or by station (`station`)."""
    header, rows = _rows(text, ("month", "count"))
    by = "lsoa_code" if "lsoa_code" in header else "station" if "station" in header else ""
    if not by:
        raise ImportRejected([_err(1, "header", "The header row needs an lsoa_code or a station column.")])
    errors: list[dict[str, Any]] = []
    counts: Counter[CellKey] = Counter()
    for n, r in rows:
        before = len(errors)
        if not MONTH_RE.fullmatch(r["month"]):
            errors.append(_err(n, "month", "month must be written like 2025-03."))
        place = r[by][:80]
        if by == "lsoa_code" and not LSOA_RE.fullmatch(place):
            errors.append(_err(n, "lsoa_code", "lsoa_code must be an LSOA code like E01003014."))
        if by == "station" and not place:
            errors.append(_err(n, "station", "station must name the station."))
        value = r["count"]
        if not (value.isascii() and value.isdigit()) or int(value) > 1_000_000:
            errors.append(_err(n, "count", "count must be a whole number of 0 or more."))
        if len(errors) == before:
            kind = "lsoa" if by == "lsoa_code" else "station"
            counts[(r["month"], kind, place, r.get("category", "")[:60].lower())] += int(value)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRejected(errors)
    return [Cell(p, k, c, cat, n) for (p, k, c, cat), n in sorted(counts.items())]


def file_digest(text: str) -> str:
    """The sha256 of a file's text, by which a second import of the same file is recognised."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def parse_source(source: str, text: str, *, lsoa_of: Callable[[str], str | None]) -> list[Cell]:
    """One aggregate file of `source` as cells (the reader of every import and of `wayhome eval risk`)."""
    if source not in SOURCES:
        raise ImportRejected([_err(1, "source", "The source must be istv, ambulance or transport.")])
    return parse_istv(text, lsoa_of=lsoa_of) if source == "istv" else parse_counts(text)


async def import_aggregate_file(
    *,
    area: str,
    source: str,
    filename: str,
    text: str,
    imported_by: int | None,
    lsoa_of: Callable[[str], str | None],
    area_lsoas: Collection[str],
    audit: Audit = None,
) -> dict[str, Any]:
    """Store one aggregate file's cells (all or nothing). LSOAs outside the area are counted and skipped."""
    cells = parse_source(source, text, lsoa_of=lsoa_of)
    digest = file_digest(text)
    earlier = await DataImport.get_or_none(area=area, source=source, sha256=digest)
    if earlier is not None:
        raise AlreadyImported(earlier.imported_at.date().isoformat() if earlier.imported_at else "")
    inside = [c for c in cells if c.place_kind != "lsoa" or c.place_code in area_lsoas]
    outside = sum(c.count for c in cells if c not in inside)
    months = sorted({c.period for c in cells})
    async with in_transaction() as conn:
        record = await DataImport.create(
            area=area,
            source=source,
            filename=filename[:200],
            sha256=digest,
            months=months,
            rows_total=sum(c.count for c in cells if c.place_kind != "area"),
            rows_added=len(inside),
            outside_area=outside,
            imported_by=imported_by,
            using_db=conn,
        )
        await AggregateCell.bulk_create(
            [
                AggregateCell(
                    area=area,
                    source=source,
                    period=c.period,
                    place_kind=c.place_kind,
                    place_code=c.place_code,
                    category=c.category,
                    count=c.count,
                    data_import_id=record.id,
                )
                for c in inside
            ],
            batch_size=500,
            using_db=conn,
        )
        result = {
            "import_id": record.id,
            "area": area,
            "source": source,
            "file": filename[:200],
            "months": months,
            "cells": len(inside),
            "suppressed_cells": sum(1 for c in inside if shown(c.count) is None),
            "outside_area": outside,
        }
        if audit is not None:
            await audit(result)
    return result


async def lsoa_cells(*, area: str, source: str) -> list[Cell]:
    """Every LSOA cell of a source (including small ones: for the surface only, never for display)."""
    rows = await AggregateCell.filter(area=area, source=source, place_kind="lsoa").values_list(
        "period", "place_kind", "place_code", "category", "count"
    )
    return [Cell(str(p), str(k), str(c), str(cat), int(n)) for p, k, c, cat, n in rows]


async def summary(
    *, area: str, source: str, months: Sequence[str], previous_months: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Cells of some months for display, with the previous quarter's count and the change; every count under 5
    is suppressed, and a change is given only when both counts are shown (so it cannot reveal a small one)."""
    rows = await AggregateCell.filter(area=area, source=source, period__in=[*months, *previous_months])
    totals: Counter[tuple[str, str, str]] = Counter()
    before: Counter[tuple[str, str, str]] = Counter()
    wanted = set(months)
    for r in rows:
        (totals if r.period in wanted else before)[(r.place_kind, r.place_code, r.category)] += r.count
    out = []
    for key, n in totals.most_common():
        kind, code, category = key
        value, previous = shown(n), shown(before.get(key, 0))
        out.append(
            {
                "place_kind": kind,
                "place": code,
                "category": category,
                "count": value,
                "suppressed": value is None,
                "previous": previous,
                "change": value - previous if value is not None and previous is not None else None,
            }
        )
    return out
