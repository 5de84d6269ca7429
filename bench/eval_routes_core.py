"""Scoring for `wayhome eval routes`: each route's exposure to held-out crime against the exact shortest route.

Exposure of a route = sum over its streets of length (km) x crimes per km of that street; a route "saves" the
share of the shortest route's exposure it avoids. The same score is applied to WayHome, the baselines and the
peer, so every row of the table is comparable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.eval_routes_data import BoolArray, Trips
from routing.engine import LENGTH
from routing.graph import FloatArray, IntArray, StreetGraph
from routing.router import DetourCap, Router

# "Stay on main roads": the classified roads (A and B roads and their links) a parent would call main roads.
MAIN_ROAD_HIGHWAYS = frozenset(
    {
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
    }
)
MAIN_ROAD_PENALTIES = (
    8.0,
    4.0,
    2.0,
    1.0,
    0.5,
    0.25,
)  # extra cost per metre off main roads; largest in cap wins

MaybeRoute = IntArray | None  # None: the method returned no route for that trip


@dataclass(frozen=True)
class Scored:
    """Per trip: route length, exposure on the training surface and on held-out crimes; ok = a route exists."""

    length_m: FloatArray
    train_exposure: FloatArray
    heldout_exposure: FloatArray
    ok: BoolArray


def score_routes(
    graph: StreetGraph, routes: Sequence[MaybeRoute], *, train_risk: FloatArray, heldout: FloatArray
) -> Scored:
    """Length and exposures (training risk per metre; held-out crimes per km of street x km) of each route."""
    n = len(routes)
    length, train, held = np.zeros(n), np.zeros(n), np.zeros(n)
    ok = np.zeros(n, dtype=bool)
    for i, edges in enumerate(routes):
        if edges is None:
            continue
        ok[i] = True
        seg = graph.length_m[edges]
        length[i] = float(seg.sum())
        train[i] = float(np.sum(seg * train_risk[edges]))
        held[i] = float(np.sum(seg / 1000.0 * heldout[edges]))
    return Scored(length_m=length, train_exposure=train, heldout_exposure=held, ok=ok)


def saved_pct(route: FloatArray, shortest: FloatArray) -> FloatArray:
    """Share (%) of the shortest route's exposure a route avoids (0 where the shortest has none)."""
    safe = np.where(shortest > 0, shortest, 1.0)
    return np.asarray(np.where(shortest > 0, 100.0 * (shortest - route) / safe, 0.0), dtype=np.float64)


@dataclass(frozen=True)
class Row:
    label: str
    trips: int
    failed: int
    changed_pct: float  # trips where the route is not the shortest one
    saved_mean_pct: float  # held-out exposure saved, mean over trips
    saved_ci_pct: tuple[float, float]  # 95% bootstrap interval of that mean
    saved_median_pct: float
    saved_school_pct: float
    saved_random_pct: float
    extra_mean_pct: float
    within_cap_pct: float
    saved_per_extra_pct: float  # mean saved / mean extra length (both in %)
    train_saved_mean_pct: float
    survives_pct: float  # held-out saving as a share of the training-surface saving (n/a below 1 point)


def summarise(
    label: str, route: Scored, shortest: Scored, *, cap: DetourCap, school: BoolArray, seed: int = 0
) -> Row:
    ok = route.ok & shortest.ok
    held = saved_pct(route.heldout_exposure[ok], shortest.heldout_exposure[ok])
    train = saved_pct(route.train_exposure[ok], shortest.train_exposure[ok])
    s_len = shortest.length_m[ok]
    extra_m = route.length_m[ok] - s_len
    extra = 100.0 * extra_m / np.maximum(s_len, 1.0)
    allowed = np.asarray([cap.allowed_extra_m(v) for v in s_len.tolist()])
    rng = np.random.default_rng(seed)
    n = int(held.size)
    boot = held[rng.integers(0, max(n, 1), (2000, n))].mean(axis=1) if n else np.zeros(1)
    mean = float(held.mean()) if n else float("nan")
    train_mean = float(train.mean()) if n else float("nan")
    extra_mean = float(extra.mean()) if n else float("nan")
    sch = school[ok]
    return Row(
        label=label,
        trips=n,
        failed=int((~route.ok & shortest.ok).sum()),
        changed_pct=100.0 * float(np.mean(np.abs(extra_m) > 0.5)) if n else 0.0,
        saved_mean_pct=mean,
        saved_ci_pct=(float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))),
        saved_median_pct=float(np.median(held)) if n else float("nan"),
        saved_school_pct=float(held[sch].mean()) if sch.any() else float("nan"),
        saved_random_pct=float(held[~sch].mean()) if (~sch).any() else float("nan"),
        extra_mean_pct=extra_mean,
        within_cap_pct=100.0 * float(np.mean(extra_m <= allowed + 0.5)) if n else 0.0,
        saved_per_extra_pct=mean / extra_mean if extra_mean > 1e-9 else float("nan"),
        train_saved_mean_pct=train_mean,
        survives_pct=100.0 * mean / train_mean if abs(train_mean) >= 1.0 else float("nan"),  # ratio of ~0
    )


# ---- the routes of each method ------------------------------------------------------------------------


def shortest_routes(router: Router, trips: Trips) -> list[MaybeRoute]:
    """The exact shortest route by length of every trip."""
    g = router.graph
    out: list[MaybeRoute] = []
    for a, b in zip(trips.src.tolist(), trips.dst.tolist(), strict=True):
        edges = router.engine.path(g.length_m, a, b, floor=(LENGTH, g.length_m))[1]
        out.append(edges if edges.size else None)
    return out


def wayhome_routes(
    router: Router, trips: Trips, *, at: dt.datetime, cap: DetourCap
) -> tuple[list[MaybeRoute], list[MaybeRoute]]:
    """(safer, balanced) exactly as the service answers them (`Router.solve`), from node to node."""
    g = router.graph
    safer: list[MaybeRoute] = []
    balanced: list[MaybeRoute] = []
    for a, b in zip(trips.src.tolist(), trips.dst.tolist(), strict=True):
        _, parts, _ = router.solve(
            from_lat=float(g.node_lat[a]),
            from_lon=float(g.node_lon[a]),
            to_lat=float(g.node_lat[b]),
            to_lon=float(g.node_lon[b]),
            at=at,
            cap=cap,
            balanced=True,
        )
        safer.append(parts[1][1])
        balanced.append(parts[2][1])
    return safer, balanced


def main_road_routes(
    router: Router, trips: Trips, *, cap: DetourCap, penalties: Sequence[float] = MAIN_ROAD_PENALTIES
) -> list[MaybeRoute]:
    """Prefer main roads: the largest off-main-road penalty whose route fits the detour cap (else shortest)."""
    g = router.graph
    main = np.asarray([h in MAIN_ROAD_HIGHWAYS for h in g.highways], dtype=bool)[g.highway_idx]
    off_main = np.where(main, 0.0, 1.0)
    costs = [(p, g.length_m * (1.0 + p * off_main)) for p in sorted(penalties, reverse=True)]
    out: list[MaybeRoute] = []
    for a, b in zip(trips.src.tolist(), trips.dst.tolist(), strict=True):
        short = router.engine.path(g.length_m, a, b, floor=(LENGTH, g.length_m))[1]
        if short.size == 0:
            out.append(None)
            continue
        short_m = float(g.length_m[short].sum())
        allowed = short_m + cap.allowed_extra_m(short_m) + 1e-6
        chosen = short
        for _, cost in costs:
            edges = router.engine.path(cost, a, b, floor=(LENGTH, g.length_m))[1]  # cost >= length
            if float(g.length_m[edges].sum()) <= allowed:
                chosen = edges
                break
        out.append(chosen)
    return out
