"""Peer row for `wayhome bench routes`: PyPI `saferoute` on our graph and crimes, when it is importable.

saferoute is optional and not a project dependency; without it the benchmark prints why the row is skipped.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from routing.build import AreaSources, assign_lsoa, lsoa_weights
from routing.engine import LENGTH
from routing.graph import IntArray, StreetGraph
from routing.risk import RiskConfig
from routing.router import DetourCap, Router


@dataclass(frozen=True)
class PeerResult:
    label: str
    times_s: list[float]
    load_s: float
    convert_s: float
    n_failed: int
    shortest_exact_pct: float  # its `shortest` within 0.5% of the exact shortest length
    safest_over_cap_pct: float  # its `safest` longer than our detour cap allows
    balanced_pct: float  # queries where it returned a `balanced` route


def saferoute_engine_class(*, cache_dir: Path) -> tuple[Any, str] | str:
    """(SafeRouteEngine, version) or the reason it cannot be used (`cache_dir`: where it may write)."""
    try:
        module = importlib.import_module("saferoute")
    except ImportError as exc:
        return f"not importable ({exc}); `pip install saferoute` to add the row"
    engine_cls = module.SafeRouteEngine
    if not engine_cls(cache_dir=cache_dir).native_available:
        return "installed but its compiled (Rust) core did not load"
    return engine_cls, importlib.metadata.version("saferoute")


def lsoa_crime_points(
    graph: StreetGraph,
    *,
    sources: AreaSources,
    config: RiskConfig,
    seed: int = 5,
    months: Sequence[str] | None = None,
) -> list[dict[str, float]]:
    """Crime points sampled deterministically from MPS LSOA counts (the pack has no police.uk points).

    One point per unit of each LSOA's recency- and category-weighted count (the numbers our LSOA surface
    spreads over the LSOA's streets), at length-weighted random edge midpoints of that LSOA. `months` limits
    the counts (training months for `wayhome eval routes`).
    """
    codes = assign_lsoa(graph, sources.lsoa_geojson)
    weights = lsoa_weights(sources, config, months=months)
    src = graph.edge_sources()
    lat = (graph.node_lat[src] + graph.node_lat[graph.indices]) / 2
    lon = (graph.node_lon[src] + graph.node_lon[graph.indices]) / 2
    by_code: dict[str, list[int]] = {}
    for e, code in enumerate(codes):
        if code is not None:
            by_code.setdefault(code, []).append(e)
    rng = np.random.default_rng(seed)
    points: list[dict[str, float]] = []
    for code in sorted(by_code):
        n = round(weights.get(code, 0.0))
        if n <= 0:
            continue
        edges = np.asarray(by_code[code], dtype=np.int64)
        share = graph.length_m[edges] / graph.length_m[edges].sum()
        for e in rng.choice(edges, n, p=share).tolist():
            points.append({"lat": float(lat[e]), "lon": float(lon[e]), "weight": 1.0})
    return points


def to_osmnx_wgs84(graph: StreetGraph) -> Any:
    """Our frozen graph as the unprojected osmnx-style MultiDiGraph saferoute.load_graph expects."""
    import networkx as nx

    mg = nx.MultiDiGraph(crs="EPSG:4326")
    for n in range(graph.n_nodes):
        mg.add_node(n, x=float(graph.node_lon[n]), y=float(graph.node_lat[n]))
    src = graph.edge_sources()
    for e in range(graph.n_edges):
        mg.add_edge(int(src[e]), int(graph.indices[e]), length=float(graph.length_m[e]))
    return mg


def run_saferoute(
    router: Router,
    engine_cls: Any,
    *,
    pairs: IntArray,
    points: Sequence[dict[str, float]],
    eps: float,
    exact_shortest_m: Sequence[float],
    cap: DetourCap,
    cache_dir: Path,
) -> PeerResult:
    """Per query: snap both ends (our KD-tree; see note) + saferoute compute_routes (its three routes)."""
    g = router.graph
    t = time.perf_counter()
    mg = to_osmnx_wgs84(g)
    convert_s = time.perf_counter() - t
    engine = engine_cls(eps=eps, bandwidth_m=router.config.bandwidth_m, cache_dir=cache_dir)
    t = time.perf_counter()
    engine.load_graph(mg, list(points), name=router.slug)
    load_s = time.perf_counter() - t
    times: list[float] = []
    failed = exact = over = balanced = 0
    for (a, b), short_m in zip(pairs.tolist(), exact_shortest_m, strict=True):
        t = time.perf_counter()
        # saferoute's own nearest_node needs scikit-learn on an unprojected graph (not installed):
        # our KD-tree finds the same node ids, as the graphs are the same.
        (src, dst), _ = router.snap_many(
            [float(g.node_lat[a]), float(g.node_lat[b])], [float(g.node_lon[a]), float(g.node_lon[b])]
        )
        try:
            found = engine.compute_routes(src, dst)
        except Exception:  # SearchBudgetExceededError, RouteNotFoundError: counted, not timed
            failed += 1
            continue
        times.append(time.perf_counter() - t)
        length = float(found.shortest.total_distance_m) if found.shortest is not None else float("nan")
        exact += abs(length - short_m) <= 0.005 * max(short_m, 1.0)
        safest = found.safest or found.shortest
        if safest is not None:
            over += float(safest.total_distance_m) > short_m + cap.allowed_extra_m(short_m) + 1e-6
        balanced += found.balanced is not None
    done = max(len(times), 1)
    return PeerResult(
        label=f"eps={eps:g}",
        times_s=times,
        load_s=load_s,
        convert_s=convert_s,
        n_failed=failed,
        shortest_exact_pct=100.0 * exact / done,
        safest_over_cap_pct=100.0 * over / done,
        balanced_pct=100.0 * balanced / done,
    )


def peer_rows(
    router: Router, *, sources: AreaSources, pairs: IntArray, label: str, baseline_p50_ms: float
) -> tuple[list[str], list[str]]:
    """(table rows, notes) for saferoute on `router`'s graph; a skipped row says why."""
    with tempfile.TemporaryDirectory() as cache:  # it creates a cache dir; keep it out of the user's home
        return _peer_rows(
            router, sources=sources, pairs=pairs, label=label, base_ms=baseline_p50_ms, cache=Path(cache)
        )


def _peer_rows(
    router: Router, *, sources: AreaSources, pairs: IntArray, label: str, base_ms: float, cache: Path
) -> tuple[list[str], list[str]]:
    found = saferoute_engine_class(cache_dir=cache)
    if isinstance(found, str):
        print(f"saferoute peer row skipped: {found}")
        return [], [f"- PyPI `saferoute` peer row: skipped in this run, saferoute {found}."]
    engine_cls, version = found
    g = router.graph
    exact_m = []
    for a, b in pairs.tolist():
        edges = router.engine.path(g.length_m, int(a), int(b), floor=(LENGTH, g.length_m))[1]
        exact_m.append(float(g.length_m[edges].sum()))
    points = lsoa_crime_points(g, sources=sources, config=router.config)
    cap = DetourCap()
    rows: list[str] = []
    notes: list[str] = []
    for eps in (0.1, 0.0):
        res = run_saferoute(
            router,
            engine_cls,
            pairs=pairs,
            points=points,
            eps=eps,
            exact_shortest_m=exact_m,
            cap=cap,
            cache_dir=cache,
        )
        arr = np.asarray(res.times_s) * 1000.0
        p50, p95 = (float(np.percentile(arr, q)) for q in (50, 95)) if arr.size else (float("nan"),) * 2
        rows.append(
            f"| {label}: PyPI saferoute {version} ({res.label}), random pairs, snap + compute_routes "
            f"(peer, same graph) | {p50:.2f} | {p95:.2f} | {base_ms / p50:,.0f}x |"
        )
        notes.append(
            f"saferoute {res.label}: load_graph (its KDE + Rust graph) {res.load_s * 1000:.0f} ms after "
            f"{res.convert_s * 1000:.0f} ms turning our arrays into a networkx graph; its `shortest` equals the "
            f"exact shortest (within 0.5%) in {res.shortest_exact_pct:.0f}% of pairs; its `safest` is longer than "
            f"our detour cap ({cap.max_pct:g}% or {cap.max_m:g} m) in {res.safest_over_cap_pct:.0f}%; a `balanced` route in "
            f"{res.balanced_pct:.0f}%; {res.n_failed} of {len(pairs)} queries failed (budget or no route)"
        )
    text = (
        f"- PyPI `saferoute` {version} peer rows (optional; skipped with a printed reason when not importable, "
        "not a project dependency): run fully offline through its `SafeRouteEngine.load_graph(graph, "
        "crime_points)` on the same north-london-demo graph (our frozen arrays as an unprojected osmnx-style "
        f"MultiDiGraph, {g.n_nodes:,} nodes, {g.n_edges:,} edges) and the same random pairs. The pack has no "
        f"police.uk points, so its crimes are {len(points):,} points sampled deterministically from the MPS "
        "LSOA counts our surface uses (one per unit of recency/category-weighted count, at length-weighted "
        "random street midpoints of the LSOA), its KDE bandwidth set to ours "
        f"({router.config.bandwidth_m:g} m). Its `nearest_node` needs scikit-learn on an unprojected graph "
        "(not installed), so both ends are snapped with our KD-tree (same node ids), inside the timing. "
        "One compute_routes is one bi-objective label search returning shortest/safest/balanced node paths "
        "(no GeoJSON, no detour cap, no time of day, lighting, hotspots or Havens); ours is shortest+safer with "
        "properties. " + "; ".join(notes) + "."
    )
    return rows, [text]
