"""The flow map document: streets with expected pupils per 5-minute window, suppressed under the threshold."""

from __future__ import annotations

from typing import Any

import numpy as np

from insights.analysis import Analysis
from insights.conflicts import OBJECTIVE, segment_conflict
from insights.patrol import street_name
from insights.suppression import FEWER, shown

MAX_SEGMENTS = 1500  # the busiest streets are sent; quieter ones add nothing a person can read on the map


def edge_coords(analysis: Analysis, edge: int) -> list[list[float]]:
    g = analysis.router.graph
    a, b = int(g.geom_offsets[edge]), int(g.geom_offsets[edge + 1])
    coords: list[list[float]] = np.column_stack(
        [np.round(g.geom_lon[a:b], 5), np.round(g.geom_lat[a:b], 5)]
    ).tolist()
    return coords


def flows_document(analysis: Analysis) -> dict[str, Any]:
    """Windows, schools and streets; a street is listed only when some window has at least the threshold."""
    grid = analysis.grid
    ids, total = analysis.total_flow()
    below = analysis.params.suppress_below
    visible = np.flatnonzero(total.max(axis=1) >= below - 0.5) if len(ids) else np.zeros(0, dtype=np.int64)
    visible = visible[np.argsort(-total[visible].sum(axis=1))][:MAX_SEGMENTS]
    active = np.flatnonzero(total.max(axis=0) >= below - 0.5) if len(ids) else np.zeros(0, dtype=np.int64)
    k0, k1 = (int(active.min()), int(active.max()) + 1) if len(active) else (0, 0)
    meeting = np.zeros((len(ids), grid.count), dtype=np.int64)
    for f in analysis.flows:
        meeting[np.searchsorted(ids, f.segments)] += (f.flow >= 1.0).astype(np.int64)
    conflict = segment_conflict(
        analysis.flows, [0] * len(analysis.flows), risk=analysis.seg_risk, segments=ids[visible]
    )
    streets = []
    for j, i in enumerate(visible):
        edge = int(analysis.segments.first_edge[ids[i]])
        streets.append(
            {
                "street": street_name(analysis, edge),
                "coordinates": edge_coords(analysis, edge),
                "pupils": [shown(float(v)) for v in total[i, k0:k1]],
                "schools_meeting": [int(v) for v in meeting[i, k0:k1]],
                "conflict": round(float(conflict[j]), 3),
            }
        )
    return {
        "area": analysis.area,
        "date": analysis.day.isoformat(),
        "windows": [grid.at(k).strftime("%H:%M") for k in range(k0, k1)],
        "window_min": grid.window_s // 60,
        "schools": [
            {
                "urn": s.urn,
                "name": s.name,
                "lat": s.lat,
                "lon": s.lon,
                "finishes": [{"group": g, "time": t.strftime("%H:%M")} for g, t in s.finishes],
                "walking_pupils": shown(h.walking_pupils),
                "pupils_source": h.source,
                "imported_on": s.imported_on,
                "notes": h.notes,
            }
            for s, h in zip(analysis.schools, analysis.homes, strict=True)
        ],
        "streets": streets,
        "suppressed_text": FEWER,
        "objective": OBJECTIVE,
        "assumptions": analysis.assumptions(),
    }
