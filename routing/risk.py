"""Risk surface on street edges: past crime (points + LSOA counts), officer hotspots, time of day, lighting.

Risk is a dimensionless per-metre score (about 1 = a typical busy street of the area). Exposure of a route is
risk integrated along it, length-weighted. It summarises past reports; it is not a promise of safety.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from routing.graph import LIT_LIMITED, LIT_NO, LIT_UNKNOWN, FloatArray, StreetGraph

# police.uk categories -> weight: only the plan's street-violence categories (see PLAN_POINT_CATEGORIES).
DEFAULT_POINT_WEIGHTS: Mapping[str, float] = {
    "possession-of-weapons": 3.0,
    "robbery": 3.0,
    "violent-crime": 2.0,
    "violence-and-sexual-offences": 2.0,
}
# MPS LSOA major categories -> weight.
DEFAULT_LSOA_WEIGHTS: Mapping[str, float] = {
    "VIOLENCE AGAINST THE PERSON": 2.5,
    "ROBBERY": 3.0,
    "POSSESSION OF WEAPONS": 3.0,
    "PUBLIC ORDER OFFENCES": 0.5,
    "DRUG OFFENCES": 0.5,
}
# MPS LSOA minor categories that follow the plan (violence with injury, robbery, possession of weapons, knife
# crime), with their weight. Left out, on purpose: STALKING AND HARASSMENT (mostly online or between people who
# know each other: not street violence), VIOLENCE WITHOUT INJURY (the plan names violence *with* injury; much of
# it is domestic), DEATH SERIOUS INJURY ILLEGAL DRIVING (road traffic), ROBBERY OF BUSINESS PROPERTY (shops and
# premises, not people on foot), public order, drugs, theft and the rest. Knife crime has no LSOA or police.uk
# category: the MPS knife-crime dashboard is borough-level only, so it cannot rank streets; knife offences are
# inside the robbery, violence-with-injury and possession categories here.
DEFAULT_LSOA_MINOR_WEIGHTS: Mapping[str, float] = {
    "VIOLENCE WITH INJURY": 2.5,
    "HOMICIDE": 3.0,
    "ROBBERY OF PERSONAL PROPERTY": 3.0,
    "POSSESSION OF WEAPONS": 3.0,
}
# police.uk categories in the plan's street-violence set (the point layer). police.uk's "violent-crime"
# (violence and sexual offences) cannot be split further: it includes stalking and harassment, so it counts
# at a lower weight than robbery and weapons.
PLAN_POINT_CATEGORIES = ("possession-of-weapons", "robbery", "violent-crime", "violence-and-sexual-offences")
# Road types that are street-lit in London unless OSM says otherwise (rule for unknown `lit`).
LIT_BY_DEFAULT_HIGHWAYS = frozenset(
    {
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "residential",
        "unclassified",
        "living_street",
        "pedestrian",
    }
)


@dataclass(frozen=True)
class RiskConfig:
    """Tunable knobs; defaults chosen from `wayhome eval risk` (see BENCHMARKS.md)."""

    bandwidth_m: float = 150.0
    point_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_POINT_WEIGHTS))
    lsoa_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_LSOA_WEIGHTS))
    # When set (the default), LSOA counts are selected and weighted by MPS minor category instead of major.
    lsoa_minor_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_LSOA_MINOR_WEIGHTS))
    recency_half_life_months: float = 12.0
    lsoa_share: float = 0.6  # share of the base surface from LSOA counts when point data exists
    peak_multiplier: float = 1.3  # school days 15:00-18:00
    dark_multiplier: float = 1.5
    dark_unlit_add: float = 1.0  # lit=no after dark
    dark_limited_add: float = 0.5
    dark_unknown_path_add: float = 0.5  # unknown lighting on footpaths/tracks after dark counts as limited
    haven_radius_m: float = 150.0
    haven_factor: float = 0.8  # risk multiplier near an open Haven
    risk_cap: float = 6.0


def recency_weights(months: Sequence[str], *, latest: str, half_life_months: float) -> FloatArray:
    """Exponential decay by month age (YYYY-MM) relative to `latest`."""
    ly, lm = (int(p) for p in latest.split("-"))
    ages = np.array([(ly - int(m[:4])) * 12 + (lm - int(m[5:7])) for m in months], dtype=np.float64)
    return np.asarray(np.power(0.5, np.clip(ages, 0, None) / half_life_months), dtype=np.float64)


def edge_sample_points(graph: StreetGraph, *, step_m: float = 40.0) -> tuple[FloatArray, FloatArray]:
    """Points along each edge (straight chord, in metres) and, per point, the edge it belongs to."""
    src = graph.edge_sources()
    n = np.maximum(1, np.ceil(graph.length_m / step_m).astype(np.int64))
    owner = np.repeat(np.arange(graph.n_edges), n)
    starts = np.cumsum(n) - n
    frac = (np.arange(owner.size) - starts[owner] + 0.5) / n[owner]
    x0, y0 = graph.node_x[src][owner], graph.node_y[src][owner]
    x1, y1 = graph.node_x[graph.indices][owner], graph.node_y[graph.indices][owner]
    xy = np.column_stack([x0 + (x1 - x0) * frac, y0 + (y1 - y0) * frac])
    return xy, owner.astype(np.float64)


def _edge_mean(values: FloatArray, owner: FloatArray, n_edges: int) -> FloatArray:
    idx = owner.astype(np.int64)
    total = np.bincount(idx, weights=values, minlength=n_edges)
    count = np.bincount(idx, minlength=n_edges)
    return np.asarray(total / np.maximum(count, 1), dtype=np.float64)


def point_density(
    graph: StreetGraph, *, points_xy: FloatArray, weights: FloatArray, bandwidth_m: float
) -> FloatArray:
    """Gaussian kernel density of weighted crime points, averaged along each edge (weight per km²)."""
    if points_xy.shape[0] == 0:
        return np.zeros(graph.n_edges)
    xy, owner = edge_sample_points(graph)
    tree = cKDTree(points_xy)
    dens = np.zeros(xy.shape[0])
    for i, neigh in enumerate(tree.query_ball_point(xy, r=3.0 * bandwidth_m)):
        if neigh:
            d2 = np.sum((points_xy[neigh] - xy[i]) ** 2, axis=1)
            dens[i] = float(np.sum(weights[neigh] * np.exp(-d2 / (2.0 * bandwidth_m**2))))
    dens *= 1e6 / (2.0 * math.pi * bandwidth_m**2)
    return _edge_mean(dens, owner, graph.n_edges)


def lsoa_street_density(
    graph: StreetGraph, *, edge_lsoa: Sequence[str | None], lsoa_weight: Mapping[str, float]
) -> FloatArray:
    """Spread each LSOA's weighted count evenly over its streets: weight per km of street."""
    codes = np.array([c or "" for c in edge_lsoa])
    out = np.zeros(graph.n_edges)
    for code in set(codes.tolist()) - {""}:
        mask = codes == code
        street_km = float(graph.length_m[mask].sum()) / 1000.0
        if street_km > 0:
            out[mask] = lsoa_weight.get(code, 0.0) / street_km
    return out


def normalise(values: FloatArray, *, length_m: FloatArray) -> FloatArray:
    """Scale so the length-weighted mean over positive streets is 1 (comparable across components)."""
    pos = values > 0
    if not pos.any():
        return np.zeros_like(values)
    mean = float(np.sum(values[pos] * length_m[pos]) / np.sum(length_m[pos]))
    return np.asarray(values / mean, dtype=np.float64)


def combine_base(
    *, point_n: FloatArray, lsoa_n: FloatArray, has_points: bool, config: RiskConfig
) -> FloatArray:
    """Base surface: LSOA counts everywhere, blended with point KDE where point data exists."""
    base = lsoa_n if not has_points else config.lsoa_share * lsoa_n + (1 - config.lsoa_share) * point_n
    return np.asarray(np.clip(base, 0.0, config.risk_cap), dtype=np.float64)


# ---- officer hotspots -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeWindow:
    """Active window: ISO weekdays (1=Mon) and local start/end times ("15:00", "18:00")."""

    days: tuple[int, ...]
    start: dt.time
    end: dt.time

    def contains(self, local: dt.datetime) -> bool:
        if local.isoweekday() not in self.days:
            return False
        t = local.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end


@dataclass(frozen=True)
class Hotspot:
    """An officer hotspot: a circle (lat/lon + radius_m) or a polygon given as projected shapely geometry."""

    id: int
    weight: float
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    polygon_xy: Any = None  # shapely geometry in EPSG:27700
    windows: tuple[TimeWindow, ...] = ()
    expires_at: dt.datetime | None = None
    version: str = ""

    def active(self, at: dt.datetime) -> bool:
        if self.expires_at is not None and at >= self.expires_at:
            return False
        return not self.windows or any(w.contains(at) for w in self.windows)


def hotspot_edges(
    graph: StreetGraph, hotspot: Hotspot, *, tree: cKDTree, xy: FloatArray, owner: FloatArray, to_xy: Any
) -> FloatArray:
    """Edges touched by a hotspot (sampled along edges): 2xk array of edge ids and added risk."""
    if hotspot.polygon_xy is not None:
        import shapely

        minx, miny, maxx, maxy = hotspot.polygon_xy.bounds
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        r = math.hypot(maxx - cx, maxy - cy)
        cand = np.asarray(tree.query_ball_point([cx, cy], r=r), dtype=np.int64)
        if cand.size:
            inside = shapely.contains_xy(hotspot.polygon_xy, xy[cand, 0], xy[cand, 1])
            cand = cand[inside]
        hit_pts = cand
        frac = np.ones(cand.size)
    else:
        if hotspot.lat is None or hotspot.lon is None:
            return np.zeros((2, 0))
        hx, hy = to_xy(hotspot.lon, hotspot.lat)
        radius = float(hotspot.radius_m or 100.0)
        hit_pts = np.asarray(tree.query_ball_point([hx, hy], r=radius), dtype=np.int64)
        d = np.hypot(xy[hit_pts, 0] - hx, xy[hit_pts, 1] - hy)
        frac = 1.0 - 0.5 * d / radius  # full weight at the centre, half at the rim
    if hit_pts.size == 0:
        return np.zeros((2, 0))
    edges = owner[hit_pts].astype(np.int64)
    best = np.zeros(graph.n_edges)
    np.maximum.at(best, edges, frac * hotspot.weight)
    ids = np.nonzero(best)[0]
    return np.vstack([ids.astype(np.float64), best[ids]])


class HotspotIndex:
    """Dense edge samples + KD-tree, built once per graph, so one hotspot touches only nearby edges."""

    def __init__(self, graph: StreetGraph) -> None:
        from pyproj import Transformer

        self.graph = graph
        self.xy, self.owner = edge_sample_points(graph, step_m=15.0)
        self.tree = cKDTree(self.xy)
        tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
        self.to_xy = tr.transform
        self._cache: dict[tuple[int, str], FloatArray] = {}

    def contribution(self, hotspot: Hotspot) -> FloatArray:
        key = (hotspot.id, hotspot.version)
        if key not in self._cache:
            self._cache[key] = hotspot_edges(
                self.graph, hotspot, tree=self.tree, xy=self.xy, owner=self.owner, to_xy=self.to_xy
            )
        return self._cache[key]

    def forget(self, keep: Iterable[tuple[int, str]]) -> None:
        keep_set = set(keep)
        self._cache = {k: v for k, v in self._cache.items() if k in keep_set}


# ---- time of day --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeContext:
    school_peak: bool
    dark: bool


def time_context(at: dt.datetime, *, lat: float, lon: float) -> TimeContext:
    """After-school peak (school days Mon-Fri 15:00-18:00 local) and darkness from the sun's position."""
    peak = at.isoweekday() <= 5 and dt.time(15, 0) <= at.time().replace(tzinfo=None) < dt.time(18, 0)
    sunrise, sunset = _sun_times(round(lat, 3), round(lon, 3), at.date(), at.tzinfo or dt.UTC)
    return TimeContext(school_peak=peak, dark=not (sunrise <= at < sunset))


@functools.lru_cache(maxsize=512)
def _sun_times(lat: float, lon: float, day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Sunrise and sunset (astral) for a place and day; cached because every route request asks."""
    from astral import Observer
    from astral.sun import sun

    s = sun(Observer(latitude=lat, longitude=lon), date=day, tzinfo=tz)
    return s["sunrise"], s["sunset"]


def lighting_penalty(graph: StreetGraph, *, config: RiskConfig) -> FloatArray:
    """Added risk after dark. Rule for unknown `lit`: lit on roads London lights by default; limited on paths."""
    pen = np.zeros(graph.n_edges)
    pen[graph.lit == LIT_NO] = config.dark_unlit_add
    pen[graph.lit == LIT_LIMITED] = config.dark_limited_add
    lit_road = np.array([h in LIT_BY_DEFAULT_HIGHWAYS for h in graph.highways], dtype=bool)
    unknown_path = (graph.lit == LIT_UNKNOWN) & ~lit_road[graph.highway_idx]
    pen[unknown_path] = config.dark_unknown_path_add
    return pen


def effective_lit(graph: StreetGraph) -> FloatArray:
    """1.0 where an edge is lit (tagged, or by the default rule), else 0.0."""
    from routing.graph import LIT_YES

    lit_road = np.array([h in LIT_BY_DEFAULT_HIGHWAYS for h in graph.highways], dtype=bool)
    yes = (graph.lit == LIT_YES) | ((graph.lit == LIT_UNKNOWN) & lit_road[graph.highway_idx])
    return np.asarray(yes, dtype=np.float64)


def risk_at(
    *,
    base: FloatArray,
    lighting: FloatArray,
    ctx: TimeContext,
    hotspots: Sequence[FloatArray],
    haven_mask: FloatArray | None,
    config: RiskConfig,
) -> FloatArray:
    """Per-edge risk for one moment: time multipliers, lighting after dark, hotspots, Haven proximity."""
    mult = (config.peak_multiplier if ctx.school_peak else 1.0) * (
        config.dark_multiplier if ctx.dark else 1.0
    )
    risk = base * mult
    if ctx.dark:
        risk = risk + lighting
    else:
        risk = risk.copy()
    for contrib in hotspots:
        if contrib.shape[1]:
            risk[contrib[0].astype(np.int64)] += contrib[1]
    if haven_mask is not None:
        risk = np.where(haven_mask > 0, risk * config.haven_factor, risk)
    return np.asarray(risk, dtype=np.float64)
