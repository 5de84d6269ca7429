"""The served crime surface as separately weighted, dated layers (MPS LSOA counts, police.uk points, aggregates).

Each layer is a per-edge array normalised so its length-weighted mean over streets with any signal is 1. The
base surface is the weighted mean of the layers in use; a point layer whose newest month is older than the
policy's maximum age is left out (and says why), so a 2018 month never steers a 2026 route by default.
A surface is saved beside the previous one (`surface-<n>.npz`) and swapped into routers whole.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from routing.graph import FloatArray, StreetGraph
from routing.risk import RiskConfig, lsoa_street_density, normalise, point_density, recency_weights

# Default layer weights, from `wayhome eval risk` (BENCHMARKS.md "Risk surface evaluation"): on the held-out
# months a 0.1 share of the police.uk point kernel beside 0.9 of the MPS LSOA layer scored best (PAI 20%); 0.2 and
# the earlier 0.4 scored worse. Aggregate layers are unscored (no data ship with the packs): 0.2 each is a stated
# prior, and they enter only where the data-sharing setting allows.
DEFAULT_LAYER_WEIGHTS: Mapping[str, float] = {
    "mps_lsoa": 0.9,
    "policeuk_points": 0.1,
    "ambulance_lsoa": 0.2,
    "transport_lsoa": 0.2,
    "istv_lsoa": 0.2,
    # young people's survey pins: how unsafe a place *feels*, not recorded crime; a stated prior, lower than any
    # crime layer, and only when an officer turns it on for the area (issue 16 item 4)
    "perceived_grid": 0.1,
}
OFFICER_LAYERS = frozenset({"perceived_grid"})
SHARED_LAYERS = frozenset({"ambulance_lsoa", "transport_lsoa", "istv_lsoa"})
LAYER_LABELS: Mapping[str, str] = {
    "mps_lsoa": "Metropolitan Police recorded crime by LSOA",
    "policeuk_points": "police.uk street-level crimes",
    "ambulance_lsoa": "London Ambulance Service assault calls by LSOA",
    "transport_lsoa": "TfL / British Transport Police offences by LSOA",
    "istv_lsoa": "Emergency department assault attendances (ISTV)",
    "perceived_grid": "Where young people told our survey they feel unsafe (100 m squares, 10 or more answers)",
}


@dataclass(frozen=True)
class Layer:
    """One source on the streets: normalised per-edge values and the months it covers (YYYY-MM)."""

    key: str
    values: FloatArray
    first_month: str
    last_month: str
    kind: str = "counts"  # counts | points | shared | perceived


@dataclass(frozen=True)
class SurfacePolicy:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_LAYER_WEIGHTS))
    max_point_age_months: int = 24
    allow_shared: bool = False
    risk_cap: float = 6.0
    officer_layers_on: frozenset[str] = frozenset()  # officer-controlled layers turned on for this area


@dataclass(frozen=True)
class Surface:
    base: FloatArray
    layers: tuple[dict[str, Any], ...]

    def data_as_of(self) -> list[dict[str, Any]]:
        """The route envelope's per-source dates: every layer, whether it is in use and why not."""
        return [dict(layer) for layer in self.layers]


def month_age(month: str, *, today: dt.date) -> int:
    """Whole months between `month` (YYYY-MM) and today's month."""
    return (today.year - int(month[:4])) * 12 + (today.month - int(month[5:7]))


def _why_not(layer: Layer, policy: SurfacePolicy, today: dt.date) -> str:
    if policy.weights.get(layer.key, 0.0) <= 0:
        return "weight 0"
    if not np.any(layer.values > 0):
        return "no data on these streets"
    if layer.kind == "points" and month_age(layer.last_month, today=today) > policy.max_point_age_months:
        return f"older than {policy.max_point_age_months} months"
    if layer.key in SHARED_LAYERS and not policy.allow_shared:
        return "the partnership's data-sharing setting does not allow it"
    if layer.key in OFFICER_LAYERS and layer.key not in policy.officer_layers_on:
        return "officers have not turned it on for this area"
    return ""


def compose(
    layers: Sequence[Layer], *, n_edges: int, policy: SurfacePolicy, today: dt.date | None = None
) -> Surface:
    """Weighted mean of the layers in use, capped; the description lists every layer with its dates."""
    today = today or dt.datetime.now(dt.UTC).date()
    total = np.zeros(n_edges)
    weight_sum = 0.0
    described: list[dict[str, Any]] = []
    for layer in layers:
        reason = _why_not(layer, policy, today)
        weight = float(policy.weights.get(layer.key, 0.0))
        if not reason:
            total += weight * layer.values
            weight_sum += weight
        described.append(
            {
                "source": layer.key,
                "name": LAYER_LABELS.get(layer.key, layer.key),
                "from": layer.first_month,
                "to": layer.last_month,
                "in_use": not reason,
                "weight": round(weight, 3) if not reason else 0.0,
                **({"not_used_because": reason} if reason else {}),
            }
        )
    base = total / weight_sum if weight_sum > 0 else total
    base = np.clip(base, 0.0, policy.risk_cap)
    return Surface(base=np.asarray(base, dtype=np.float64), layers=tuple(described))


def save_surface(path: Path, surface: Surface) -> None:
    """Write beside the current file and rename into place: a reader never sees half a surface."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npz")
    np.savez(tmp, base=surface.base, layers=np.array(json.dumps(list(surface.layers))))
    tmp.replace(path)


def load_surface(path: Path) -> Surface:
    with np.load(path) as data:
        base = np.asarray(data["base"], dtype=np.float64)
        layers = json.loads(str(data["layers"]))
    return Surface(base=base, layers=tuple(layers))


# ---- building layers --------------------------------------------------------------------------------------


def point_layer(
    graph: StreetGraph,
    *,
    months: Sequence[str],
    categories: Sequence[str],
    lats: Sequence[float],
    lons: Sequence[float],
    config: RiskConfig,
) -> Layer:
    """Kernel density of police.uk points (category weight x recency decay from the newest month)."""
    weights = np.array([config.point_weights.get(c, 0.0) for c in categories], dtype=np.float64)
    keep = weights > 0
    used = [m for m, k in zip(months, keep.tolist(), strict=True) if k]
    if not used:
        return Layer("policeuk_points", np.zeros(graph.n_edges), "", "", kind="points")
    latest = max(used)
    weights = weights[keep] * recency_weights(
        used, latest=latest, half_life_months=config.recency_half_life_months
    )
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = tr.transform(np.asarray(lons, dtype=np.float64)[keep], np.asarray(lats, dtype=np.float64)[keep])
    dens = point_density(
        graph, points_xy=np.column_stack([x, y]), weights=weights, bandwidth_m=config.bandwidth_m
    )
    return Layer(
        "policeuk_points", normalise(dens, length_m=graph.length_m), min(used), latest, kind="points"
    )


def lsoa_count_layer(
    graph: StreetGraph,
    *,
    key: str,
    edge_lsoa: Sequence[str | None],
    counts: Mapping[str, float],
    first_month: str,
    last_month: str,
) -> Layer:
    """An aggregate (counts per LSOA, already recency-weighted) spread evenly over each LSOA's streets."""
    dens = lsoa_street_density(graph, edge_lsoa=edge_lsoa, lsoa_weight=counts)
    kind = "shared" if key in SHARED_LAYERS else "counts"
    return Layer(key, normalise(dens, length_m=graph.length_m), first_month, last_month, kind=kind)


def grid_count_layer(
    graph: StreetGraph,
    *,
    key: str,
    cells: Mapping[tuple[int, int], float],
    cell_m: float,
    first_month: str,
    last_month: str,
) -> Layer:
    """Counts per grid square (south-west corner in EPSG:27700 metres) on the streets whose midpoint is inside."""
    src = np.repeat(np.arange(graph.n_nodes), np.diff(graph.indptr))
    mid_x = (graph.node_x[src] + graph.node_x[graph.indices]) / 2.0
    mid_y = (graph.node_y[src] + graph.node_y[graph.indices]) / 2.0
    col = (np.floor(mid_x / cell_m) * cell_m).astype(np.int64)
    row = (np.floor(mid_y / cell_m) * cell_m).astype(np.int64)
    values = np.zeros(graph.n_edges)
    for (east, north), count in cells.items():
        values[(col == east) & (row == north)] = float(count)
    return Layer(key, normalise(values, length_m=graph.length_m), first_month, last_month, kind="perceived")
