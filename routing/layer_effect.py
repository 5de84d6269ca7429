"""What a risk layer does to routes before an officer relies on it: sample school routes through the places it
raises, solved on two forks of the live router (surface with and without the layer); how many safer routes change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from routing.graph import FloatArray
from routing.hotspot_effect import MAX_SAMPLES, _leg_points
from routing.router import DetourCap, Router, RoutingError


def layer_effect(
    router: Router,
    *,
    with_layer: FloatArray,
    without_layer: FloatArray,
    centres: Sequence[tuple[float, float]],
    schools: Sequence[tuple[float, float]],
    at: dt.datetime,
    cap: DetourCap | None = None,
) -> dict[str, Any]:
    """`sampled` routes heading through the layer's places, `changed` when the safer route differs with it."""
    cap = cap or DetourCap()
    on, off = router.fork(), router.fork()
    on.set_surface(with_layer)
    off.set_surface(without_layer)
    sampled = changed = 0
    legs = [leg for centre in centres for leg in _leg_points(centre, schools)[:2]]
    for (s_lat, s_lon), (t_lat, t_lon) in legs:
        if sampled >= MAX_SAMPLES:
            break
        try:
            _, before, _ = off.solve(
                from_lat=s_lat, from_lon=s_lon, to_lat=t_lat, to_lon=t_lon, at=at, cap=cap
            )
            _, after, _ = on.solve(from_lat=s_lat, from_lon=s_lon, to_lat=t_lat, to_lon=t_lon, at=at, cap=cap)
        except RoutingError:
            continue
        sampled += 1
        if not np.array_equal(before[1][1], after[1][1]):
            changed += 1
    return {
        "sampled": sampled,
        "changed": changed,
        "detour_cap": {"max_pct": cap.max_pct, "max_m": cap.max_m},
    }


__all__ = ["layer_effect"]
