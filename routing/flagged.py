"""Which officer-flagged areas a route still passes, and on which streets, so the walker can be told.

The safer route avoids hotspots only as far as the detour cap allows; when one stays on the way, the response
says so instead of letting the route look clear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from routing.graph import FloatArray, IntArray, StreetGraph


def flagged_on_route(
    graph: StreetGraph, *, edges: IntArray, active: Sequence[int], contribs: Mapping[int, FloatArray]
) -> tuple[list[int], list[str]]:
    """(ids of active hotspots the route passes, names of the route's streets inside them, in route order)."""
    if edges.size == 0 or not active:
        return [], []
    hit_ids: list[int] = []
    inside = np.zeros(edges.size, dtype=bool)
    for hotspot_id in active:
        touched = contribs[hotspot_id][0].astype(np.int64)
        on_route = np.isin(edges, touched)
        if on_route.any():
            hit_ids.append(hotspot_id)
            inside |= on_route
    names: list[str] = []
    for name_index in graph.name_idx[edges[inside]].tolist():
        if name_index >= 0 and graph.names[name_index] not in names:
            names.append(graph.names[name_index])
    return hit_ids, names


def flagged_note(streets: Sequence[str]) -> str:
    if not streets:
        return "This route still passes an area police have flagged; take care along the way."
    listed = streets[0] if len(streets) == 1 else ", ".join(streets[:-1]) + " and " + streets[-1]
    return f"This route still passes an area police have flagged; take care on {listed}."
