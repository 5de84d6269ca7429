"""Points counted on street segments and grouped by street, for the quarterly review's "top streets".

A point goes to the nearest walking edge (within `MAX_SNAP_M`); edges of the same name that touch form one
street, so a long road is one row however many segments it has (two unconnected streets of the same name stay
two rows). An unnamed path is its own group, named after a street it meets when it meets one.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from routing.graph import StreetGraph
from routing.risk import edge_sample_points

MAX_SNAP_M = 50.0
UNNAMED = "an unnamed path"


@dataclass(frozen=True)
class StreetIndex:
    tree: cKDTree
    owner: np.ndarray  # sample point -> edge
    group: np.ndarray  # edge -> street group id
    group_names: tuple[str, ...]
    segment: np.ndarray  # edge -> undirected segment id (an edge and its reverse share one)


@dataclass(frozen=True)
class StreetCount:
    name: str
    points: int
    segments: int  # segments of this street with at least one point


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def build_index(graph: StreetGraph) -> StreetIndex:
    src = graph.edge_sources().astype(np.int64)
    dst = graph.indices.astype(np.int64)
    names = graph.name_idx.astype(np.int64)
    n = graph.n_edges
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    _, segment = np.unique(lo * (graph.n_nodes + 1) + hi, return_inverse=True)
    parent = list(range(n))
    # An edge joins the first edge of its segment (its reverse), and named edges join same-named edges at a node.
    first_of_segment: dict[int, int] = {}
    for e, s in enumerate(segment.tolist()):
        root = first_of_segment.setdefault(s, e)
        if root != e:
            parent[_find(parent, e)] = _find(parent, root)
    first_at: dict[tuple[int, int], int] = {}
    for e in np.flatnonzero(names >= 0).tolist():
        for node in (int(src[e]), int(dst[e])):
            root = first_at.setdefault((node, int(names[e])), e)
            if root != e:
                a, b = _find(parent, e), _find(parent, root)
                if a != b:
                    parent[a] = b
    roots = np.array([_find(parent, e) for e in range(n)], dtype=np.int64)
    _, group = np.unique(roots, return_inverse=True)
    label: dict[int, str] = {}
    named_at: dict[int, str] = {}
    for e in np.flatnonzero(names >= 0).tolist():
        label.setdefault(int(group[e]), graph.names[int(names[e])])
        named_at.setdefault(int(src[e]), graph.names[int(names[e])])
        named_at.setdefault(int(dst[e]), graph.names[int(names[e])])
    for e in np.flatnonzero(names < 0).tolist():
        if int(group[e]) not in label:
            near = named_at.get(int(src[e])) or named_at.get(int(dst[e]))
            label[int(group[e])] = f"{UNNAMED} off {near}" if near else UNNAMED
    xy, owner = edge_sample_points(graph, step_m=10.0)
    return StreetIndex(
        tree=cKDTree(xy),
        owner=owner.astype(np.int64),
        group=group.astype(np.int64),
        group_names=tuple(label.get(g, UNNAMED) for g in range(int(group.max()) + 1 if n else 0)),
        segment=segment.astype(np.int64),
    )


_CACHE: dict[int, tuple[StreetGraph, StreetIndex]] = {}
_LOCK = threading.Lock()


def index_for(graph: StreetGraph) -> StreetIndex:
    """One index per graph (built once; the graph is immutable)."""
    with _LOCK:
        hit = _CACHE.get(id(graph))
        if hit is not None and hit[0] is graph:
            return hit[1]
    index = build_index(graph)
    with _LOCK:
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(graph)] = (graph, index)
    return index


def count_by_street(
    graph: StreetGraph, *, xs: Sequence[float], ys: Sequence[float]
) -> tuple[dict[str, StreetCount], int]:
    """Points (EPSG:27700 metres) per street group, keyed by a stable group key; and how many were off-street."""
    if not len(xs):
        return {}, 0
    index = index_for(graph)
    dist, nearest = index.tree.query(np.column_stack([np.asarray(xs), np.asarray(ys)]))
    near = dist <= MAX_SNAP_M
    edges = index.owner[nearest[near]]
    groups = index.group[edges]
    points: Counter[int] = Counter(groups.tolist())
    segments: dict[int, set[int]] = {}
    for g, s in zip(groups.tolist(), index.segment[edges].tolist(), strict=True):
        segments.setdefault(g, set()).add(s)
    out = {
        f"{index.group_names[g]}#{g}": StreetCount(
            name=index.group_names[g], points=n, segments=len(segments[g])
        )
        for g, n in points.items()
    }
    return out, int((~near).sum())
