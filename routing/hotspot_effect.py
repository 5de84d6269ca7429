"""What a hotspot would do before an officer saves it: how many sample school routes it changes, and if none, why.

Samples are routes from the area's schools nearest the hotspot to the point as far beyond its centre, so each
one heads through it. They are solved with and without the candidate on a fork of the live router (same
arrays, its own hotspot state), at a school-leaving time when the candidate is active.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from routing.flagged import flagged_on_route
from routing.risk import Hotspot
from routing.router import DetourCap, Router, RoutingError

MAX_SAMPLES = 8
MAX_SCHOOL_DISTANCE_M = 3000.0
MIN_LEG_M = 250.0
CANDIDATE_ID = -1
M_PER_DEG_LAT = 111_320.0


def _leg_points(
    centre: tuple[float, float], schools: Sequence[tuple[float, float]]
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """(school, point as far beyond the centre) for the nearest schools, nearest first."""
    lat0, lon0 = centre
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(lat0))
    ranked = []
    for lat, lon in schools:
        dy, dx = (lat - lat0) * M_PER_DEG_LAT, (lon - lon0) * m_per_deg_lon
        dist = math.hypot(dx, dy)
        if dist <= MAX_SCHOOL_DISTANCE_M:
            ranked.append((dist, lat, lon))
    ranked.sort()
    legs = []
    for dist, lat, lon in ranked[: MAX_SAMPLES * 2]:
        if dist < MIN_LEG_M:  # a school at the centre: walk out in a fixed direction instead
            far = (lat0 + MIN_LEG_M / M_PER_DEG_LAT, lon0)
        else:
            far = (2 * lat0 - lat, 2 * lon0 - lon)
        legs.append(((lat, lon), far))
    return legs


def hotspot_effect(
    router: Router,
    *,
    candidate: Hotspot,
    centre: tuple[float, float],
    schools: Sequence[tuple[float, float]],
    at: dt.datetime,
    cap: DetourCap | None = None,
) -> dict[str, Any]:
    """Sample routes that would use the candidate, how many go round it instead (`changed`), how many cannot."""
    cap = cap or DetourCap()
    trial = router.fork()
    trial.set_hotspots([*router._snapshot.hotspots, candidate])
    touched = trial._snapshot.contribs[candidate.id][0].astype(np.int64)
    names: list[str] = []
    for i in router.graph.name_idx[touched].tolist():
        if i >= 0 and router.graph.names[i] not in names:
            names.append(router.graph.names[i])
    result: dict[str, Any] = {
        "sampled": 0,
        "used": 0,
        "changed": 0,
        "still_passing": 0,
        "streets_inside": names[:8],
        "detour_cap": {"max_pct": cap.max_pct, "max_m": cap.max_m},
    }
    if touched.size == 0:
        return {**result, "verdict": "no_streets"}
    for (s_lat, s_lon), (t_lat, t_lon) in _leg_points(centre, schools):
        if result["sampled"] >= MAX_SAMPLES:
            break
        try:
            _, before_parts, _ = router.solve(
                from_lat=s_lat, from_lon=s_lon, to_lat=t_lat, to_lon=t_lon, at=at, cap=cap
            )
            _, after_parts, _ = trial.solve(
                from_lat=s_lat, from_lon=s_lon, to_lat=t_lat, to_lon=t_lon, at=at, cap=cap
            )
        except RoutingError:
            continue  # the far point is off the mapped streets: not a sample
        result["sampled"] += 1
        before, after = before_parts[1][1], after_parts[1][1]
        if bool(np.isin(before, touched).any()):
            result["used"] += 1
            ids, _ = flagged_on_route(
                trial.graph, edges=after, active=[candidate.id], contribs=trial._snapshot.contribs
            )
            if ids:
                result["still_passing"] += 1  # no way round within the cap
            else:
                result["changed"] += 1  # now goes round it
    if result["sampled"] == 0 or result["used"] == 0:
        verdict = "unused"
    elif result["changed"] == 0:
        verdict = "no_alternative"
    else:
        verdict = "changes_routes"
    return {**result, "verdict": verdict}


__all__ = ["CANDIDATE_ID", "hotspot_effect"]
