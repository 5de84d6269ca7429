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


async def squares(*, area: str) -> Squares:
    per_period: Counter[tuple[int, int, int]] = Counter()
    months: dict[tuple[int, int, int], list[str]] = {}
    for row in await SurveyResponse.filter(area=area):
        for value in row.answers.values():
            match = CELL_RE.fullmatch(value) if isinstance(value, str) else None
            if match:
                key = (row.window_id, int(match[1]), int(match[2]))
                per_period[key] += 1
                months.setdefault(key, []).append(row.month)
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
