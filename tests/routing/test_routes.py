"""Route properties on the real Wood Green street graph (north-london-demo)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import networkx as nx
import numpy as np
import pytest

from routing.graph import to_networkx
from routing.risk import Hotspot, TimeWindow
from routing.router import DetourCap, Router, RoutingError

LONDON = ZoneInfo("Europe/London")
AT = dt.datetime(2026, 11, 26, 16, 0, tzinfo=LONDON)


def test_200_random_pairs_safer_never_worse_cap_respected_shortest_exact(wood_green: Router) -> None:
    g = wood_green.graph
    nxg = to_networkx(g)
    rng = np.random.default_rng(2026)
    cap = DetourCap()
    found = 0
    for _ in range(200):
        a, b = (int(v) for v in rng.integers(0, g.n_nodes, 2))
        result = wood_green.routes(
            from_lat=g.node_lat[a], from_lon=g.node_lon[a], to_lat=g.node_lat[b], to_lon=g.node_lon[b], at=AT
        )
        shortest, safer = (f["properties"] for f in result["features"])
        assert safer["exposure"] <= shortest["exposure"]
        assert safer["extra_length_m"] <= cap.allowed_extra_m(shortest["length_m"]) + 0.2
        expected = nx.dijkstra_path_length(nxg, a, b, weight="w")
        assert shortest["length_m"] == pytest.approx(expected, rel=0.005, abs=0.1)
        found += result["safer_found"]
    assert found > 20  # the surface is not flat: many trips have a meaningfully safer option


def test_routes_are_continuous_and_start_and_end_at_snapped_points(wood_green: Router) -> None:
    g = wood_green.graph
    a, b = 10, 3000
    result = wood_green.routes(
        from_lat=g.node_lat[a], from_lon=g.node_lon[a], to_lat=g.node_lat[b], to_lon=g.node_lon[b], at=AT
    )
    for feature in result["features"]:
        coords = feature["geometry"]["coordinates"]
        assert coords[0] == [round(g.node_lon[a], 6), round(g.node_lat[a], 6)]
        assert coords[-1] == [round(g.node_lon[b], 6), round(g.node_lat[b], 6)]
        steps = np.hypot(np.diff([c[0] for c in coords]) * 0.62, np.diff([c[1] for c in coords])) * 111_000
        assert steps.max() < 400  # no jumps: consecutive vertices of a continuous street line


def test_far_point_is_a_clear_error(wood_green: Router) -> None:
    with pytest.raises(RoutingError) as err:
        wood_green.routes(from_lat=51.0, from_lon=-0.11, to_lat=51.61, to_lon=-0.11, at=AT)
    assert err.value.code == "no_street_nearby"


def test_no_meaningful_saving_says_so(wood_green: Router) -> None:
    g = wood_green.graph
    result = wood_green.routes(
        from_lat=g.node_lat[5],
        from_lon=g.node_lon[5],
        to_lat=g.node_lat[3500],
        to_lon=g.node_lon[3500],
        at=AT,
        cap=DetourCap(max_pct=0.0, max_m=0.0),
    )
    shortest, safer = result["features"]
    assert not result["safer_found"]
    assert safer["geometry"] == shortest["geometry"]
    assert any("No meaningfully safer route" in n for n in result["notes"])


def test_hotspot_window_and_expiry(wood_green: Router) -> None:
    router = wood_green.fork()
    g = router.graph
    a, b = 100, 2500
    args = dict(from_lat=g.node_lat[a], from_lon=g.node_lon[a], to_lat=g.node_lat[b], to_lon=g.node_lon[b])
    base = router.routes(**args, at=AT, cap=DetourCap(100, 3000))["features"][1]
    lon, lat = base["geometry"]["coordinates"][len(base["geometry"]["coordinates"]) // 2]
    window = TimeWindow(days=(1, 2, 3, 4, 5), start=dt.time(15), end=dt.time(18))
    router.set_hotspots([Hotspot(id=1, weight=10, lat=lat, lon=lon, radius_m=60, windows=(window,))])
    during = router.routes(**args, at=AT, cap=DetourCap(100, 3000))["features"][1]
    evening = router.routes(**args, at=AT.replace(hour=20), cap=DetourCap(100, 3000))["features"][1]
    assert during["geometry"] != base["geometry"]
    assert during["properties"]["exposure"] > 0
    # outside the window the hotspot does not count (the evening route differs only by darkness rules)
    dark_only = wood_green.routes(**args, at=AT.replace(hour=20), cap=DetourCap(100, 3000))["features"][1]
    assert evening["geometry"] == dark_only["geometry"]
    expired = Hotspot(id=2, weight=10, lat=lat, lon=lon, radius_m=60, expires_at=AT - dt.timedelta(minutes=1))
    router.set_hotspots([expired])
    assert (
        router.routes(**args, at=AT, cap=DetourCap(100, 3000))["features"][1]["geometry"] == base["geometry"]
    )


def test_walk_lengths(wood_green: Router) -> None:
    g = wood_green.graph
    targets = np.column_stack([g.node_lat[[0, 1, 2, 50]], g.node_lon[[0, 1, 2, 50]]])
    out = wood_green.walk_lengths_m(float(g.node_lat[0]), float(g.node_lon[0]), targets, max_m=1e9)
    nxg = to_networkx(g)
    assert out[0] == pytest.approx(0.0, abs=0.5)
    for i, node in enumerate([1, 2, 50]):
        assert out[i + 1] == pytest.approx(nx.dijkstra_path_length(nxg, 0, node, weight="w"), abs=0.5)
    limited = wood_green.walk_lengths_m(float(g.node_lat[0]), float(g.node_lon[0]), targets, max_m=1.0)
    assert np.isinf(limited[1:]).all()


def test_routes_json_is_the_same_document_as_routes(wood_green: Router) -> None:
    """The API's fast serialisation (per-edge coordinate text) says exactly what `routes` says."""
    import json

    g = wood_green.graph
    rng = np.random.default_rng(8)
    for a, b in [*rng.integers(0, g.n_nodes, (15, 2)).tolist(), [7, 7]]:
        args = dict(
            from_lat=g.node_lat[a], from_lon=g.node_lon[a], to_lat=g.node_lat[b], to_lon=g.node_lon[b]
        )
        assert json.loads(wood_green.routes_json(**args, at=AT)) == wood_green.routes(**args, at=AT)


def test_school_trees_give_the_point_to_point_routes(wood_green: Router) -> None:
    """From a fixed origin the routes come from cached shortest-path trees once built: same lengths, exposures."""
    router = wood_green.fork()
    g = router.graph
    rng = np.random.default_rng(9)
    school = 42
    homes = rng.integers(0, g.n_nodes, 25).tolist()
    src = dict(from_lat=g.node_lat[school], from_lon=g.node_lon[school])

    def props(home: int, fixed: bool) -> list[tuple[float, float]]:
        doc = router.routes(
            **src, to_lat=g.node_lat[home], to_lon=g.node_lon[home], at=AT, fixed_origin=fixed
        )
        return [(f["properties"]["length_m"], f["properties"]["exposure"]) for f in doc["features"]]

    point = [props(h, False) for h in homes]
    assert [props(h, True) for h in homes] == point  # first pass: trees still building, point searches
    router.wait_for_trees()
    assert len(router._snapshot.trees) >= 2
    assert [props(h, True) for h in homes] == point


def test_balanced_lies_between_shortest_and_safer_within_the_cap(wood_green: Router) -> None:
    g = wood_green.graph
    rng = np.random.default_rng(77)
    strictly_between = 0
    for cap in (DetourCap(), DetourCap(max_pct=10.0, max_m=150.0)):
        for _ in range(60):
            a, b = (int(v) for v in rng.integers(0, g.n_nodes, 2))
            args = dict(
                from_lat=g.node_lat[a], from_lon=g.node_lon[a], to_lat=g.node_lat[b], to_lon=g.node_lon[b]
            )
            plain = wood_green.routes(**args, at=AT, cap=cap)
            doc = wood_green.routes(**args, at=AT, cap=cap, balanced=True)
            assert [f["properties"]["kind"] for f in doc["features"]] == ["shortest", "safer", "balanced"]
            assert doc["features"][:2] == plain["features"]  # asking for balanced changes nothing else
            short, safer, mid = (f["properties"] for f in doc["features"])
            assert safer["exposure"] - 1e-4 <= mid["exposure"] <= short["exposure"] + 1e-4
            assert short["length_m"] - 0.1 <= mid["length_m"] <= safer["length_m"] + 0.1
            assert mid["extra_length_m"] <= cap.allowed_extra_m(short["length_m"]) + 0.2
            assert mid["exposure_saved_pct"] <= safer["exposure_saved_pct"] + 0.1
            coords = doc["features"][2]["geometry"]["coordinates"]
            assert coords[0] == [round(g.node_lon[a], 6), round(g.node_lat[a], 6)]
            assert coords[-1] == [round(g.node_lon[b], 6), round(g.node_lat[b], 6)]
            if not doc["safer_found"]:
                assert mid == {**short, "kind": "balanced"}
            strictly_between += safer["exposure"] < mid["exposure"] < short["exposure"]
    assert strictly_between >= 5  # a real third option, not a copy of one of the other two
