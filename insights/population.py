"""Where a school's walking pupils live: imported per-sector counts, or a stated gravity model.

Imported counts come already suppressed (cells under the threshold were never stored). The model spreads a
school's walking pupils over the area's postcodes with a distance decay fitted to a typical walk.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from insights.parameters import PARAMETERS, ModelParameters
from routing.graph import FloatArray, IntArray


@dataclass(frozen=True)
class Homes:
    """The area's postcodes snapped to the street graph."""

    postcodes: tuple[str, ...]
    node: IntArray
    snap_m: FloatArray

    def sector_of(self, i: int) -> str:
        return sector(self.postcodes[i])


def sector(postcode: str) -> str:
    """'N22 5QJ' -> 'N22 5' (the outward code and the first digit of the inward code)."""
    text = postcode.strip().upper()
    return text[:-2] if " " in text else text


@dataclass
class HomeWeights:
    """Pupils per graph node for one school, and how that was arrived at (for the report)."""

    per_node: FloatArray
    source: str  # "imported" or "modelled"
    walking_pupils: float
    outside_area: float = 0.0  # imported pupils living in sectors with no streets here
    notes: list[str] = field(default_factory=list)


def fit_decay_m(distance_m: FloatArray, *, typical_m: float) -> float:
    """Decay length d0 so that the mean of distance under weights exp(-d / d0) equals `typical_m`.

    The mean grows with d0, so bisection finds it; when even equal weights give a shorter mean than
    `typical_m` (few far homes), the flattest decay tried is used.
    """
    if len(distance_m) == 0:
        return typical_m

    def mean_for(d0: float) -> float:
        w = np.exp(-(distance_m - distance_m.min()) / d0)
        return float(np.sum(w * distance_m) / np.sum(w))

    lo, hi = 10.0, 100_000.0
    if mean_for(hi) <= typical_m:
        return hi
    if mean_for(lo) >= typical_m:
        return lo
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if mean_for(mid) < typical_m:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def gias_pupils(pupils: Mapping[str, int | None], urn: str) -> tuple[float, str | None]:
    """A school's GIAS pupil number, or the median of the others' with a note saying so."""
    own = pupils.get(urn)
    if own:
        return float(own), None
    known = [float(v) for v in pupils.values() if v]
    if not known:
        return 0.0, "No pupil numbers are known for these schools, so no flows can be modelled."
    median = statistics.median(known)
    return median, (
        "GIAS has no pupil number for this school; the median of the other schools' numbers "
        f"({median:.0f}) is used instead."
    )


def modelled_weights(
    homes: Homes,
    *,
    walk_m: FloatArray,
    pupils: float,
    n_nodes: int,
    params: ModelParameters = PARAMETERS,
) -> HomeWeights:
    """Gravity model: walking pupils spread over postcodes within `max_walk_m`, decaying with walking distance."""
    distance = walk_m[homes.node] + homes.snap_m
    ok = np.isfinite(distance) & (distance <= params.max_walk_m)
    walking = pupils * params.walk_share
    per_node = np.zeros(n_nodes)
    if ok.any() and walking > 0:
        d = distance[ok]
        d0 = fit_decay_m(d, typical_m=params.typical_walk_m)
        w = np.exp(-(d - d.min()) / d0)
        np.add.at(per_node, homes.node[ok], walking * w / w.sum())
    return HomeWeights(per_node=per_node, source="modelled", walking_pupils=walking if ok.any() else 0.0)


def imported_weights(
    homes: Homes, *, sector_counts: Mapping[str, int], walk_m: FloatArray, n_nodes: int,
    params: ModelParameters = PARAMETERS,
) -> HomeWeights:  # fmt: skip
    """Imported (already suppressed) counts per sector, spread evenly over the sector's postcodes here.

    Pupils of sectors with no postcode in the area, or none within `max_walk_m`, are counted as outside.
    """
    by_sector: dict[str, list[int]] = {}
    for i, postcode in enumerate(homes.postcodes):
        by_sector.setdefault(sector(postcode), []).append(i)
    per_node = np.zeros(n_nodes)
    outside = 0.0
    for name, count in sector_counts.items():
        idx = np.asarray(by_sector.get(name, []), dtype=np.int64)
        if len(idx):
            reach = walk_m[homes.node[idx]] + homes.snap_m[idx]
            idx = idx[np.isfinite(reach) & (reach <= params.max_walk_m)]
        if len(idx) == 0:
            outside += count
            continue
        np.add.at(per_node, homes.node[idx], count / len(idx))
    total = float(sum(sector_counts.values()))
    return HomeWeights(
        per_node=per_node, source="imported", walking_pupils=total - outside, outside_area=outside
    )


def snap_homes(snap: Sequence[tuple[str, int, float]]) -> Homes:
    """Homes from (postcode, node, snap distance m) rows."""
    return Homes(
        postcodes=tuple(p for p, _, _ in snap),
        node=np.asarray([n for _, n, _ in snap], dtype=np.int64),
        snap_m=np.asarray([d for _, _, d in snap], dtype=np.float64),
    )
