"""The quarterly partnership review of an area: hotspot places by source, change on the previous quarter, officer
hotspots still active, and each source's dates and freshness (stale sources flagged).

Every count shown comes from an aggregate; aggregate cells under 5 are shown as "fewer than 5" (never a number).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

from partnership.aggregates import SUPPRESS_BELOW
from routing.risk import DEFAULT_LSOA_MINOR_WEIGHTS, PLAN_POINT_CATEGORIES
from routing.surface import LAYER_LABELS, month_age

QUARTER_RE = re.compile(r"(20[0-9]{2})-Q([1-4])")
TOP_N = 10
# Monthly sources (MPS, police.uk, aggregates) are published about two months after the month; three months
# without a newer month means a refresh was missed. police.uk points use the surface's configured maximum age.
MONTHLY_SOURCE_MAX_AGE_MONTHS = 3


def quarter_months(quarter: str) -> list[str]:
    m = QUARTER_RE.fullmatch(quarter)
    if m is None:
        raise ValueError(quarter)
    year, q = int(m.group(1)), int(m.group(2))
    return [f"{year}-{month:02d}" for month in range(3 * q - 2, 3 * q + 1)]


def previous_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def latest_full_quarter(last_month: str) -> str:
    """The newest quarter whose three months are all at or before `last_month`."""
    year, month = int(last_month[:4]), int(last_month[5:7])
    q = month // 3
    return f"{year - 1}-Q4" if q == 0 else f"{year}-Q{q}"


def _lsoa_names(area: Any) -> dict[str, str]:
    """Names of the LSOAs that lie in the area (the pack also holds neighbouring ones along its edge)."""
    import json

    from shapely.geometry import shape

    features = json.loads((Path(area.path) / "lsoa.geojson").read_text())["features"]
    return {
        str(f["properties"]["LSOA11CD"]): str(f["properties"].get("LSOA11NM", ""))
        for f in features
        if area.boundary.contains(shape(f["geometry"]).representative_point())
    }


def _mps_counts(area: Any, months: list[str]) -> Counter[str]:
    import pandas as pd

    df = pd.read_csv(Path(area.path) / "crime_lsoa_monthly.csv", dtype={"month": str})
    sel = df[df["month"].isin(months) & df["minor_category"].isin(list(DEFAULT_LSOA_MINOR_WEIGHTS))]
    return Counter({str(k): float(v) for k, v in sel.groupby("lsoa11cd")["count"].sum().items()})


def _ranked(now: Counter[str], before: Counter[str], names: dict[str, str] | None) -> list[dict[str, Any]]:
    """The top places of this quarter (only the area's own LSOAs when `names` is given) with last quarter's count."""
    out = []
    inside = Counter({k: v for k, v in now.items() if names is None or k in names})
    for code, value in inside.most_common(TOP_N):
        prev = before.get(code, 0.0)
        out.append(
            {
                "place": code,
                "name": (names or {}).get(code, ""),
                "count": round(value, 1),
                "previous": round(prev, 1),
                "change": round(value - prev, 1),
            }
        )
    return out


def _street_counts(router: Any, rows: list[tuple[float, float]]) -> tuple[Counter[str], dict[str, Any], int]:
    """Points per street of the graph (grouped, see routing/segments.py); names and segments; off-street points."""
    from pyproj import Transformer

    from routing.segments import count_by_street

    if router is None or not rows:
        return Counter(), {}, len(rows)
    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    xs, ys = tr.transform([lon for _, lon in rows], [lat for lat, _ in rows])
    counts, off = count_by_street(router.graph, xs=list(xs), ys=list(ys))
    return Counter({k: float(c.points) for k, c in counts.items()}), counts, off


async def _points(area: str, months: list[str]) -> tuple[list[tuple[float, float]], Counter[str]]:
    """police.uk points of some months: their coordinates, and counts by LSOA code where police.uk gave it."""
    from partnership.models import StreetCrime

    rows = await StreetCrime.filter(
        area=area, month__in=months, category__in=list(PLAN_POINT_CATEGORIES)
    ).values_list("lat", "lon", "lsoa_code")
    lsoas: Counter[str] = Counter(str(code) for _, _, code in rows if code)
    return [(float(la), float(lo)) for la, lo, _ in rows], lsoas


def shown_count(value: float) -> float | None:
    return value if value >= SUPPRESS_BELOW else None


def _suppressed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counts under 5 read "fewer than 5" (None), and a change is shown only when both quarters are shown."""
    out = []
    for row in rows:
        now, before = shown_count(row["count"]), shown_count(row["previous"])
        change = round(now - before, 1) if now is not None and before is not None else None
        out.append({**row, "count": now, "previous": before, "change": change})
    return out


def _street_rows(now: Counter[str], before: Counter[str], info: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _ranked(now, before, None)
    for row in rows:
        street = info[row["place"]]
        row.update(place=street.name, name=street.name, segments=street.segments)
    return _suppressed(rows)


def _freshness(layers: list[dict[str, Any]], *, today: dt.date, point_max_age: int) -> list[dict[str, Any]]:
    out = []
    for layer in layers:
        last = layer.get("to") or ""
        limit = point_max_age if layer["source"] == "policeuk_points" else MONTHLY_SOURCE_MAX_AGE_MONTHS
        age = month_age(last, today=today) if last else None
        out.append(
            {
                **layer,
                "age_months": age,
                "max_age_months": limit,
                "stale": age is None or age > limit,
            }
        )
    return out


async def build_review(*, area: Any, router: Any, settings: Any, quarter: str | None) -> dict[str, Any]:
    """Everything the review page shows for one area and quarter (default: the newest full MPS quarter)."""
    from backend.hotspots.models import Hotspot
    from partnership import aggregates

    layers = [dict(layer) for layer in getattr(router, "surface_layers", ())] if router is not None else []
    mps_last = next(
        (layer["to"] for layer in layers if layer["source"] == "mps_lsoa" and layer.get("to")), ""
    )
    quarter = quarter or (
        latest_full_quarter(mps_last) if mps_last else latest_full_quarter(dt.date.today().strftime("%Y-%m"))
    )
    months, before = quarter_months(quarter), quarter_months(previous_quarter(quarter))
    names = await asyncio.to_thread(_lsoa_names, area)
    mps_now, mps_before = await asyncio.gather(
        asyncio.to_thread(_mps_counts, area, months), asyncio.to_thread(_mps_counts, area, before)
    )
    points_now, lsoa_now = await _points(area.slug, months)
    points_before, lsoa_before = await _points(area.slug, before)
    streets_now, street_info, off_street = await asyncio.to_thread(_street_counts, router, points_now)
    streets_before, _, _ = await asyncio.to_thread(_street_counts, router, points_before)
    sources: list[dict[str, Any]] = [
        {
            "source": "mps_lsoa",
            "name": LAYER_LABELS["mps_lsoa"],
            "lsoas": _ranked(mps_now, mps_before, names),
        },
        {
            "source": "policeuk_points",
            "name": LAYER_LABELS["policeuk_points"],
            "streets": _street_rows(streets_now, streets_before, street_info),
            "points_off_street": off_street,
            "lsoas": _suppressed(_ranked(lsoa_now, lsoa_before, names)),
        },
    ]
    for source, key in aggregates.LAYER_OF_SOURCE.items():
        cells = await aggregates.summary(area=area.slug, source=source, months=months, previous_months=before)
        if cells:
            sources.append({"source": key, "name": LAYER_LABELS[key], "cells": cells[:TOP_N]})
    now = dt.datetime.now(dt.UTC)
    active = [
        {
            "id": h.id,
            "notes": h.notes,
            "weight": h.weight,
            "expires_at": h.expires_at.isoformat() if h.expires_at else None,
        }
        for h in await Hotspot.filter(area=area.slug).order_by("id")
        if h.expires_at is None or h.expires_at > now
    ]
    return {
        "area": area.slug,
        "area_name": area.name,
        "quarter": quarter,
        "months": months,
        "previous_quarter": previous_quarter(quarter),
        "sources": sources,
        "officer_hotspots_active": active,
        "freshness": _freshness(
            layers, today=now.date(), point_max_age=int(getattr(settings, "point_data_max_age_months", 24))
        ),
        "caveat": "Counts are recorded crimes and aggregates of past reports, not a measure of how safe a place is. "
        "Metropolitan Police counts are shared out from 2021 to 2011 neighbourhood boundaries, so some are "
        "fractions. police.uk points are counted on the nearest mapped street within 50 m; a street is one row "
        "however many segments it has. Counts under 5 (police.uk and aggregates) are not shown.",
    }
