"""The PyPI `saferoute` peer for `wayhome eval routes`: exact (eps 0), given the same training months.

Optional and not a project dependency: without it the report says why its rows are missing.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bench.eval_routes_core import MaybeRoute
from bench.eval_routes_data import Trips
from bench.routes_peer import lsoa_crime_points, saferoute_engine_class, to_osmnx_wgs84
from routing.build import AreaSources
from routing.graph import StreetGraph
from routing.router import Router


def node_path_edges(graph: StreetGraph, nodes: Sequence[int]) -> MaybeRoute:
    """Our edge ids along a node path (None when two consecutive nodes are not joined by a street)."""
    try:
        return np.asarray(
            [graph.find_edge(int(u), int(v)) for u, v in itertools.pairwise(nodes)],
            dtype=np.int64,
        )
    except KeyError:
        return None


def saferoute_routes(
    router: Router, trips: Trips, *, sources: AreaSources, months: Sequence[str], cache_dir: Path
) -> tuple[str, list[MaybeRoute], list[MaybeRoute]] | str:
    """(version, safest routes, balanced routes) or the reason the peer cannot run.

    Its crimes are points sampled from the training months' LSOA counts (the numbers our surface spreads over
    each LSOA's streets), its KDE bandwidth is ours. Where its Pareto set has no `balanced` route (the front is
    one route), the shortest it returns is scored, as that is all it offers.
    """
    found = saferoute_engine_class(cache_dir=cache_dir)
    if isinstance(found, str):
        return found
    engine_cls, version = found
    g = router.graph
    points = lsoa_crime_points(g, sources=sources, config=router.config, months=months)
    engine = engine_cls(eps=0.0, bandwidth_m=router.config.bandwidth_m, cache_dir=cache_dir)
    engine.load_graph(to_osmnx_wgs84(g), list(points), name=router.slug)
    safest: list[MaybeRoute] = []
    balanced: list[MaybeRoute] = []
    for a, b in zip(trips.src.tolist(), trips.dst.tolist(), strict=True):
        try:
            pareto = engine.compute_routes(a, b)
        except Exception:  # its SearchBudgetExceededError / RouteNotFoundError: counted as failed
            safest.append(None)
            balanced.append(None)
            continue
        best = pareto.safest or pareto.shortest
        mid = pareto.balanced or pareto.shortest
        safest.append(None if best is None else node_path_edges(g, best.path))
        balanced.append(None if mid is None else node_path_edges(g, mid.path))
    return str(version), safest, balanced
