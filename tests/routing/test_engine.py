"""The ALT, compiled A* and scipy engines return networkx's optimal path costs."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from routing.engine import AltEngine, NumbaEngine, ScipyEngine
from routing.graph import StreetGraph, to_networkx
from routing.router import Router


def _grid(n: int, seed: int) -> StreetGraph:
    """A small perturbed grid with random one-way gaps, as a StreetGraph."""
    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(n) * 100.0, np.arange(n) * 100.0)
    x = xs.ravel() + rng.normal(0, 10, n * n)
    y = ys.ravel() + rng.normal(0, 10, n * n)
    edges = []
    for i in range(n * n):
        r, c = divmod(i, n)
        for j in ([i + 1] if c + 1 < n else []) + ([i + n] if r + 1 < n else []):
            if rng.random() < 0.9:
                edges.append((i, j))
            if rng.random() < 0.9:
                edges.append((j, i))
    edges.sort()
    src = np.array([e[0] for e in edges])
    dst = np.array([e[1] for e in edges], dtype=np.int32)
    length = np.hypot(x[src] - x[dst], y[src] - y[dst]) * rng.uniform(1.0, 1.3, len(edges))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n * n))]).astype(np.int64)
    m = len(edges)
    return StreetGraph(
        node_x=x,
        node_y=y,
        node_lat=y / 1e5,
        node_lon=x / 1e5,
        indptr=indptr,
        indices=dst,
        length_m=length,
        geom_offsets=np.arange(0, 2 * m + 1, 2, dtype=np.int64),
        geom_lat=np.zeros(2 * m),
        geom_lon=np.zeros(2 * m),
        name_idx=np.full(m, -1, dtype=np.int32),
        names=(),
        lit=np.zeros(m, dtype=np.int8),
        highway_idx=np.zeros(m, dtype=np.int32),
        highways=("residential",),
    )


@pytest.mark.parametrize("engine_cls", [AltEngine, NumbaEngine, ScipyEngine])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_matches_networkx_on_small_graphs(engine_cls: type, seed: int) -> None:
    g = _grid(12, seed)
    rng = np.random.default_rng(seed)
    cost = g.length_m * (1 + 5 * rng.random(g.n_edges))
    engine = engine_cls(g)
    nxg = to_networkx(g, cost)
    for _ in range(40):
        a, b = (int(v) for v in rng.integers(0, g.n_nodes, 2))
        try:
            expected = nx.dijkstra_path_length(nxg, a, b, weight="w")
        except nx.NetworkXNoPath:
            assert engine.path(cost, a, b)[1].size == 0
            continue
        total, edges = engine.path(cost, a, b)
        assert total == pytest.approx(expected, rel=1e-9)
        assert cost[edges].sum() == pytest.approx(expected, rel=1e-9)
        # the edges form a continuous walk from a to b
        src = g.edge_sources()
        if edges.size:
            assert src[edges[0]] == a and g.indices[edges[-1]] == b
            assert np.all(g.indices[edges[:-1]] == src[edges[1:]])
        dist, _ = engine.tree(cost, a)
        assert dist[b] == pytest.approx(expected, rel=1e-9)


def test_engines_match_networkx_on_sampled_real_pairs(wood_green: Router) -> None:
    g = wood_green.graph
    rng = np.random.default_rng(7)
    cost = g.length_m * (1 + 3 * wood_green.base_risk)
    nxg = to_networkx(g, cost)
    engines = [AltEngine(g), NumbaEngine(g), ScipyEngine(g)]
    for _ in range(25):
        a, b = (int(v) for v in rng.integers(0, g.n_nodes, 2))
        expected_nodes = nx.dijkstra_path(nxg, a, b, weight="w")
        expected = sum(nxg[u][v]["w"] for u, v in itertools.pairwise(expected_nodes))
        for engine in engines:
            total, _edges = engine.path(cost, a, b)
            assert total == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", [4, 5])
def test_alt_engine_exact_with_a_floor_below_the_cost(seed: int) -> None:
    """Landmark tables built on a lower floor (no hotspots) still give networkx's optimum for raised costs."""
    g = _grid(14, seed)
    rng = np.random.default_rng(seed)
    floor = g.length_m * (1 + 4 * rng.random(g.n_edges))
    cost = floor.copy()
    cost[rng.random(g.n_edges) < 0.15] *= 6.0  # hotspots only add cost
    engine = AltEngine(g, landmarks=6)
    engine.tables("floor", floor)  # built now, so the query below uses them rather than the length fallback
    nxg = to_networkx(g, cost)
    for _ in range(40):
        a, b = (int(v) for v in rng.integers(0, g.n_nodes, 2))
        try:
            expected = nx.dijkstra_path_length(nxg, a, b, weight="w")
        except nx.NetworkXNoPath:
            assert engine.path(cost, a, b, floor=("floor", floor))[1].size == 0
            continue
        total, edges = engine.path(cost, a, b, floor=("floor", floor))
        assert total == pytest.approx(expected, rel=1e-9)
        assert cost[edges].sum() == pytest.approx(expected, rel=1e-9)


def test_router_floor_never_exceeds_the_cost_it_bounds(wood_green: Router) -> None:
    """The router's landmark floor (no hotspots, every haven open) is <= the served cost in every context."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from routing.risk import Hotspot
    from routing.router import SAFER_ALPHAS, HavenRef

    r = wood_green.fork()
    g = r.graph
    lat, lon = float(g.node_lat[10]), float(g.node_lon[10])
    r.set_hotspots([Hotspot(id=1, weight=5, lat=lat, lon=lon, radius_m=200, version="a")])
    havens = [
        HavenRef(id=1, lat=lat, lon=lon, open_now=False),
        HavenRef(id=2, lat=lat, lon=lon, open_now=True),
    ]
    london = ZoneInfo("Europe/London")
    for at in (dt.datetime(2026, 11, 26, 16, tzinfo=london), dt.datetime(2026, 6, 6, 11, tzinfo=london)):
        _, risk = r._risk(r._snapshot, at, havens)
        for alpha in SAFER_ALPHAS:
            _, floor = r._floor(at, havens, alpha)
            assert np.all(floor <= g.length_m * (1 + alpha * risk) + 1e-9)
