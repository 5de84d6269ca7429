"""Patrol plan: rank streets by expected pupil flow x risk in a time window, pick N points, walk a loop.

Points are the best-scoring segments at least `min_patrol_spacing_m` apart. They are visited in the order of
their busiest window; an officer arrives at a point's busiest window (or as soon as the walk from the last
point allows), stays `patrol_dwell_s`, and the loop closes back at the first point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from insights.analysis import Analysis
from insights.parameters import ModelParameters
from insights.suppression import shown
from routing.engine import edges_from_tree
from routing.graph import FloatArray, IntArray


@dataclass(frozen=True)
class PatrolPoint:
    rank: int
    segment: int
    street: str
    lat: float
    lon: float
    node: int
    busiest_from: dt.datetime
    pupils_busiest: int | None  # suppressed under the threshold
    pupils_window: int | None
    schools: tuple[str, ...]  # URNs whose pupils pass in the window
    arrive: dt.datetime
    leave: dt.datetime
    walk_from_previous_m: float


@dataclass(frozen=True)
class PatrolPlan:
    start: dt.datetime
    end: dt.datetime
    points: list[PatrolPoint]
    loop_edges: list[IntArray]  # street edges walked between consecutive points, closing the loop
    loop_m: float
    schools: tuple[str, ...]  # URNs affected (pupils pass any point)


def street_name(analysis: Analysis, edge: int) -> str:
    """The edge's street name; for an unnamed path, 'a path near' the closest named street."""
    g = analysis.router.graph
    idx = int(g.name_idx[edge])
    if idx >= 0:
        return g.names[idx]
    mid_x, mid_y = g.edge_xy_midpoints()
    named = np.flatnonzero(g.name_idx >= 0)
    if len(named) == 0:
        return "an unnamed path"
    near = named[int(np.argmin(np.hypot(mid_x[named] - mid_x[edge], mid_y[named] - mid_y[edge])))]
    return f"a path near {g.names[int(g.name_idx[near])]}"


def _walk(analysis: Analysis, src: int) -> tuple[FloatArray, IntArray]:
    g = analysis.router.graph
    dist, pred = analysis.router.engine.tree(g.length_m, src)
    return dist, np.asarray(pred, dtype=np.int64)


def _schedule(
    order: list[int],
    *,
    peak: dict[int, dt.datetime],
    walk_m: dict[tuple[int, int], float],
    params: ModelParameters,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(arrive, leave) per point in visiting order: at its busiest window, or as soon as the walk allows."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for n, i in enumerate(order):
        arrive = peak[i]
        if n:
            walked = out[-1][1] + dt.timedelta(seconds=walk_m[(order[n - 1], i)] / params.walk_speed_mps)
            arrive = max(arrive, walked)
        out.append((arrive, arrive + dt.timedelta(seconds=params.patrol_dwell_s)))
    return out


def plan_patrol(analysis: Analysis, *, start: dt.datetime, end: dt.datetime, points: int = 5) -> PatrolPlan:
    """Up to `points` patrol points one officer can walk between in time (see module docstring)."""
    router, grid, params = analysis.router, analysis.grid, analysis.params
    g = router.graph
    ids, total = analysis.total_flow()
    k0 = max(0, int(np.floor(grid.index(start))))
    k1 = min(grid.count, int(np.ceil(grid.index(end))))
    if k1 <= k0 or len(ids) == 0:
        return PatrolPlan(start=start, end=end, points=[], loop_edges=[], loop_m=0.0, schools=())
    flow = total[:, k0:k1]
    weighted = flow * analysis.seg_risk[ids, k0:k1]
    score = weighted.sum(axis=1)
    mid_x, mid_y = g.edge_xy_midpoints()
    first_edge = analysis.segments.first_edge[ids]
    node_of = {int(i): int(router.sources[first_edge[i]]) for i in np.flatnonzero(score > 0)}
    peak = {i: grid.at(k0 + int(np.argmax(weighted[i]))) for i in node_of}
    trees: dict[int, tuple[FloatArray, IntArray]] = {}
    walk_m: dict[tuple[int, int], float] = {}
    slack = dt.timedelta(seconds=params.patrol_late_s)
    chosen: list[int] = []
    for i in (int(v) for v in np.argsort(-score, kind="stable")[: int(np.sum(score >= 0.01 * score.max()))]):
        if len(chosen) >= points or score[i] <= 0:
            break
        e = first_edge[i]
        if any(
            np.hypot(mid_x[e] - mid_x[first_edge[j]], mid_y[e] - mid_y[first_edge[j]])
            < params.min_patrol_spacing_m
            for j in chosen
        ):
            continue
        straight = {(a, b): float(np.hypot(mid_x[first_edge[a]] - mid_x[first_edge[b]],
                                            mid_y[first_edge[a]] - mid_y[first_edge[b]]))
                    for a in [*chosen, i] for b in [*chosen, i] if a != b}  # fmt: skip
        order = sorted([*chosen, i], key=lambda c: (peak[c], -score[c]))
        times = _schedule(order, peak=peak, walk_m=straight, params=params)  # a walk is never shorter
        if not (
            all(a <= peak[c] + slack for c, (a, _) in zip(order, times, strict=True)) and times[-1][0] <= end
        ):
            continue
        trees[i] = _walk(analysis, node_of[i])
        for j in chosen:
            walk_m[(i, j)] = float(trees[i][0][node_of[j]])
            walk_m[(j, i)] = float(trees[j][0][node_of[i]])
        order = sorted([*chosen, i], key=lambda c: (peak[c], -score[c]))
        times = _schedule(order, peak=peak, walk_m=walk_m, params=params)
        if all(a <= peak[c] + slack for c, (a, _) in zip(order, times, strict=True)) and times[-1][0] <= end:
            chosen.append(i)
    order = sorted(chosen, key=lambda c: (peak[c], -score[c]))
    times = _schedule(order, peak=peak, walk_m=walk_m, params=params)
    by_school = {f.urn: f for f in analysis.flows}
    result: list[PatrolPoint] = []
    loop: list[IntArray] = []
    affected: set[str] = set()
    for rank, (i, (arrive, leave)) in enumerate(zip(order, times, strict=True), start=1):
        seg, e = int(ids[i]), int(first_edge[i])
        schools = []
        for urn, f in by_school.items():
            pos = np.searchsorted(f.segments, seg)
            if pos < len(f.segments) and f.segments[pos] == seg and f.flow[pos, k0:k1].sum() >= 1.0:
                schools.append(urn)
        affected.update(schools)
        a, b = int(g.geom_offsets[e]), int(g.geom_offsets[e + 1])
        mid = (a + b - 1) // 2
        previous = order[rank - 2] if rank > 1 else None
        result.append(
            PatrolPoint(
                rank=rank,
                segment=seg,
                street=street_name(analysis, e),
                lat=float(g.geom_lat[mid]),
                lon=float(g.geom_lon[mid]),
                node=node_of[i],
                busiest_from=peak[i],
                pupils_busiest=shown(float(flow[i].max())),
                pupils_window=shown(float(flow[i].sum())),
                schools=tuple(sorted(schools)),
                arrive=arrive,
                leave=leave,
                walk_from_previous_m=0.0 if previous is None else walk_m[(previous, i)],
            )
        )
    loop_m = 0.0
    if len(order) > 1:
        for a_i, b_i in zip(order, [*order[1:], order[0]], strict=True):
            pred = trees[a_i][1]
            loop.append(edges_from_tree(pred, router.sources, node_of[b_i], node_of[a_i]))
            loop_m += float(trees[a_i][0][node_of[b_i]])
    return PatrolPlan(
        start=start, end=end, points=result, loop_edges=loop, loop_m=loop_m, schools=tuple(sorted(affected))
    )
