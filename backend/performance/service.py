"""Build the performance dashboard of one area: what the plan measures, each figure with its source and date.

Knife crime comes from the pack (borough level, published monthly); Havens and notices come from our own database.
Delivery counts are of devices, so months with fewer than 10 are shown as "fewer than 10", never as a number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from backend.performance.knife import SOURCE, KnifeTable, read_knife_table, total, window
from content.areas import AreaPack

DEVICES_SUPPRESS_BELOW = 10
DELIVERED = ("done",)
NOT_DELIVERED = ("failed", "gave_up", "expired")


def quarter_of(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def quarter_months(quarter: str) -> tuple[str, str, str]:
    year, q = int(quarter[:4]), int(quarter[-1])
    first = 3 * q - 2
    return (f"{year}-{first:02d}", f"{year}-{first + 1:02d}", f"{year}-{first + 2:02d}")


def shift_quarter(quarter: str, by: int) -> str:
    index = int(quarter[:4]) * 4 + int(quarter[-1]) - 1 + by
    return f"{index // 4}-Q{index % 4 + 1}"


def latest_full_quarter(last_month: str) -> str:
    """The newest quarter whose three months are all published by `last_month`."""
    quarter = quarter_of(last_month)
    return quarter if quarter_months(quarter)[-1] <= last_month else shift_quarter(quarter, -1)


def recent_months(today: dt.date, count: int) -> list[str]:
    """The `count` calendar months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def devices(value: int) -> int | None:
    """A count of devices as shown: None ("fewer than 10") for 1-9; zero is shown as zero."""
    return None if 0 < value < DEVICES_SUPPRESS_BELOW else value


def _boroughs(area: AreaPack) -> list[tuple[str, str]]:
    return [(str(b["code"]), str(b["name"])) for b in area.manifest.get("boroughs", [])]


def _knife_json(table: KnifeTable) -> dict[str, Any]:
    return {
        "source": SOURCE,
        "level": "borough",
        "data_as_of": table.last_month,
        "months": list(table.months),
        "measures": [
            {
                "key": m.key,
                "label": m.label,
                "boroughs": [{"code": b.code, "name": b.name, "counts": list(b.counts)} for b in m.boroughs],
            }
            for m in table.measures
        ],
    }


@dataclass(frozen=True)
class QuarterRow:
    measure: str
    label: str
    borough: str
    count: int | None
    previous: int | None
    year_before: int | None


def quarter_rows(table: KnifeTable, quarter: str) -> list[QuarterRow]:
    """Each measure and borough: the quarter's total, the quarter before, and the same quarter a year before."""
    index = {m: i for i, m in enumerate(table.months)}

    def months_total(counts: tuple[int | None, ...], q: str) -> int | None:
        picked = [index.get(m) for m in quarter_months(q)]
        if any(i is None for i in picked):
            return None
        return total(tuple(counts[i] for i in picked if i is not None))

    return [
        QuarterRow(
            measure=m.key,
            label=m.label,
            borough=b.name,
            count=months_total(b.counts, quarter),
            previous=months_total(b.counts, shift_quarter(quarter, -1)),
            year_before=months_total(b.counts, shift_quarter(quarter, -4)),
        )
        for m in table.measures
        for b in m.boroughs
    ]


async def havens_summary(*, area: str) -> dict[str, int]:
    from havens.models import Haven

    listed = Haven.filter(area=area, status="active")
    return {
        "listed": await listed.count(),
        "verified": await listed.filter(verified_at__isnull=False).count(),
        "citysafe": await listed.filter(kind="citysafe_haven").count(),
        "citysafe_verified": await listed.filter(kind="citysafe_haven", verified_at__isnull=False).count(),
    }


async def notices_by_month(*, area: AreaPack, months: list[str]) -> list[dict[str, Any]]:
    """Notices sent to the area or its schools in each month, and how many devices they reached."""
    from backend.alerts.models import Delivery, Notice

    first = dt.datetime.fromisoformat(f"{months[0]}-01T00:00:00+00:00")
    urns = {s.urn for s in area.schools}
    recent = await Notice.filter(sent_at__gte=first).only("id", "sent_at", "areas", "schools")
    ours = [n for n in recent if area.slug in (n.areas or []) or urns.intersection(map(str, n.schools or []))]
    month_of = {n.id: n.sent_at.strftime("%Y-%m") for n in ours if n.sent_at is not None}
    sent = Counter(month_of.values())
    delivered: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    if month_of:
        for notice_id, status in await Delivery.filter(notice_id__in=list(month_of)).values_list(
            "notice_id", "status"
        ):
            month = month_of[int(notice_id)]
            if status in DELIVERED:
                delivered[month] += 1
            elif status in NOT_DELIVERED:
                missed[month] += 1
    return [
        {"month": m, "sent": sent[m], "delivered": devices(delivered[m]), "not_delivered": devices(missed[m])}
        for m in months
    ]


async def _survey_trends(
    *, area: str, months: list[str], today: dt.date, content_dir: Any
) -> list[dict[str, Any]]:
    from pathlib import Path

    from backend.surveys.catalogue import current_surveys
    from backend.surveys.trends import feeling_safe

    if content_dir is None:
        return []
    return await feeling_safe(
        area=area, months=months, surveys=await current_surveys(Path(content_dir)), today=today
    )


async def build_dashboard(
    *, area: AreaPack, last_months: int, quarter: str | None, today: dt.date, content_dir: Any = None
) -> dict[str, Any]:
    """Everything the dashboard and its printable summary show for one area."""
    table = await asyncio.to_thread(read_knife_table, area.path, boroughs=_boroughs(area))
    shown = window(table, last_months=last_months)
    chosen = quarter or (latest_full_quarter(table.last_month) if table.last_month else None)
    rows = quarter_rows(table, chosen) if chosen else []
    activity_months = recent_months(today, min(last_months, 24))
    return {
        "area": area.slug,
        "area_name": area.name,
        "knife": _knife_json(shown),
        "quarter": {
            "quarter": chosen,
            "previous": shift_quarter(chosen, -1) if chosen else None,
            "year_before": shift_quarter(chosen, -4) if chosen else None,
            "months": list(quarter_months(chosen)) if chosen else [],
            "rows": [r.__dict__ for r in rows],
            "notices": await notices_by_month(area=area, months=list(quarter_months(chosen)))
            if chosen
            else [],
        },
        "havens": await havens_summary(area=area.slug),
        "surveys": await _survey_trends(
            area=area.slug, months=activity_months, today=today, content_dir=content_dir
        ),
        "notices": await notices_by_month(area=area, months=activity_months),
        "caveat": "Knife crime figures are recorded offences for whole boroughs, published monthly by the "
        "Metropolitan Police; they are not a measure of how safe a street is. A month with no published figure "
        "is shown as a gap, not as zero. Deliveries count devices; months with fewer than 10 are not shown. Survey shares "
        "are what young people told us, shown for a month only when at least 10 said they feel safe and 10 did not.",
    }
