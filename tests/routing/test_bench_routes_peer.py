"""The saferoute peer row's inputs: crime points sampled deterministically from the pack's LSOA counts."""

from __future__ import annotations

import numpy as np

from backend.directions import area_sources
from bench.routes_peer import lsoa_crime_points, to_osmnx_wgs84
from content.areas import load_area
from routing.build import assign_lsoa, lsoa_weights
from routing.router import Router


def test_lsoa_points_are_deterministic_on_the_graph_and_follow_the_counts(wood_green: Router) -> None:
    g = wood_green.graph
    sources = area_sources(load_area("north-london-demo"))
    points = lsoa_crime_points(g, sources=sources, config=wood_green.config)
    assert points == lsoa_crime_points(g, sources=sources, config=wood_green.config)
    weights = lsoa_weights(sources, wood_green.config)
    with_streets = {c for c in assign_lsoa(g, sources.lsoa_geojson) if c is not None}
    assert len(points) == sum(round(weights.get(c, 0.0)) for c in with_streets) > 1000
    lats, lons = np.array([p["lat"] for p in points]), np.array([p["lon"] for p in points])
    assert g.node_lat.min() <= lats.min() and lats.max() <= g.node_lat.max()  # edge midpoints of the graph
    assert g.node_lon.min() <= lons.min() and lons.max() <= g.node_lon.max()


def test_osmnx_twin_has_the_same_edges_and_lengths(wood_green: Router) -> None:
    g = wood_green.graph
    mg = to_osmnx_wgs84(g)
    assert mg.number_of_nodes() == g.n_nodes and mg.number_of_edges() == g.n_edges
    e = int(np.argmax(g.length_m))
    assert mg[int(g.edge_sources()[e])][int(g.indices[e])][0]["length"] == float(g.length_m[e])
