"""Shortest-path trees from fixed origins (schools), one set per weight snapshot, built in the background.

Schools are fixed origins: one full Dijkstra per school and weight gives every home's route by walking
predecessor edges. A missing tree never blocks a request: the caller answers with a point-to-point search
while the tree is built on a background thread (the compiled Dijkstra releases the GIL).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait

import numpy as np

from routing.graph import Int32Array, IntArray, StreetGraph

MAX_TREE_BYTES = 96 * 2**20  # trees kept per snapshot (int32 predecessor edge per node)
_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="route-trees"))
    return _POOL[0]


def tree_edges(graph: StreetGraph, pred: Int32Array, src: int, dst: int) -> IntArray:
    """Edge ids src -> dst read off a shortest-path tree (empty when dst is not reachable)."""
    from routing import _numba_kernels as k

    edges: IntArray = k.tree_path(graph.indptr, pred, src, dst)
    return edges


class OriginTrees:
    """LRU of predecessor trees keyed by (weight key, origin node); thread-safe."""

    def __init__(self, *, max_bytes: int = MAX_TREE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._trees: OrderedDict[Hashable, Int32Array] = OrderedDict()
        self._pending: set[Hashable] = set()
        self._futures: list[Future[None]] = []

    def __len__(self) -> int:
        return len(self._trees)

    def path(self, graph: StreetGraph, key: Hashable, src: int, dst: int) -> IntArray | None:
        """Edges src -> dst from the cached tree of (key, src), or None when that tree is not built yet."""
        with self._lock:
            pred = self._trees.get((key, src))
            if pred is not None:
                self._trees.move_to_end((key, src))
        return None if pred is None else tree_edges(graph, pred, src, dst)

    def build_later(self, key: Hashable, src: int, make_pred: Callable[[], IntArray]) -> None:
        """Queue the tree of (key, src) unless it is built or queued; `make_pred` returns predecessor edges."""
        tkey = (key, src)
        with self._lock:
            if tkey in self._pending or tkey in self._trees:
                return
            self._pending.add(tkey)
            self._futures = [f for f in self._futures if not f.done()]

        def build() -> None:
            try:
                pred = np.asarray(make_pred(), dtype=np.int32)
                with self._lock:
                    self._trees[tkey] = pred
                    while len(self._trees) > max(8, self.max_bytes // max(pred.nbytes, 1)):
                        self._trees.popitem(last=False)
            finally:
                with self._lock:
                    self._pending.discard(tkey)

        future = _pool().submit(build)
        with self._lock:
            self._futures.append(future)

    def wait(self, timeout_s: float = 60.0) -> None:
        """Block until the queued trees are built (benchmarks, tests)."""
        with self._lock:
            futures = list(self._futures)
        futures_wait(futures, timeout=timeout_s)
