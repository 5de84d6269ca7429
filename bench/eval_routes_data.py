"""Inputs of `wayhome eval routes`: a surface from training months only, held-out crime per street, trips.

The router sees only the training months (as `wayhome eval risk` does); every route is then scored on the
held-out months' crimes, spread over each LSOA's streets the same way the served surface spreads counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from routing.build import AreaSources, crime_points, lsoa_weights
from routing.graph import FloatArray, IntArray, StreetGraph
from routing.risk import RiskConfig, combine_base, lsoa_street_density, normalise, point_density
from routing.router import MAX_SNAP_M, Router

BoolArray = npt.NDArray[np.bool_]
STRAIGHT_LINE_BAND_M = (700.0, 3500.0)  # school trips worth routing: 0.7-3.5 km as the crow flies


def month_range(first: str, last: str) -> list[str]:
    """Every YYYY-MM from first to last inclusive."""
    return [str(p) for p in pd.period_range(first, last, freq="M")]


@dataclass(frozen=True)
class TrainingSurface:
    """The parts of the served base surface, built from training months; `base` clips them like the build."""

    lsoa_n: FloatArray
    point_n: FloatArray
    has_points: bool

    def base(self, config: RiskConfig) -> FloatArray:
        return combine_base(
            point_n=self.point_n, lsoa_n=self.lsoa_n, has_points=self.has_points, config=config
        )


def training_surface(
    graph: StreetGraph,
    *,
    sources: AreaSources,
    edge_lsoa: Sequence[str | None],
    config: RiskConfig,
    months: Sequence[str],
) -> TrainingSurface:
    """`routing.build`'s base surface with the LSOA counts limited to `months` (police.uk points, where a pack
    has them, are older than every training month and enter as served)."""
    weights = lsoa_weights(sources, config, months=months)
    lsoa_n = normalise(
        lsoa_street_density(graph, edge_lsoa=edge_lsoa, lsoa_weight=weights), length_m=graph.length_m
    )
    pts, wts = crime_points(sources, config)
    point_n = normalise(
        point_density(graph, points_xy=pts, weights=wts, bandwidth_m=config.bandwidth_m),
        length_m=graph.length_m,
    )
    return TrainingSurface(lsoa_n=lsoa_n, point_n=point_n, has_points=pts.shape[0] > 0)


def lsoa_counts(
    crimes: pd.DataFrame, *, months: Sequence[str], minor_categories: Sequence[str]
) -> Mapping[str, float]:
    """Plain (unweighted) count per LSOA over `months` of the MPS minor categories the router is trained on
    (`RiskConfig.lsoa_minor_weights`), so that a route is scored on the same kind of crime it avoids."""
    chosen = crimes["minor_category"].isin(list(minor_categories))
    sel = crimes[crimes["month"].isin(list(months)) & chosen]
    by = sel.groupby("lsoa11cd")["count"].sum()
    return {str(k): float(v) for k, v in by.items()}


def heldout_density(
    graph: StreetGraph, *, edge_lsoa: Sequence[str | None], counts: Mapping[str, float]
) -> FloatArray:
    """Held-out crimes per km of street on each edge: each LSOA's count spread evenly over its streets."""
    return lsoa_street_density(graph, edge_lsoa=edge_lsoa, lsoa_weight=counts)


@dataclass(frozen=True)
class Trips:
    """Origin and destination nodes of each trip, and whether it is a school trip or a random pair."""

    src: IntArray
    dst: IntArray
    school: BoolArray

    def __len__(self) -> int:
        return int(self.src.shape[0])


def _within_band(dx: FloatArray, dy: FloatArray, band_m: tuple[float, float]) -> BoolArray:
    d = np.hypot(dx, dy)
    return np.asarray((d >= band_m[0]) & (d <= band_m[1]), dtype=bool)


def school_trips(
    router: Router,
    *,
    schools_csv: Path,
    postcodes_csv: Path,
    n: int,
    seed: int,
    band_m: tuple[float, float] = STRAIGHT_LINE_BAND_M,
) -> Trips:
    """Seeded trips from a school to a postcode of the area 0.7-3.5 km away (both within reach of a street).

    The packs' postcodes carry no residential flag (Code-Point Open has none), so every live postcode of the
    area stands for a home; large-user (business) postcodes are a small share.
    """
    schools = pd.read_csv(schools_csv).dropna(subset=["lat", "lon"])
    homes = pd.read_csv(postcodes_csv).dropna(subset=["lat", "lon"])
    s_node, s_snap = router.snap_many(schools["lat"].tolist(), schools["lon"].tolist())
    h_node, h_snap = router.snap_many(homes["lat"].tolist(), homes["lon"].tolist())
    s_ok = np.nonzero(np.asarray(s_snap) <= MAX_SNAP_M)[0]
    h_ok = np.nonzero(np.asarray(h_snap) <= MAX_SNAP_M)[0]
    sx, sy = _project(router, schools)
    hx, hy = _project(router, homes)
    rng = np.random.default_rng(seed)
    src: list[int] = []
    dst: list[int] = []
    for _ in range(50 * n):
        if len(src) >= n or s_ok.size == 0:
            break
        i = int(rng.choice(s_ok))
        near = h_ok[_within_band(hx[h_ok] - sx[i], hy[h_ok] - sy[i], band_m)]
        if near.size == 0:
            continue
        j = int(rng.choice(near))
        g = router.graph
        a, b = s_node[i], h_node[j]
        dx, dy = np.asarray([g.node_x[a] - g.node_x[b]]), np.asarray([g.node_y[a] - g.node_y[b]])
        if _within_band(dx, dy, band_m)[0]:  # the snapped ends too: partial street clips drop out
            src.append(s_node[i])
            dst.append(h_node[j])
    ones = np.ones(len(src), dtype=bool)
    return Trips(np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), ones)


def _project(router: Router, points: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    xy = np.asarray([router.project(float(a), float(b)) for a, b in points[["lat", "lon"]].to_numpy()])
    return np.asarray(xy[:, 0], dtype=np.float64), np.asarray(xy[:, 1], dtype=np.float64)


def random_trips(
    graph: StreetGraph, *, n: int, seed: int, band_m: tuple[float, float] = STRAIGHT_LINE_BAND_M
) -> Trips:
    """Seeded pairs of street nodes 0.7-3.5 km apart as the crow flies."""
    rng = np.random.default_rng(seed)
    src: list[int] = []
    dst: list[int] = []
    for _ in range(200 * n):
        if len(src) >= n:
            break
        a, b = (int(v) for v in rng.integers(0, graph.n_nodes, 2))
        dx = np.asarray([graph.node_x[a] - graph.node_x[b]])
        dy = np.asarray([graph.node_y[a] - graph.node_y[b]])
        if _within_band(dx, dy, band_m)[0]:
            src.append(a)
            dst.append(b)
    zeros = np.zeros(len(src), dtype=bool)
    return Trips(np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64), zeros)


def join(*parts: Trips) -> Trips:
    return Trips(
        np.concatenate([p.src for p in parts]),
        np.concatenate([p.dst for p in parts]),
        np.concatenate([p.school for p in parts]),
    )
