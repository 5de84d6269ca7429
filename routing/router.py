"""One area's route engine: snapping, weight snapshots (swapped atomically), shortest/safer routes as GeoJSON."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import Transformer
from scipy.spatial import cKDTree

from routing.build import GRAPH_FILE, META_FILE, RISK_FILE, STREETS_FILE
from routing.engine import LENGTH, LowerBound, PathEngine, make_engine
from routing.flagged import flagged_note, flagged_on_route
from routing.graph import FloatArray, IntArray, StreetGraph
from routing.render import WALK_SPEED_MPS, HavenRef, RouteRenderer
from routing.risk import (
    Hotspot,
    HotspotIndex,
    RiskConfig,
    TimeContext,
    lighting_penalty,
    risk_at,
    time_context,
)
from routing.trees import OriginTrees

MAX_SNAP_M = 250.0
# Risk weights tried for `safer`: the middle one first, then the larger (if it fit the cap) or the smaller one,
# so a route costs three searches (shortest + two); the largest weight that fits wins. These, the minimum saving
# and the detour cap are chosen by `wayhome eval routes` (held-out months; BENCHMARKS.md): before it they were
# 0.5/2/8, 5% and 35%/800 m, which walked 4.5% further on average for no more held-out saving.
SAFER_ALPHAS = (0.5, 1.0, 2.0)
MIN_SAVING_PCT = 10.0
# `balanced` (only when asked for): the risk weight of the chosen safer route times this factor. With exact
# searches a smaller weight never gives a longer or less exposed route, so balanced lies between the two.
BALANCED_FACTOR = 0.25
CAVEAT = (
    "Risk is a statistical summary of past police reports and officer information, not a promise of safety. "
    "Stay on busy, lit streets, keep your phone charged, and call 999 in an emergency."
)


class RoutingError(Exception):
    """A request the router cannot answer; `code` maps to a 422 in the API."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}

    def __reduce__(self) -> tuple[type[RoutingError], tuple[str, str, dict[str, Any]]]:
        """Pickled whole, so a refusal from a route process reaches the API with its code and details."""
        return (RoutingError, (self.code, self.message, self.details))


@dataclass(frozen=True)
class DetourCap:
    max_pct: float = 35.0  # defaults from `wayhome eval routes`
    max_m: float = 500.0

    def allowed_extra_m(self, shortest_m: float) -> float:
        """Extra length allowed: the stricter of max_pct of the shortest route and max_m."""
        return min(shortest_m * self.max_pct / 100.0, self.max_m)


@dataclass(frozen=True)
class SaferChoice:
    """How `safer` is picked: the risk weights tried (ascending) and the least exposure saving worth a detour."""

    alphas: tuple[float, ...] = SAFER_ALPHAS
    min_saving_pct: float = MIN_SAVING_PCT


# Surface generations are unique across forks, which share landmark tables keyed by them.
_SURFACE_IDS = itertools.count(1)


@dataclass
class _Snapshot:
    """Hotspot state; replaced whole on change so requests in flight keep the one they started with."""

    version: int
    hotspots: tuple[Hotspot, ...]
    contribs: dict[int, FloatArray]
    costs: OrderedDict[Any, FloatArray] = field(default_factory=OrderedDict)
    trees: OriginTrees = field(default_factory=OriginTrees)


@dataclass(frozen=True)
class LiveState:
    """A router's surface and hotspots at one moment, small enough to send to a route process on change."""

    key: tuple[int, int]
    base: FloatArray
    layers: tuple[dict[str, Any], ...]
    hotspots: tuple[Hotspot, ...]


class Router:
    def __init__(
        self,
        *,
        slug: str,
        graph: StreetGraph,
        base_risk: FloatArray,
        config: RiskConfig | None = None,
        data_as_of: str = "",
        streets_coverage: str = "full",
        streets_path: Path | None = None,
        streets_etag: str = "",
        engine: PathEngine | None = None,
        safer: SaferChoice | None = None,
    ) -> None:
        self.slug, self.graph = slug, graph
        self._surface: tuple[int, FloatArray] = (next(_SURFACE_IDS), base_risk)
        self.surface_layers: tuple[dict[str, Any], ...] = ()
        self.safer = safer or SaferChoice()
        self.config = config or RiskConfig()
        self.data_as_of, self.streets_coverage = data_as_of, streets_coverage
        self.streets_path, self.streets_etag = streets_path, streets_etag
        self.engine = engine or make_engine(graph)
        self.sources = graph.edge_sources().astype(np.int64)
        self._tree = cKDTree(np.column_stack([graph.node_x, graph.node_y]))
        mid_x, mid_y = graph.edge_xy_midpoints()
        self._edge_mid_tree = cKDTree(np.column_stack([mid_x, mid_y]))
        self._to_xy = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform
        self._render = RouteRenderer(graph, to_xy=self._to_xy)
        self._lighting = lighting_penalty(graph, config=self.config)
        self._hotspot_index: HotspotIndex | None = None
        self._lock = threading.Lock()
        self._snapshot = _Snapshot(version=0, hotspots=(), contribs={})
        self._floors: OrderedDict[Any, FloatArray] = OrderedDict()
        self.centre = (float(np.mean(graph.node_lat)), float(np.mean(graph.node_lon)))

    @classmethod
    def load(
        cls, out_dir: Path, *, slug: str, config: RiskConfig | None = None, streets_coverage: str = "full"
    ) -> Router:
        meta = json.loads((out_dir / META_FILE).read_text())
        with np.load(out_dir / RISK_FILE) as risk:
            base = np.asarray(risk["base"], dtype=np.float64)
        return cls(
            slug=slug,
            graph=StreetGraph.load(out_dir / GRAPH_FILE),
            base_risk=base,
            config=config,
            data_as_of=str(meta.get("data_as_of", "")),
            streets_coverage=streets_coverage,
            streets_path=out_dir / STREETS_FILE,
            streets_etag=str(meta.get("streets_etag", "")),
        )

    def fork(self) -> Router:
        """A router sharing this one's arrays and indexes, with its own (empty) hotspot state."""
        twin = copy.copy(self)
        twin._lock = threading.Lock()
        twin._snapshot = _Snapshot(version=0, hotspots=(), contribs={})
        return twin

    # ---- crime surface ------------------------------------------------------------------------------

    @property
    def base_risk(self) -> FloatArray:
        return self._surface[1]

    def set_surface(self, base: FloatArray, *, layers: Sequence[dict[str, Any]] = ()) -> None:
        """Swap in a new crime surface whole (with its per-layer dates); requests in flight keep the old one.

        The new generation id keys risk and landmark floors, so no cache built on the old surface is reused.
        """
        if base.shape != (self.graph.n_edges,):
            raise ValueError(f"surface has {base.shape} values for {self.graph.n_edges} edges")
        with self._lock:
            self._surface = (next(_SURFACE_IDS), np.asarray(base, dtype=np.float64))
            self.surface_layers = tuple(dict(layer) for layer in layers)
            old = self._snapshot
            self._snapshot = _Snapshot(version=old.version + 1, hotspots=old.hotspots, contribs=old.contribs)

    # ---- state shared with route processes --------------------------------------------------------------

    def live_state(self) -> LiveState:
        """What changes while serving (surface and hotspots), read together, keyed by this router's generation."""
        with self._lock:
            return LiveState(
                key=(self._surface[0], self._snapshot.version),
                base=self._surface[1],
                layers=self.surface_layers,
                hotspots=self._snapshot.hotspots,
            )

    def state_key(self) -> tuple[int, int]:
        """Changes whenever the surface or the hotspots do (cheap: no arrays copied)."""
        return (self._surface[0], self._snapshot.version)

    def take_state(self, state: LiveState) -> None:
        """Carry another router's live state (a route process following the web process's router)."""
        self.set_surface(state.base, layers=state.layers)
        self.set_hotspots(state.hotspots)

    # ---- hotspots ------------------------------------------------------------------------------------

    @property
    def hotspot_version(self) -> int:
        return self._snapshot.version

    def prepare_hotspots(self) -> None:
        """Build the dense edge-sample index now, so the first officer hotspot applies in milliseconds."""
        with self._lock:
            if self._hotspot_index is None:
                self._hotspot_index = HotspotIndex(self.graph)

    def set_hotspots(self, hotspots: Sequence[Hotspot]) -> None:
        """Recompute risk only for edges near new/changed hotspots, then swap the snapshot atomically."""
        with self._lock:
            if self._hotspot_index is None:
                self._hotspot_index = HotspotIndex(self.graph)
            index = self._hotspot_index
            contribs = {h.id: index.contribution(h) for h in hotspots}
            index.forget((h.id, h.version) for h in hotspots)
            self._snapshot = _Snapshot(
                version=self._snapshot.version + 1, hotspots=tuple(hotspots), contribs=contribs
            )

    # ---- snapping and weights -----------------------------------------------------------------------

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self._to_xy(lon, lat)
        return float(x), float(y)

    def snap(self, lat: float, lon: float) -> tuple[int, float]:
        dist, node = self._tree.query(self.project(lat, lon))
        return int(node), float(dist)

    def snap_many(self, lats: Sequence[float], lons: Sequence[float]) -> tuple[list[int], list[float]]:
        """Nearest graph node and its distance (m) for several points: one projection, one KD-tree query."""
        x, y = self._to_xy(np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64))
        dist, node = self._tree.query(np.column_stack([x, y]))
        return [int(v) for v in node], [float(d) for d in dist]

    def _haven_mask(self, havens: Sequence[HavenRef]) -> FloatArray | None:
        if not havens:
            return None
        mask = np.zeros(self.graph.n_edges)
        for h in havens:
            near = self._edge_mid_tree.query_ball_point(
                self.project(h.lat, h.lon), r=self.config.haven_radius_m
            )
            mask[np.asarray(near, dtype=np.int64)] = 1.0
        return mask

    def _risk(
        self, snap: _Snapshot, at: dt.datetime, havens: Sequence[HavenRef], ctx: TimeContext | None = None
    ) -> tuple[Any, FloatArray]:
        ctx = time_context(at, lat=self.centre[0], lon=self.centre[1]) if ctx is None else ctx
        active = tuple(sorted(h.id for h in snap.hotspots if h.active(at)))
        open_ids = tuple(sorted(h.id for h in havens if h.open_now))
        surface_id, base = self._surface
        key = ("risk", ctx, active, open_ids, surface_id)
        if key not in snap.costs:
            risk = risk_at(
                base=base,
                lighting=self._lighting,
                ctx=ctx,
                hotspots=[snap.contribs[i] for i in active],
                haven_mask=self._haven_mask([h for h in havens if h.open_now]),
                config=self.config,
            )
            self._remember(snap.costs, key, risk, limit=64)
        return key, snap.costs[key]

    def _floor(
        self, at: dt.datetime, havens: Sequence[HavenRef], alpha: float, ctx: TimeContext | None = None
    ) -> LowerBound:
        """Cost <= the real one on every edge whatever hotspots and open havens: no hotspots, every haven open.

        Hotspots only add risk and havens only lower it, so landmark tables built on this floor stay exact
        bounds across hotspot changes and opening hours, and are rebuilt only when the time context changes.
        """
        ctx = time_context(at, lat=self.centre[0], lon=self.centre[1]) if ctx is None else ctx
        surface_id, base = self._surface
        key = ("floor", (ctx, surface_id), tuple(sorted(h.id for h in havens)), alpha)
        floor = self._floors.get(key)
        if floor is None:
            risk_key = key[:3]
            risk = self._floors.get(risk_key)
            if risk is None:
                risk = risk_at(
                    base=base,
                    lighting=self._lighting,
                    ctx=ctx,
                    hotspots=[],
                    haven_mask=self._haven_mask(havens) if self.config.haven_factor < 1 else None,
                    config=self.config,
                )
                self._remember(self._floors, risk_key, risk, limit=64)
            floor = self.graph.length_m * (1.0 + alpha * risk)
            self._remember(self._floors, key, floor, limit=64)
        return key, floor

    def prefetch(self, *, at: dt.datetime, havens: Sequence[HavenRef] = (), wait: bool = False) -> None:
        """Build the landmark tables for the time context of `at` (in the background unless wait=True)."""
        tables = getattr(self.engine, "tables", None)
        if tables is None:
            return
        for alpha in self.safer.alphas:
            key, floor = self._floor(at, havens, alpha)
            tables(key, floor, wait=wait)

    def _cost(self, snap: _Snapshot, risk_key: Any, risk: FloatArray, alpha: float) -> FloatArray:
        key = (risk_key, alpha)
        if key not in snap.costs:
            self._remember(snap.costs, key, self.graph.length_m * (1.0 + alpha * risk), limit=64)
        return snap.costs[key]

    @staticmethod
    def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, *, limit: int) -> None:
        cache[key] = value
        while len(cache) > limit:
            cache.popitem(last=False)

    def _path(
        self,
        snap: _Snapshot,
        key: Any,
        cost: FloatArray,
        src: int,
        dst: int,
        fixed_origin: bool,
        floor: LowerBound | None = None,
    ) -> IntArray:
        """Edges of the cheapest path; from a fixed origin (a school) read off its cached shortest-path tree,
        queueing a missing tree and answering this query with a point-to-point search meanwhile."""
        if fixed_origin:
            edges = snap.trees.path(self.graph, key, src, dst)
            if edges is not None:
                return edges
            snap.trees.build_later(key, src, lambda: self.engine.tree(cost, src)[1])
        return self.engine.path(cost, src, dst, floor=floor)[1]

    def risk_for(self, at: dt.datetime, havens: Sequence[HavenRef] = ()) -> FloatArray:
        """Per-edge risk at `at` with the live hotspots: what the safer route weighs (insights use it)."""
        return self._risk(self._snapshot, at, havens)[1]

    def wait_for_trees(self, timeout_s: float = 60.0) -> None:
        """Block until background per-origin trees of the current snapshot are built (benchmarks, tests)."""
        self._snapshot.trees.wait(timeout_s)

    # ---- public queries -----------------------------------------------------------------------------

    def walk_lengths_m(self, lat: float, lon: float, targets: FloatArray, *, max_m: float) -> FloatArray:
        """Walking distance from a point to each (lat, lon) target; np.inf when unreachable or beyond max_m."""
        out = np.full(len(targets), np.inf)
        src, snap_m = self.snap(lat, lon)
        if snap_m > MAX_SNAP_M or len(targets) == 0:
            return out
        dist, _ = self.engine.tree(self.graph.length_m, src, limit=max_m)
        tx, ty = self._to_xy(np.asarray(targets)[:, 1], np.asarray(targets)[:, 0])
        t_snap, t_node = self._tree.query(np.column_stack([tx, ty]))
        total = dist[t_node] + snap_m + t_snap
        ok = (t_snap <= MAX_SNAP_M) & (total <= max_m)
        out[ok] = total[ok]
        return out

    def routes(self, **query: Any) -> dict[str, Any]:
        """GeoJSON FeatureCollection: `shortest`, `safer` (and `balanced` if asked) routes (arguments: see `solve`).

        Parsed from `routes_json`, so callers and tests see exactly the document the API serves (one path).
        """
        document: dict[str, Any] = json.loads(self.routes_json(**query))
        return document

    def routes_json(self, **query: Any) -> bytes:
        """The routes as UTF-8 JSON, built without Python coordinate lists.

        Street geometry is most of the response: each edge's coordinate text is formatted once and reused.
        """
        envelope, parts, src = self.solve(**query)
        head = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        features = ",".join(
            '{"type":"Feature","geometry":{"type":"LineString","coordinates":'
            + self._render.coords_text(edges, src)
            + '},"properties":'
            + json.dumps(props, ensure_ascii=False, separators=(",", ":"))
            + "}"
            for props, edges in parts
        )
        return (head[:-1] + ',"features":[' + features + "]}").encode()

    def solve(
        self,
        *,
        from_lat: float,
        from_lon: float,
        to_lat: float,
        to_lon: float,
        at: dt.datetime,
        havens: Sequence[HavenRef] = (),
        cap: DetourCap | None = None,
        fixed_origin: bool = False,
        notes: Sequence[str] = (),
        data_as_of: Any = None,
        balanced: bool = False,
    ) -> tuple[dict[str, Any], list[tuple[dict[str, Any], IntArray]], int]:
        """(envelope without features, [(properties, edge ids)] for shortest and safer, snapped origin node).

        `data_as_of` replaces the artefacts' crime month in the envelope (the API passes the pack's dates).
        `balanced=True` appends a third route, kind `balanced`, between shortest and safer.
        """
        cap = cap or DetourCap()
        snap = self._snapshot
        (src, dst), (s_snap, d_snap) = self.snap_many([from_lat, to_lat], [from_lon, to_lon])
        ctx = time_context(at, lat=self.centre[0], lon=self.centre[1])
        for which, dist_m in (("from", s_snap), ("to", d_snap)):
            if dist_m > MAX_SNAP_M:
                raise RoutingError(
                    "no_street_nearby",
                    f"The '{which}' point is more than {MAX_SNAP_M:.0f} m from any street we have data for.",
                    {"point": which, "area": self.slug},
                )
        risk_key, risk = self._risk(snap, at, havens, ctx)
        ends_m = s_snap + d_snap  # from each end to its street: part of the walk, not of the search
        short_cost = self.graph.length_m
        short = self._path(snap, "length", short_cost, src, dst, fixed_origin, (LENGTH, short_cost))
        if src != dst and short.size == 0:
            raise RoutingError(
                "unreachable",
                "These two points are not connected by streets we have data for in this area.",
                {"area": self.slug},
            )
        short_len = float(self.graph.length_m[short].sum())
        short_exp = float(np.sum(self.graph.length_m[short] * risk[short]))
        allowed = short_len + cap.allowed_extra_m(short_len)
        best, best_exp, best_alpha = short, short_exp, 0.0
        lo, hi = 0, len(self.safer.alphas) - 1
        while lo <= hi and src != dst:  # length grows with alpha: find the largest alpha within the cap
            mid = (lo + hi) // 2
            alpha = self.safer.alphas[mid]
            edges = self._path(
                snap,
                (risk_key, alpha),
                self._cost(snap, risk_key, risk, alpha),
                src,
                dst,
                fixed_origin,
                self._floor(at, havens, alpha, ctx),
            )
            length = float(self.graph.length_m[edges].sum())
            if length <= allowed + 1e-6:
                exp = float(np.sum(self.graph.length_m[edges] * risk[edges]))
                if exp < best_exp:
                    best, best_exp, best_alpha = edges, exp, alpha
                lo = mid + 1
            else:
                hi = mid - 1
        saved_pct = 100.0 * (short_exp - best_exp) / short_exp if short_exp > 0 else 0.0
        found = saved_pct > 0 and saved_pct >= self.safer.min_saving_pct
        all_notes = list(notes)
        if not found:
            best, best_exp, saved_pct, best_alpha = short, short_exp, 0.0, 0.0
            all_notes.append(
                "No meaningfully safer route within the detour limit: the shortest route is also the safer one."
            )
        active = [h.id for h in snap.hotspots if h.active(at)]
        flagged_ids, flagged_streets = flagged_on_route(
            self.graph, edges=best, active=active, contribs=snap.contribs
        )
        if flagged_ids:  # the safer route could not get round a flagged area within the cap: say where
            all_notes.append(flagged_note(flagged_streets))
        all_notes.append(CAVEAT)
        parts = [
            (
                self._render.properties("shortest", short, short_len, short_exp, 0.0, havens, src, ends_m),
                short,
            ),
            (
                self._render.properties("safer", best, short_len, best_exp, saved_pct, havens, src, ends_m),
                best,
            ),
        ]
        if balanced:
            mid_edges, mid_exp = best, best_exp
            if best_alpha > 0:
                alpha = best_alpha * BALANCED_FACTOR
                cost = self._cost(snap, risk_key, risk, alpha)
                floor = self._floor(at, havens, alpha, ctx)
                mid_edges = self._path(snap, (risk_key, alpha), cost, src, dst, fixed_origin, floor)
                mid_exp = float(np.sum(self.graph.length_m[mid_edges] * risk[mid_edges]))
                if float(self.graph.length_m[mid_edges].sum()) > allowed + 1e-6 or mid_exp > short_exp:
                    mid_edges, mid_exp = best, best_exp  # only on exact ties; keeps the guarantees
            mid_pct = 100.0 * (short_exp - mid_exp) / short_exp if short_exp > 0 else 0.0
            parts.append(
                (
                    self._render.properties(
                        "balanced", mid_edges, short_len, mid_exp, mid_pct, havens, src, ends_m
                    ),
                    mid_edges,
                )
            )
        envelope = {
            "type": "FeatureCollection",
            "area": self.slug,
            "data_as_of": self.data_as_of if data_as_of is None else data_as_of,
            "safer_found": found,
            "detour_cap": {
                "max_pct": cap.max_pct,
                "max_m": cap.max_m,
                "allowed_extra_m": round(allowed - short_len, 1),
            },
            "walking_speed_mps": WALK_SPEED_MPS,
            "notes": all_notes,
            "flagged_on_route": {"hotspots": len(flagged_ids), "streets": flagged_streets},
        }
        return envelope, parts, src


def context_for(router: Router, at: dt.datetime) -> TimeContext:
    """Time-of-day context used for a request (exposed for notes and tests)."""
    return time_context(at, lat=router.centre[0], lon=router.centre[1])


__all__ = ["CAVEAT", "DetourCap", "HavenRef", "Router", "RoutingError", "SaferChoice", "context_for"]
