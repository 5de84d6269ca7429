"""Shortest-path engines over the frozen CSR graph, behind one small interface.

`NumbaEngine` (compiled A* with a straight-line heuristic, and full trees) is used when numba imports;
`ScipyEngine` (scipy.sparse.csgraph) is the pure fallback. Both are checked against networkx in tests.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.graph import FloatArray, IntArray, StreetGraph


class PathEngine(Protocol):
    name: str

    def path(self, cost: FloatArray, src: int, dst: int) -> tuple[float, IntArray]:
        """(total cost, edge ids in order); (inf, empty) when unreachable."""

    def tree(self, cost: FloatArray, src: int, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
        """(cost to every node, predecessor edge of every node or -1) from `src`, up to `limit`."""


def edges_from_tree(pred_edge: IntArray, sources: IntArray, dst: int, src: int) -> IntArray:
    """Walk predecessor edges from dst back to src."""
    out: list[int] = []
    node = dst
    while node != src:
        e = int(pred_edge[node])
        if e < 0:
            return np.empty(0, dtype=np.int64)
        out.append(e)
        node = int(sources[e])
    out.reverse()
    return np.asarray(out, dtype=np.int64)


class ScipyEngine:
    """scipy.sparse.csgraph Dijkstra; full tree per query (holds the GIL)."""

    name = "scipy"

    def __init__(self, graph: StreetGraph) -> None:
        self.graph = graph
        self.sources = graph.edge_sources().astype(np.int64)

    def _matrix(self, cost: FloatArray) -> Any:
        n = self.graph.n_nodes
        return csr_matrix((np.maximum(cost, 1e-9), self.graph.indices, self.graph.indptr), shape=(n, n))

    def tree(self, cost: FloatArray, src: int, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
        dist, pred = dijkstra(self._matrix(cost), indices=src, return_predecessors=True, limit=limit)
        pred_edge = np.full(self.graph.n_nodes, -1, dtype=np.int64)
        ok = pred >= 0
        nodes = np.nonzero(ok)[0]
        for v in nodes.tolist():
            pred_edge[v] = self.graph.find_edge(int(pred[v]), v)
        return np.asarray(dist, dtype=np.float64), pred_edge

    def path(self, cost: FloatArray, src: int, dst: int) -> tuple[float, IntArray]:
        dist, pred = dijkstra(self._matrix(cost), indices=src, return_predecessors=True)
        if not np.isfinite(dist[dst]):
            return math.inf, np.empty(0, dtype=np.int64)
        nodes = [dst]
        while nodes[-1] != src:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        edges = [self.graph.find_edge(a, b) for a, b in zip(nodes[:-1], nodes[1:], strict=True)]
        return float(dist[dst]), np.asarray(edges, dtype=np.int64)


class NumbaEngine:
    """Compiled A* (admissible straight-line heuristic scaled by the cheapest cost per metre)."""

    name = "numba"

    def __init__(self, graph: StreetGraph) -> None:
        from routing import _numba_kernels as k

        self._k = k
        self.graph = graph
        self.sources = graph.edge_sources().astype(np.int64)
        # Straight-line distance in EPSG:27700 is slightly shorter than the surveyed length: keep a margin.
        chord = np.hypot(
            graph.node_x[self.sources] - graph.node_x[graph.indices],
            graph.node_y[self.sources] - graph.node_y[graph.indices],
        )
        self._chord_ratio = float(np.min(graph.length_m / np.maximum(chord, 1e-9))) if graph.n_edges else 1.0

    def _hscale(self, cost: FloatArray) -> float:
        per_m = float(np.min(cost / np.maximum(self.graph.length_m, 1e-9))) if cost.size else 1.0
        return 0.999 * per_m * min(1.0, self._chord_ratio)

    def path(self, cost: FloatArray, src: int, dst: int) -> tuple[float, IntArray]:
        g = self.graph
        total, edges = self._k.astar(
            g.indptr, g.indices, cost, g.node_x, g.node_y, src, dst, self._hscale(cost)
        )
        if not math.isfinite(total):
            return math.inf, np.empty(0, dtype=np.int64)
        return float(total), edges

    def tree(self, cost: FloatArray, src: int, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
        g = self.graph
        dist, pred = self._k.dijkstra_tree(g.indptr, g.indices, cost, src, limit)
        return dist, pred


def make_engine(graph: StreetGraph, *, prefer: str = "auto") -> PathEngine:
    """The fastest engine available (numba), or the scipy fallback."""
    if prefer in ("auto", "numba"):
        try:
            return NumbaEngine(graph)
        except ImportError:
            if prefer == "numba":
                raise
    return ScipyEngine(graph)
