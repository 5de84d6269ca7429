"""Top streets for the quarterly review: points go to the nearest street within 50 m, and a street is one row
however many segments it has (unconnected streets of the same name stay apart)."""

from __future__ import annotations

import numpy as np

from routing.graph import StreetGraph
from routing.segments import count_by_street


def _graph(
    nodes: list[tuple[float, float]], edges: list[tuple[int, int, int]], names: tuple[str, ...]
) -> StreetGraph:
    """Nodes in metres (x, y); undirected edges (u, v, name index or -1), stored in both directions."""
    directed = sorted({(u, v, n) for u, v, n in edges} | {(v, u, n) for u, v, n in edges})
    x = np.array([p[0] for p in nodes], dtype=np.float64)
    y = np.array([p[1] for p in nodes], dtype=np.float64)
    src = np.array([e[0] for e in directed])
    dst = np.array([e[1] for e in directed], dtype=np.int32)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=len(nodes)))]).astype(np.int64)
    m = len(directed)
    return StreetGraph(
        node_x=x, node_y=y, node_lat=y / 1e5, node_lon=x / 1e5, indptr=indptr, indices=dst,
        length_m=np.hypot(x[src] - x[dst], y[src] - y[dst]),
        geom_offsets=np.arange(0, 2 * m + 1, 2, dtype=np.int64), geom_lat=np.zeros(2 * m), geom_lon=np.zeros(2 * m),
        name_idx=np.array([e[2] for e in directed], dtype=np.int32), names=names,
        lit=np.zeros(m, dtype=np.int8), highway_idx=np.zeros(m, dtype=np.int32), highways=("residential",),
    )  # fmt: skip


def test_a_long_street_is_one_row_and_same_named_streets_apart_stay_apart() -> None:
    # High Street: 0-1-2-3 along y=0 (three segments). Church Road: 4-5 at y=100, and another Church Road
    # 6-7 at y=1000 not connected to it. An unnamed path 1-4 joins High Street to the first Church Road.
    nodes = [(0, 0), (100, 0), (200, 0), (300, 0), (100, 100), (200, 100), (0, 1000), (100, 1000)]
    edges = [(0, 1, 0), (1, 2, 0), (2, 3, 0), (4, 5, 1), (6, 7, 1), (1, 4, -1)]
    graph = _graph(nodes, edges, ("High Street", "Church Road"))
    xs = [50, 150, 250, 260, 150, 50, 98, 2000]
    ys = [5, -5, 3, 2, 104, 1003, 50, 2000]
    counts, off = count_by_street(graph, xs=xs, ys=ys)
    rows = sorted(((c.name, c.points, c.segments) for c in counts.values()), key=lambda r: (-r[1], r[0]))
    assert rows == [
        ("High Street", 4, 3),
        ("Church Road", 1, 1),
        ("Church Road", 1, 1),
        ("an unnamed path off High Street", 1, 1),
    ]
    assert off == 1  # the point 2 km away is on no mapped street
    assert count_by_street(graph, xs=[], ys=[]) == ({}, 0)
