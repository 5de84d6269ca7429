"""Shortest-path engines over the frozen CSR graph, behind one small interface.

`AltEngine` (compiled A* with ALT landmark bounds) is used when numba imports; `NumbaEngine` (compiled A* with a
straight-line heuristic) and `ScipyEngine` (scipy.sparse.csgraph, the pure fallback) stay available. All three are
checked against networkx in tests.

A lower bound stays valid when weights only go up, so the caller may pass a `floor` cost (<= the real cost on
every edge, e.g. risk without hotspots, time multipliers or lighting): landmark tables are built once per floor
and survive hotspot and time-of-day changes. Without a floor the length tables are scaled by min(cost/length).
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.graph import FloatArray, IntArray, StreetGraph

# (key, cost array that is <= the query cost on every edge); the key names the array for caching.
LowerBound = tuple[Hashable, FloatArray]
LENGTH = "length"  # floor key of the plain length metric (tables always present)
Float32Array = npt.NDArray[np.float32]
Tables = tuple[Float32Array, Float32Array]  # (n, landmarks): d(landmark -> v), d(v -> landmark)


class PathEngine(Protocol):
    name: str

    def path(
        self, cost: FloatArray, src: int, dst: int, *, floor: LowerBound | None = None
    ) -> tuple[float, IntArray]:
        """(total cost, edge ids in order); (inf, empty) when unreachable. `floor` is an optional hint."""

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

    def path(
        self, cost: FloatArray, src: int, dst: int, *, floor: LowerBound | None = None
    ) -> tuple[float, IntArray]:
        dist, pred = dijkstra(self._matrix(cost), indices=src, return_predecessors=True)
        if not np.isfinite(dist[dst]):
            return math.inf, np.empty(0, dtype=np.int64)
        nodes = [dst]
        while nodes[-1] != src:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        edges = [self.graph.find_edge(a, b) for a, b in itertools.pairwise(nodes)]
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

    def path(
        self, cost: FloatArray, src: int, dst: int, *, floor: LowerBound | None = None
    ) -> tuple[float, IntArray]:
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


class _Workspace:
    """Per-thread search arrays reused across queries; entries count only where `seen`/`closed` == stamp."""

    def __init__(self, n_nodes: int, n_edges: int) -> None:
        self.g = np.empty(n_nodes)
        self.pred = np.empty(n_nodes, dtype=np.int64)
        self.h = np.empty(n_nodes)
        self.seen = np.zeros(n_nodes, dtype=np.int64)
        self.closed = np.zeros(n_nodes, dtype=np.int64)
        self.heap_key = np.empty(n_edges + 1)
        self.heap_val = np.empty(n_edges + 1, dtype=np.int64)
        self.stamp = 0


class AltEngine:
    """Compiled A* with ALT (landmarks + triangle inequality) bounds; exact for any cost >= the floor."""

    name = "numba-alt"

    def __init__(self, graph: StreetGraph, *, landmarks: int = 16, max_tables: int = 24) -> None:
        from routing import _numba_kernels as k

        self._k = k
        self.graph = graph
        self.sources = graph.edge_sources().astype(np.int64)
        order = np.argsort(graph.indices, kind="stable")
        self._rev_perm = order.astype(np.int64)  # reverse-graph edge i = forward edge order[i]
        self._rev_indices = self.sources[order]
        self._rev_indptr = np.concatenate(
            [[0], np.cumsum(np.bincount(graph.indices, minlength=graph.n_nodes))]
        ).astype(np.int64)
        self._lock = threading.Lock()
        self._tables: OrderedDict[Hashable, Tables] = OrderedDict()
        self._pending: dict[Hashable, Future[Tables]] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alt-tables")
        self.max_tables = max_tables
        self.landmarks = self._pick_landmarks(landmarks)
        self._length_tables = self._build_tables(graph.length_m)
        self._local = threading.local()

    def _workspace(self) -> _Workspace:
        ws: _Workspace | None = getattr(self._local, "ws", None)
        if ws is None:
            ws = self._local.ws = _Workspace(self.graph.n_nodes, self.graph.n_edges)
        ws.stamp += 1
        return ws

    def _pick_landmarks(self, count: int) -> IntArray:
        """Farthest-point landmarks on length (spread to the edges of the area, as ALT wants)."""
        g = self.graph
        if g.n_nodes == 0:
            return np.empty(0, dtype=np.int64)
        centre = int(np.argmin(np.hypot(g.node_x - g.node_x.mean(), g.node_y - g.node_y.mean())))
        nearest = self._fwd_tree(g.length_m, centre)
        nearest[~np.isfinite(nearest)] = -1.0  # never pick what the centre cannot reach
        chosen: list[int] = []
        for _ in range(min(count, g.n_nodes)):
            pick = int(np.argmax(nearest))
            if chosen and nearest[pick] <= 0:
                break
            chosen.append(pick)
            nearest = np.minimum(nearest, self._fwd_tree(g.length_m, pick))
        return np.asarray(chosen, dtype=np.int64)

    def _fwd_tree(self, cost: FloatArray, src: int) -> FloatArray:
        g = self.graph
        dist, _ = self._k.dijkstra_tree(g.indptr, g.indices, cost, src, math.inf)
        return np.asarray(dist, dtype=np.float64)

    def _build_tables(self, floor: FloatArray) -> tuple[Float32Array, Float32Array]:
        rev_cost = np.ascontiguousarray(floor[self._rev_perm])
        n, k = self.graph.n_nodes, self.landmarks.size
        fwd, bwd = np.empty((n, k), dtype=np.float32), np.empty((n, k), dtype=np.float32)
        for j, lm in enumerate(self.landmarks.tolist()):
            fwd[:, j] = self._fwd_tree(floor, lm)
            bwd[:, j] = self._k.dijkstra_tree(self._rev_indptr, self._rev_indices, rev_cost, lm, math.inf)[0]
        return fwd, bwd

    def tables(self, key: Hashable, floor: FloatArray, *, wait: bool = True) -> Tables | None:
        """Landmark tables for a floor; with wait=False a missing one is built in the background (None now)."""
        tables = self._tables.get(key)
        if tables is not None:
            self._tables.move_to_end(key)
            return tables
        with self._lock:
            future = self._pending.get(key)
            if future is None:
                future = self._pending[key] = self._pool.submit(self._build_tables, floor.copy())
        if not wait and not future.done():
            return None
        tables = future.result()
        with self._lock:
            self._tables[key] = tables
            self._pending.pop(key, None)
            while len(self._tables) > self.max_tables:
                self._tables.popitem(last=False)
        return tables

    def path(
        self, cost: FloatArray, src: int, dst: int, *, floor: LowerBound | None = None
    ) -> tuple[float, IntArray]:
        g = self.graph
        tables = None
        scale = 1.0 - 1e-9  # margin for float sums
        if floor is not None:
            tables = (
                self._length_tables if floor[0] == LENGTH else self.tables(floor[0], floor[1], wait=False)
            )
        if tables is None:  # no floor, or its tables are still being built: scaled length bounds
            tables = self._length_tables
            scale = self._scale(cost, g.length_m)
        ws = self._workspace()
        total, edges = self._k.alt_astar(
            *(g.indptr, g.indices, cost, tables[0], tables[1], src, dst, scale),
            *(ws.g, ws.pred, ws.h, ws.seen, ws.closed, ws.stamp, ws.heap_key, ws.heap_val),
        )
        if not math.isfinite(total):
            return math.inf, np.empty(0, dtype=np.int64)
        return float(total), edges

    @staticmethod
    def _scale(cost: FloatArray, base: FloatArray) -> float:
        ok = base > 0
        return float(np.min(cost[ok] / base[ok])) * (1 - 1e-12) if np.any(ok) else 0.0

    def tree(self, cost: FloatArray, src: int, *, limit: float = math.inf) -> tuple[FloatArray, IntArray]:
        g = self.graph
        dist, pred = self._k.dijkstra_tree(g.indptr, g.indices, cost, src, limit)
        return dist, pred


def make_engine(graph: StreetGraph, *, prefer: str = "auto") -> PathEngine:
    """The fastest engine available (numba ALT), or the scipy fallback."""
    if prefer in ("auto", "alt", "numba"):
        try:
            return AltEngine(graph) if prefer != "numba" else NumbaEngine(graph)
        except ImportError:
            if prefer != "auto":
                raise
    return ScipyEngine(graph)
