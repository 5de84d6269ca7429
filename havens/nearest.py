"""Nearest havens for a point: an in-memory KD-tree per area, open state computed only for candidates.

Walking distance is never shorter than the straight line (minus a small snapping slack), so candidates are
taken in straight-line order and the search widens until the walking order of the first `limit` results
cannot change. Everything is pure: the walking-distance function is passed in by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
from scipy.spatial import cKDTree

from havens.hours import is_open

EARTH_RADIUS_M = 6_371_008.8
WALK_SPEED_M_S = 1.3  # about 4.7 km/h, the same as routing/render.py WALK_SPEED_MPS and pwa/js/geo.js
DETOUR_FACTOR = 1.3  # where only straight lines are known: streets run 20-40% longer (pwa/js/geo.js too)
OpenFilter = Literal["any", "open", "open_or_unknown"]
WalkLengthsFn = Callable[..., np.ndarray]


@dataclass(frozen=True, slots=True)
class HavenRecord:
    """What the index needs about one haven; `ref` carries the caller's full object through."""

    id: int
    lat: float
    lon: float
    opening_hours: str | None
    ref: object = None


@dataclass(frozen=True, slots=True)
class Hit:
    record: HavenRecord
    distance_m: float
    straight_line_m: float
    open_now: bool | None


def _passes(open_now: bool | None, open_filter: OpenFilter) -> bool:
    if open_filter == "any":
        return True
    if open_filter == "open":
        return open_now is True
    return open_now is not False


class LocalProjection:
    """Equirectangular projection around a reference latitude: < 0.1 % error across a borough."""

    def __init__(self, *, ref_lat: float) -> None:
        self.kx = EARTH_RADIUS_M * math.cos(math.radians(ref_lat)) * math.pi / 180.0
        self.ky = EARTH_RADIUS_M * math.pi / 180.0

    def xy(self, lat: np.ndarray | float, lon: np.ndarray | float) -> np.ndarray:
        return np.column_stack(
            [np.asarray(lon, dtype=float) * self.kx, np.asarray(lat, dtype=float) * self.ky]
        )

    def distance_m(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return math.hypot((lon2 - lon1) * self.kx, (lat2 - lat1) * self.ky)


class HavenIndex:
    """Immutable index over one area's active havens; rebuild it when havens change (cheap: ~10 ms / 10k)."""

    def __init__(self, records: Sequence[HavenRecord], *, ref_lat: float | None = None) -> None:
        self.records = list(records)
        lats = np.array([r.lat for r in self.records], dtype=float)
        lons = np.array([r.lon for r in self.records], dtype=float)
        self.latlon = np.column_stack([lats, lons]) if self.records else np.zeros((0, 2))
        if ref_lat is None:
            ref_lat = float(lats.mean()) if self.records else 51.5
        self.projection = LocalProjection(ref_lat=ref_lat)
        self.xy = self.projection.xy(lats, lons) if self.records else np.zeros((0, 2))
        self.tree = cKDTree(self.xy) if self.records else None

    def __len__(self) -> int:
        return len(self.records)

    def nearest(
        self,
        *,
        lat: float,
        lon: float,
        at: datetime,
        limit: int,
        open_filter: OpenFilter = "any",
        max_m: float = 5_000.0,
        walk_lengths_m: WalkLengthsFn | None = None,
        slack_m: float = 50.0,
    ) -> list[Hit]:
        """Up to `limit` havens by walking distance (straight line when `walk_lengths_m` is None), within max_m.

        `slack_m` is how much shorter than the straight line a walking length may come out (snapping);
        it only widens the candidate search, never changes results.
        """
        n = len(self.records)
        if n == 0 or limit <= 0 or self.tree is None:
            return []
        point = self.projection.xy(lat, lon)[0]
        slack = slack_m if walk_lengths_m is not None else 0.0
        open_cache: dict[int, bool | None] = {}
        expr_cache: dict[str | None, bool | None] = {}  # many havens share the same hours text
        k = min(n, max(limit * 4, 16))
        while True:
            dists, idxs = self.tree.query(point, k=k)
            dists = np.atleast_1d(dists)
            idxs = np.atleast_1d(idxs)
            within = dists <= max_m + slack
            cand_idx: list[int] = []
            cand_straight: list[float] = []
            cand_open: list[bool | None] = []
            for d, i in zip(dists[within], idxs[within], strict=True):
                i = int(i)
                if i not in open_cache:
                    expr = self.records[i].opening_hours
                    if expr not in expr_cache:
                        expr_cache[expr] = is_open(expr, at=at)
                    open_cache[i] = expr_cache[expr]
                if _passes(open_cache[i], open_filter):
                    cand_idx.append(i)
                    cand_straight.append(float(d))
                    cand_open.append(open_cache[i])
            if walk_lengths_m is not None and cand_idx:
                walk = np.asarray(walk_lengths_m(lat, lon, self.latlon[cand_idx], max_m=max_m), dtype=float)
            else:
                walk = np.asarray(cand_straight, dtype=float)
            bound = float(dists[-1]) - slack if k < n else math.inf
            settled = int(np.count_nonzero(walk <= bound)) if len(walk) else 0
            exhausted = k >= n or float(dists[-1]) > max_m + slack
            if settled >= limit or exhausted:
                order = np.lexsort((np.array(cand_idx, dtype=int), walk)) if len(walk) else np.array([], int)
                hits: list[Hit] = []
                for j in order:
                    w = float(walk[j])
                    if not math.isfinite(w) or w > max_m:
                        continue
                    hits.append(
                        Hit(
                            record=self.records[cand_idx[j]],
                            distance_m=w,
                            straight_line_m=cand_straight[j],
                            open_now=cand_open[j],
                        )
                    )
                    if len(hits) == limit:
                        break
                return hits
            k = min(n, k * 4)


def brute_force_nearest(
    records: Sequence[HavenRecord],
    *,
    lat: float,
    lon: float,
    at: datetime,
    limit: int,
    open_filter: OpenFilter = "any",
    max_m: float = 5_000.0,
    walk_lengths_m: WalkLengthsFn | None = None,
    ref_lat: float | None = None,
) -> list[Hit]:
    """Reference answer: every haven's open state and distance, sorted. Used by tests and the benchmark."""
    if not records:
        return []
    if ref_lat is None:
        ref_lat = float(np.mean([r.lat for r in records]))
    proj = LocalProjection(ref_lat=ref_lat)
    rows = []
    latlon = np.array([[r.lat, r.lon] for r in records], dtype=float)
    straight = [proj.distance_m(lat, lon, r.lat, r.lon) for r in records]
    if walk_lengths_m is not None:
        walk = np.asarray(walk_lengths_m(lat, lon, latlon, max_m=max_m), dtype=float)
    else:
        walk = np.asarray(straight, dtype=float)
    for i, r in enumerate(records):
        state = is_open(r.opening_hours, at=at)
        w = float(walk[i])
        if _passes(state, open_filter) and math.isfinite(w) and w <= max_m:
            rows.append((w, i, Hit(record=r, distance_m=w, straight_line_m=straight[i], open_now=state)))
    rows.sort(key=lambda t: (t[0], t[1]))
    return [h for _w, _i, h in rows[:limit]]


def walk_seconds(distance_m: float) -> int:
    return round(distance_m / WALK_SPEED_M_S)
