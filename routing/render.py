"""Route features as GeoJSON: coordinates (as lists, or as JSON text cached per edge) and their properties."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from routing.graph import FloatArray, IntArray, StreetGraph
from routing.risk import effective_lit

WALK_SPEED_MPS = 1.3  # about 4.7 km/h, an unhurried walk
HAVEN_NEARBY_M = 100.0


@dataclass(frozen=True)
class HavenRef:
    id: int
    lat: float
    lon: float
    open_now: bool | None


class RouteRenderer:
    """Per-graph arrays for rendering routes; coordinates rounded to 6 dp exactly as numpy rounds them."""

    def __init__(self, graph: StreetGraph, *, to_xy: Callable[..., Any]) -> None:
        self.graph = graph
        self._to_xy = to_xy
        gx, gy = to_xy(graph.geom_lon, graph.geom_lat)
        self._geom_x, self._geom_y = np.asarray(gx, dtype=np.float64), np.asarray(gy, dtype=np.float64)
        self._geom_lon6, self._geom_lat6 = np.round(graph.geom_lon, 6), np.round(graph.geom_lat, 6)
        self._node_lon6, self._node_lat6 = np.round(graph.node_lon, 6), np.round(graph.node_lat, 6)
        self._edge_texts: dict[int, str] = {}
        self._haven_xy_cache: tuple[Any, FloatArray] | None = None
        self._haven_tree_cache: tuple[Any, cKDTree] | None = None
        self._lit = effective_lit(graph)

    def geom_index(self, edges: IntArray) -> IntArray:
        """Geometry point indices along the edges, skipping each edge's first (the previous edge's last)."""
        g = self.graph
        starts, ends = g.geom_offsets[edges] + 1, g.geom_offsets[edges + 1]
        counts = ends - starts
        base = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return np.asarray(base + np.arange(counts.sum()), dtype=np.int64)

    def edge_text(self, e: int) -> str:
        """`,[lon,lat]` for an edge's geometry after its first point (the same text json.dumps would write)."""
        text = self._edge_texts.get(e)
        if text is None:
            g = self.graph
            a, b = int(g.geom_offsets[e]) + 1, int(g.geom_offsets[e + 1])
            lons, lats = self._geom_lon6[a:b].tolist(), self._geom_lat6[a:b].tolist()
            text = "".join(f",[{lo!r},{la!r}]" for lo, la in zip(lons, lats, strict=True))
            self._edge_texts[e] = text
        return text

    def coords_text(self, edges: IntArray, src: int) -> str:
        first = f"[{float(self._node_lon6[src])!r},{float(self._node_lat6[src])!r}]"
        if not edges.size:
            return f"[{first},{first}]"
        return "[" + first + "".join([self.edge_text(e) for e in edges.tolist()]) + "]"

    def properties(
        self,
        kind: str,
        edges: IntArray,
        short_len: float,
        exposure: float,
        saved_pct: float,
        havens: Sequence[HavenRef],
        src: int,
        ends_m: float = 0.0,
    ) -> dict[str, Any]:
        """`length_m` and `duration_s` include `ends_m`, the walk from each end to the nearest street, so a route's
        distance is the one the nearest-places list shows for the same trip."""
        g = self.graph
        length = float(g.length_m[edges].sum())
        ni = g.name_idx[edges]
        ni = ni[ni >= 0]
        if ni.size:
            ni = ni[np.concatenate([[True], ni[1:] != ni[:-1]])]
        names = [g.names[i] for i in ni.tolist()]
        lit_fraction = float(np.sum(g.length_m[edges] * self._lit[edges]) / length) if length > 0 else 1.0
        nearby: list[int] = []
        if havens:
            if edges.size:
                idx = self.geom_index(edges)
                xs, ys = self._geom_x[idx], self._geom_y[idx]
            else:
                xs, ys = g.node_x[[src]], g.node_y[[src]]
            tree = self.haven_tree(havens)  # built once per haven list, not per route
            hits = tree.query_ball_point(np.column_stack([xs, ys]), r=HAVEN_NEARBY_M)
            near = set().union(*hits) if len(hits) else set()
            nearby = [h.id for i, h in enumerate(havens) if i in near]
        return {
            "kind": kind,
            "length_m": round(length + ends_m, 1),
            "duration_s": round((length + ends_m) / WALK_SPEED_MPS),
            "exposure": round(exposure / 1000.0, 4),
            "exposure_saved_pct": round(saved_pct, 1),
            "extra_length_m": round(length - short_len, 1),
            "lit_fraction": round(lit_fraction, 3),
            "havens_nearby": nearby,
            "streets": names,
        }

    def haven_tree(self, havens: Sequence[HavenRef]) -> cKDTree:
        """A KD-tree of the projected havens, kept for the last haven list (the API reuses one list per minute)."""
        key = tuple((h.id, h.lat, h.lon) for h in havens)
        cached = self._haven_tree_cache
        if cached is None or cached[0] != key:
            cached = self._haven_tree_cache = (key, cKDTree(self.haven_xy(havens)))
        return cached[1]

    def haven_xy(self, havens: Sequence[HavenRef]) -> FloatArray:
        """Projected haven points, cached for the last haven list (the API reuses one list per minute)."""
        key = tuple((h.id, h.lat, h.lon) for h in havens)
        cached = self._haven_xy_cache
        if cached is None or cached[0] != key:
            hx, hy = self._to_xy(np.array([h.lon for h in havens]), np.array([h.lat for h in havens]))
            cached = self._haven_xy_cache = (key, np.column_stack([hx, hy]))
        return cached[1]
