"""Partnership imports: police.uk crime files (all or nothing per file) and reading them back for the surface.

Keyword-only functions raising domain errors; the HTTP and CLI adapters map them to messages. The area's
boundary is passed in (a shapely geometry in WGS84) so this package needs no content or web imports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from partnership.models import CrimeMonth, DataImport, StreetCrime
from partnership.policeuk import CrimeRow, ParseFailed, months_of, parse_file

__all__ = ["AlreadyImported", "CrimePoint", "ImportRejected", "crime_points", "import_crime_file"]


class ImportRejected(Exception):
    """Nothing was stored; `errors` are per-row {row, field, message}."""

    def __init__(self, errors: Sequence[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = list(errors)


class AlreadyImported(Exception):
    """The same file (byte for byte) was imported before for this area; nothing changed."""

    def __init__(self, imported_at: str) -> None:
        super().__init__(imported_at)
        self.imported_at = imported_at


# Called inside the import's transaction with the summary, so the audit row commits or rolls back with it.
Audit = Callable[[dict[str, Any]], Awaitable[Any]] | None


@dataclass(frozen=True)
class CrimePoint:
    month: str
    category: str
    lat: float
    lon: float


def _inside(boundary: Any, rows: Sequence[CrimeRow]) -> list[bool]:
    import shapely

    if boundary is None:
        return [True] * len(rows)
    shapely.prepare(boundary)
    return [bool(v) for v in shapely.contains_xy(boundary, [r.lon for r in rows], [r.lat for r in rows])]


async def import_crime_file(
    *, area: str, boundary: Any, filename: str, text: str, imported_by: int | None, audit: Audit = None
) -> dict[str, Any]:
    """Store one police.uk CSV or API JSON file; returns counts. Raises ImportRejected or AlreadyImported."""
    try:
        source, rows = parse_file(filename, text)
    except ParseFailed as exc:
        raise ImportRejected(exc.errors) from None
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    earlier = await DataImport.get_or_none(area=area, source=source, sha256=digest)
    if earlier is not None:
        raise AlreadyImported(earlier.imported_at.date().isoformat() if earlier.imported_at else "")
    inside = _inside(boundary, rows)
    outside = [r.row for r, ok in zip(rows, inside, strict=True) if not ok]
    keep = [r for r, ok in zip(rows, inside, strict=True) if ok]
    seen: set[str] = set()
    fresh: list[CrimeRow] = []
    duplicates = 0
    wanted = [r.crime_id for r in keep if r.crime_id]
    existing: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        existing.update(
            await StreetCrime.filter(area=area, crime_key__in=chunk).values_list("crime_key", flat=True)  # type: ignore[arg-type]
        )
    for r in keep:
        if r.crime_id and (r.crime_id in seen or r.crime_id in existing):
            duplicates += 1
            continue
        if r.crime_id:
            seen.add(r.crime_id)
        fresh.append(r)
    per_month = Counter(r.month for r in fresh)
    async with in_transaction() as conn:
        record = await DataImport.create(
            area=area,
            source=source,
            filename=filename[:200],
            sha256=digest,
            months=months_of(rows),
            rows_total=len(rows),
            rows_added=len(fresh),
            duplicates=duplicates,
            outside_area=len(outside),
            imported_by=imported_by,
            using_db=conn,
        )
        await StreetCrime.bulk_create(
            [
                StreetCrime(
                    area=area,
                    crime_key=r.crime_id or None,
                    month=r.month,
                    category=r.category,
                    lat=r.lat,
                    lon=r.lon,
                    location=r.location,
                    lsoa_code=r.lsoa_code,
                    data_import_id=record.id,
                )
                for r in fresh
            ],
            batch_size=500,
            using_db=conn,
        )
        for month, n in sorted(per_month.items()):
            await CrimeMonth.create(
                area=area, month=month, source=source, data_import_id=record.id, rows_added=n, using_db=conn
            )
        result = {
            "import_id": record.id,
            "area": area,
            "format": source,
            "file": filename[:200],
            "months": months_of(rows),
            "rows": len(rows),
            "added": len(fresh),
            "duplicates": duplicates,
            "outside_area": len(outside),
            "outside_area_rows": outside[:50],
        }
        if audit is not None:
            await audit(result)
    return result


async def crime_points(*, area: str, categories: Sequence[str] | None = None) -> list[CrimePoint]:
    """Every imported point of an area (optionally only some categories), for building the surface."""
    query = StreetCrime.filter(area=area)
    if categories is not None:
        query = query.filter(category__in=list(categories))
    rows = await query.values_list("month", "category", "lat", "lon")
    return [CrimePoint(month=str(m), category=str(c), lat=float(la), lon=float(lo)) for m, c, la, lo in rows]


async def crime_months(*, area: str) -> list[dict[str, Any]]:
    """Per-month provenance: months held, points added and from which file."""
    out: list[dict[str, Any]] = []
    imports = {i.id: i for i in await DataImport.filter(area=area)}
    for m in await CrimeMonth.filter(area=area).order_by("month", "id"):
        imp = imports.get(m.data_import_id)
        out.append(
            {
                "month": m.month,
                "source": m.source,
                "points": m.rows_added,
                "file": imp.filename if imp else "",
                "imported_at": imp.imported_at.isoformat() if imp and imp.imported_at else None,
            }
        )
    return out
