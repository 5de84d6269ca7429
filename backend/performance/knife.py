"""Knife crime by month from the Metropolitan Police crime dashboard table that every area pack carries.

The dashboard is published per borough (not per street or neighbourhood), so the series are the boroughs the area
touches, each whole. A month the table has no row for is shown as "no figure", never as zero: the published table
leaves months out and we cannot tell a zero from a gap.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

KNIFE_FILE = "knife_crime_monthly.csv"
SOURCE = "Metropolitan Police Service monthly crime dashboard (London Datastore), Open Government Licence"

# (key, the dashboard's crime_subtype, the words a reader sees), measure "Offences" for each.
MEASURES: tuple[tuple[str, str, str], ...] = (
    ("knife_crime", "Knife Crime", "Knife crime offences"),
    ("knife_crime_with_injury", "Knife Crime with Injury", "Knife crime with injury"),
    ("knife_injury_victims_1_24", "Knife Injury Victims (1-24)", "Knife injury victims aged 1 to 24"),
)


@dataclass(frozen=True)
class BoroughSeries:
    code: str
    name: str
    counts: tuple[int | None, ...]  # one per month of KnifeTable.months; None: no published figure


@dataclass(frozen=True)
class MeasureSeries:
    key: str
    label: str
    boroughs: tuple[BoroughSeries, ...]


@dataclass(frozen=True)
class KnifeTable:
    months: tuple[str, ...]  # "YYYY-MM", oldest first, every month from the first to the last published
    measures: tuple[MeasureSeries, ...]

    @property
    def last_month(self) -> str | None:
        return self.months[-1] if self.months else None


def _month_range(first: str, last: str) -> tuple[str, ...]:
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year}-{month:02d}" <= last:
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def read_knife_table(pack_dir: Path, *, boroughs: list[tuple[str, str]]) -> KnifeTable:
    """The pack's knife-crime table for the given (code, name) boroughs, every month from first to last."""
    path = pack_dir / KNIFE_FILE
    if not path.is_file():
        return KnifeTable(months=(), measures=())
    wanted = {subtype: key for key, subtype, _ in MEASURES}
    found: dict[tuple[str, str, str], int] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = wanted.get(row["crime_subtype"])
            if key is None or row["measure"] != "Offences" or row["area_type"] != "Borough":
                continue
            found[(key, row["area_code"], row["month"])] = int(float(row["count"]))
    if not found:
        return KnifeTable(months=(), measures=())
    months = _month_range(min(m for _, _, m in found), max(m for _, _, m in found))
    measures = tuple(
        MeasureSeries(
            key=key,
            label=label,
            boroughs=tuple(
                BoroughSeries(code=code, name=name, counts=tuple(found.get((key, code, m)) for m in months))
                for code, name in boroughs
            ),
        )
        for key, _, label in MEASURES
    )
    return KnifeTable(months=months, measures=measures)


def window(table: KnifeTable, *, last_months: int) -> KnifeTable:
    """The newest `last_months` months of the table."""
    keep = max(1, last_months)
    return KnifeTable(
        months=table.months[-keep:],
        measures=tuple(
            MeasureSeries(
                key=m.key,
                label=m.label,
                boroughs=tuple(
                    BoroughSeries(code=b.code, name=b.name, counts=b.counts[-keep:]) for b in m.boroughs
                ),
            )
            for m in table.measures
        ),
    )


def total(counts: tuple[int | None, ...]) -> int | None:
    """The sum over months, or None when any month has no published figure (a partial sum would mislead)."""
    if not counts or any(c is None for c in counts):
        return None
    return sum(c for c in counts if c is not None)
