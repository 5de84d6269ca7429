"""The perceived-safety layer: survey map pins counted per 100 m square, only squares with at least 10 answers in
one survey period (each answer is a different phone in its period), so no square points at a few people.

It says how unsafe places feel, not where crime is recorded; it reaches routing only when an area's officers turn
it on, as its own lower-weight layer (routing/surface.py: perceived_grid), named in every route's data_as_of.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pyproj import Transformer

from backend.surveys.models import PerceivedLayer, SurveyResponse
from backend.surveys.service import GRID_M
from backend.surveys.suppression import MIN_COUNT

CELL_RE = re.compile(r"([0-9]{5,7}):([0-9]{5,7})")


@dataclass(frozen=True)
class Squares:
    counts: dict[tuple[int, int], int]  # (easting, northing) of the south-west corner -> answers
    first_month: str
    last_month: str


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def centre_of(square: tuple[int, int]) -> tuple[float, float]:
    lon, lat = _to_wgs84().transform(square[0] + GRID_M / 2, square[1] + GRID_M / 2)
    return float(lat), float(lon)


# Pins per survey period and square, counted in the database: each top-level string answer of the area's answers
# that looks like a square ("530100:175200"), with its first answer's id so the squares keep the answers' order.
_PINS_SQL = {
    "sqlite": (
        "SELECT r.window_id AS window_id, j.value AS cell, COUNT(*) AS n, MIN(r.month) AS first_month, "
        "MAX(r.month) AS last_month, MIN(r.id) AS first_id "
        "FROM {table} AS r, json_each(r.answers) AS j "
        "WHERE r.area = ? AND j.type = 'text' AND j.value LIKE '%:%' "
        "GROUP BY r.window_id, j.value ORDER BY first_id, cell"
    ),
    "postgres": (
        "SELECT r.window_id AS window_id, j.value #>> '{{}}' AS cell, COUNT(*) AS n, MIN(r.month) AS first_month, "
        "MAX(r.month) AS last_month, MIN(r.id) AS first_id "
        "FROM {table} AS r, jsonb_each(r.answers) AS j "
        "WHERE r.area = $1 AND jsonb_typeof(j.value) = 'string' AND j.value #>> '{{}}' LIKE '%:%' "
        "GROUP BY r.window_id, cell ORDER BY first_id, cell"
    ),
}


async def squares(*, area: str) -> Squares:
    """Squares with at least MIN_COUNT pins in one survey period, summed over the periods where they reach it."""
    conn = SurveyResponse._meta.db
    sql = _PINS_SQL[conn.capabilities.dialect].format(table=SurveyResponse._meta.db_table)
    per_period: Counter[tuple[int, int, int]] = Counter()
    months: dict[tuple[int, int, int], list[str]] = {}
    for row in await conn.execute_query_dict(sql, [area]):
        match = CELL_RE.fullmatch(row["cell"])
        if match:
            key = (int(row["window_id"]), int(match[1]), int(match[2]))
            per_period[key] += int(row["n"])
            months.setdefault(key, []).extend((row["first_month"], row["last_month"]))
    counts: Counter[tuple[int, int]] = Counter()
    used: list[str] = []
    for (window, east, north), n in per_period.items():
        if n >= MIN_COUNT:
            counts[(east, north)] += n
            used += months[(window, east, north)]
    return Squares(dict(counts), min(used, default=""), max(used, default=""))


async def is_on(*, area: str) -> bool:
    row = await PerceivedLayer.get_or_none(area=area)
    return bool(row and row.enabled)


async def set_on(*, area: str, enabled: bool, staff_id: int | None) -> PerceivedLayer:
    row, _ = await PerceivedLayer.get_or_create(
        area=area, defaults={"enabled": enabled, "changed_by_id": staff_id}
    )
    row.enabled, row.changed_by_id = enabled, staff_id
    await row.save()
    return row
