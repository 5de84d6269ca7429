"""Build an area's routing artefacts deterministically and incrementally (skipped when the input hash matches)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from routing.graph import FloatArray, StreetGraph, freeze, graph_from_osm_files
from routing.risk import (
    RiskConfig,
    combine_base,
    lsoa_street_density,
    normalise,
    point_density,
    recency_weights,
)

log = logging.getLogger("wayhome.routing.build")
BUILD_VERSION = "4"
GRAPH_FILE, RISK_FILE, STREETS_FILE, META_FILE = "graph.npz", "risk.npz", "streets.geojson", "meta.json"


@dataclass(frozen=True)
class AreaSources:
    """Plain inputs for one area (routing does not import the content package)."""

    slug: str
    osm_files: tuple[Path, ...]
    lsoa_geojson: Path | None = None
    crime_lsoa_csv: Path | None = None
    street_crimes_csv: Path | None = None
    data_as_of: str = ""


def input_hash(sources: AreaSources, config: RiskConfig) -> str:
    h = hashlib.sha256(BUILD_VERSION.encode())
    h.update(json.dumps(asdict(config), sort_keys=True, default=str).encode())
    for path in (*sources.osm_files, sources.lsoa_geojson, sources.crime_lsoa_csv, sources.street_crimes_csv):
        if path is None:
            h.update(b"-")
            continue
        h.update(path.name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def is_current(out_dir: Path, digest: str) -> bool:
    meta = out_dir / META_FILE
    if not meta.exists() or not all((out_dir / f).exists() for f in (GRAPH_FILE, RISK_FILE, STREETS_FILE)):
        return False
    return bool(json.loads(meta.read_text()).get("input_hash") == digest)


def build_area(
    sources: AreaSources, out_dir: Path, *, config: RiskConfig | None = None, force: bool = False
) -> dict[str, Any]:
    """Build graph.npz, risk.npz, streets.geojson and meta.json into out_dir; returns meta."""
    config = config or RiskConfig()
    digest = input_hash(sources, config)
    if not force and is_current(out_dir, digest):
        return dict(json.loads((out_dir / META_FILE).read_text()))
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    graph = freeze(graph_from_osm_files(list(sources.osm_files)))
    edge_lsoa = assign_lsoa(graph, sources.lsoa_geojson)
    lsoa_n = normalise(
        lsoa_street_density(graph, edge_lsoa=edge_lsoa, lsoa_weight=lsoa_weights(sources, config)),
        length_m=graph.length_m,
    )
    pts, wts = crime_points(sources, config)
    point_n = normalise(
        point_density(graph, points_xy=pts, weights=wts, bandwidth_m=config.bandwidth_m),
        length_m=graph.length_m,
    )
    base = combine_base(point_n=point_n, lsoa_n=lsoa_n, has_points=pts.shape[0] > 0, config=config)
    lsoa_months = source_months(sources.crime_lsoa_csv, "month")
    point_months = source_months(sources.street_crimes_csv, "month")
    graph.save(out_dir / GRAPH_FILE)
    tmp = out_dir / "risk.tmp.npz"
    np.savez(tmp, base=base, lsoa=lsoa_n, points=point_n, edge_lsoa=np.array([c or "" for c in edge_lsoa]))
    tmp.replace(out_dir / RISK_FILE)
    streets = streets_geojson(graph)
    (out_dir / "streets.tmp").write_bytes(streets)
    (out_dir / "streets.tmp").replace(out_dir / STREETS_FILE)
    meta = {
        "slug": sources.slug,
        "input_hash": digest,
        "build_version": BUILD_VERSION,
        "data_as_of": sources.data_as_of,
        "nodes": graph.n_nodes,
        "edges": graph.n_edges,
        "crime_points": int(pts.shape[0]),
        "layer_months": {"mps_lsoa": lsoa_months, "policeuk_points": point_months},
        "streets_etag": hashlib.sha256(streets).hexdigest()[:32],
        "build_s": round(time.perf_counter() - started, 2),
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True))
    log.info("built routing artefacts for %s (%d nodes)", sources.slug, graph.n_nodes)
    return meta


def assign_lsoa(graph: StreetGraph, lsoa_geojson: Path | None) -> list[str | None]:
    """LSOA code of each edge's midpoint (nearest LSOA when the midpoint lies in none)."""
    if lsoa_geojson is None or not lsoa_geojson.exists():
        return [None] * graph.n_edges
    import shapely
    from shapely.geometry import shape

    features = json.loads(lsoa_geojson.read_text())["features"]
    if not features:
        return [None] * graph.n_edges
    geoms = [shape(f["geometry"]) for f in features]
    codes = [str(f["properties"].get("LSOA11CD")) for f in features]
    src = graph.edge_sources()
    lat = (graph.node_lat[src] + graph.node_lat[graph.indices]) / 2
    lon = (graph.node_lon[src] + graph.node_lon[graph.indices]) / 2
    points = shapely.points(lon, lat)
    tree = shapely.STRtree(geoms)
    out: list[str | None] = [None] * graph.n_edges
    pi, gi = tree.query(points, predicate="within")
    for p, g in zip(pi.tolist(), gi.tolist(), strict=True):
        out[p] = codes[g]
    missing = [i for i, c in enumerate(out) if c is None]
    if missing:
        idx = tree.query_nearest(points[missing], return_distance=False)
        for p, g in zip(idx[0].tolist(), idx[1].tolist(), strict=True):
            out[missing[p]] = codes[g]
    return out


def lsoa_weights(
    sources: AreaSources, config: RiskConfig, *, months: Sequence[str] | None = None
) -> Mapping[str, float]:
    """Recency-weighted, category-weighted MPS counts per LSOA (optionally limited to `months`)."""
    if sources.crime_lsoa_csv is None or not sources.crime_lsoa_csv.exists():
        return {}
    df = pd.read_csv(sources.crime_lsoa_csv, dtype={"month": str})
    return weighted_lsoa_counts(df, config=config, months=months)


def weighted_lsoa_counts(
    df: pd.DataFrame, *, config: RiskConfig, months: Sequence[str] | None = None
) -> Mapping[str, float]:
    minor = dict(config.lsoa_minor_weights)
    if minor and "minor_category" in df.columns:
        df = df[df["minor_category"].isin(list(minor))]
    else:
        df = df[df["major_category"].isin(list(config.lsoa_weights))]
    if months is not None:
        df = df[df["month"].isin(list(months))]
    if df.empty:
        return {}
    latest = str(df["month"].max())
    rec = recency_weights(
        df["month"].tolist(), latest=latest, half_life_months=config.recency_half_life_months
    )
    if minor and "minor_category" in df.columns:
        cat = df["minor_category"].map(minor).to_numpy(dtype=np.float64)
    else:
        cat = df["major_category"].map(dict(config.lsoa_weights)).to_numpy(dtype=np.float64)
    w = df["count"].to_numpy(dtype=np.float64) * cat * rec
    return {str(k): float(v) for k, v in pd.Series(w).groupby(df["lsoa11cd"].to_numpy()).sum().items()}


def source_months(path: Path | None, column: str) -> list[str]:
    """[first, last] month (YYYY-MM) of a pack CSV, or [] when it is missing or empty."""
    if path is None or not path.exists():
        return []
    months = pd.read_csv(path, usecols=[column], dtype={column: str})[column].dropna()
    return [str(months.min()), str(months.max())] if not months.empty else []


def crime_points(sources: AreaSources, config: RiskConfig) -> tuple[FloatArray, FloatArray]:
    """police.uk points projected to EPSG:27700 with their category weight."""
    path = sources.street_crimes_csv
    if path is None or not path.exists():
        return np.zeros((0, 2)), np.zeros(0)
    df = pd.read_csv(path)
    if df.empty:
        return np.zeros((0, 2)), np.zeros(0)
    from pyproj import Transformer

    w = df["category"].map(dict(config.point_weights)).fillna(0.0).to_numpy(dtype=np.float64)
    keep = w > 0
    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = tr.transform(df["lon"].to_numpy()[keep], df["lat"].to_numpy()[keep])
    return np.column_stack([x, y]).astype(np.float64), np.asarray(w[keep], dtype=np.float64)


def streets_geojson(graph: StreetGraph, *, base: FloatArray | None = None) -> bytes:
    """One LineString per street segment (one direction only), WGS84 rounded to 5 dp, for the PWA map.

    No per-street risk: the public layer draws streets; a bare number per street would read as a verdict
    on that street and would go stale beside the served surface. (`base` is accepted and ignored.)"""
    src = graph.edge_sources()
    features = []
    seen: set[tuple[int, int]] = set()
    for e in range(graph.n_edges):
        u, v = int(src[e]), int(graph.indices[e])
        if (v, u) in seen:
            continue
        seen.add((u, v))
        a, b = int(graph.geom_offsets[e]), int(graph.geom_offsets[e + 1])
        coords = [
            [round(float(lo), 5), round(float(la), 5)]
            for lo, la in zip(graph.geom_lon[a:b], graph.geom_lat[a:b], strict=True)
        ]
        ni = int(graph.name_idx[e])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "name": graph.names[ni] if ni >= 0 else None,
                    "highway": graph.highways[int(graph.highway_idx[e])],
                    "lit": ["unknown", "yes", "no", "limited"][int(graph.lit[e])],
                },
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")
