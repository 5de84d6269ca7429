"""`wayhome eval routes` scoring on a small synthetic ladder with one known dangerous street.

    4 ---- 5 ---- 6 ---- 7        quiet top street (LSOA QUIET), 30 m above
    |      |      |      |
    0 ---- 1 ==== 2 ---- 3        bottom street, a main road; 1 == 2 is the dangerous block (LSOA DANGER)

0 -> 3 is 300 m along the bottom; avoiding 1 == 2 takes 360 m (20% longer, inside the default detour cap).
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from pyproj import Transformer

from bench.eval_routes_core import (
    main_road_routes,
    score_routes,
    shortest_routes,
    summarise,
    wayhome_routes,
)
from bench.eval_routes_data import Trips, heldout_density, lsoa_counts, training_surface
from bench.eval_routes_tune import alpha_routes, replay
from routing.build import AreaSources
from routing.graph import StreetGraph
from routing.risk import RiskConfig
from routing.router import DetourCap, Router, SaferChoice

AT = dt.datetime(2025, 11, 26, 12, 0, tzinfo=ZoneInfo("Europe/London"))
XY = [(0, 0), (100, 0), (200, 0), (300, 0), (0, 30), (100, 30), (200, 30), (300, 30)]
STREETS = [(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 7), (0, 4), (1, 5), (2, 6), (3, 7)]
DANGER = (1, 2)
MINOR = "VIOLENCE WITH INJURY"  # an MPS minor category the served surface counts


def ladder() -> tuple[StreetGraph, list[str | None]]:
    x = 530_000 + np.array([p[0] for p in XY], dtype=np.float64)
    y = 180_000 + np.array([p[1] for p in XY], dtype=np.float64)
    directed = sorted([(a, b) for a, b in STREETS] + [(b, a) for a, b in STREETS])
    src = np.array([a for a, _ in directed])
    dst = np.array([b for _, b in directed], dtype=np.int32)
    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(x, y)
    lat, lon = np.asarray(lat), np.asarray(lon)
    m = len(directed)
    graph = StreetGraph(
        node_x=x,
        node_y=y,
        node_lat=lat,
        node_lon=lon,
        indptr=np.concatenate([[0], np.cumsum(np.bincount(src, minlength=len(XY)))]).astype(np.int64),
        indices=dst,
        length_m=np.hypot(x[src] - x[dst], y[src] - y[dst]),
        geom_offsets=np.arange(0, 2 * m + 1, 2, dtype=np.int64),
        geom_lat=np.column_stack([lat[src], lat[dst]]).ravel(),
        geom_lon=np.column_stack([lon[src], lon[dst]]).ravel(),
        name_idx=np.full(m, -1, dtype=np.int32),
        names=(),
        lit=np.zeros(m, dtype=np.int8),
        highway_idx=np.array(
            [1 if min(a, b) < 4 and max(a, b) < 4 else 0 for a, b in directed], dtype=np.int32
        ),
        highways=("residential", "primary"),  # the bottom street is the main road
    )
    lsoa = ["DANGER" if tuple(sorted(e)) == DANGER else "QUIET" for e in directed]
    return graph, lsoa


def crimes_csv(path: Path, *, train: dict[str, int], test: dict[str, int]) -> Path:
    rows = ["lsoa11cd,major_category,minor_category,month,count"]
    for month, counts in (("2024-06", train), ("2025-06", test)):
        rows += [f"{code},VIOLENCE AGAINST THE PERSON,{MINOR},{month},{n}" for code, n in counts.items()]
    path.write_text("\n".join(rows) + "\n")
    return path


def evaluate(tmp_path: Path, *, train: dict[str, int], test: dict[str, int]) -> dict[str, object]:
    import pandas as pd

    graph, lsoa = ladder()
    csv = crimes_csv(tmp_path / "crime.csv", train=train, test=test)
    sources = AreaSources(slug="ladder", osm_files=(), crime_lsoa_csv=csv)
    config = RiskConfig()
    surface = training_surface(graph, sources=sources, edge_lsoa=lsoa, config=config, months=["2024-06"])
    counts = lsoa_counts(pd.read_csv(csv, dtype={"month": str}), months=["2025-06"], minor_categories=[MINOR])
    heldout = heldout_density(graph, edge_lsoa=lsoa, counts=counts)
    router = Router(slug="ladder", graph=graph, base_risk=surface.base(config), config=config)
    trips = Trips(np.array([0, 3]), np.array([3, 0]), np.array([True, False]))
    short_routes = shortest_routes(router, trips)
    safer, _ = wayhome_routes(router, trips, at=AT, cap=DetourCap())
    score = {"train_risk": router.base_risk, "heldout": heldout}
    short = score_routes(graph, short_routes, **score)
    danger_edges = {graph.find_edge(*DANGER), graph.find_edge(*DANGER[::-1])}
    return {
        "graph": graph,
        "router": router,
        "trips": trips,
        "heldout": heldout,
        "short_routes": short_routes,
        "safer_routes": safer,
        "danger_edges": danger_edges,
        "shortest": summarise("shortest", short, short, cap=DetourCap(), school=trips.school),
        "safer": summarise(
            "safer", score_routes(graph, safer, **score), short, cap=DetourCap(), school=trips.school
        ),
        "score": score,
        "short": short,
    }


def test_route_avoiding_the_dangerous_street_is_scored_as_saving(tmp_path: Path) -> None:
    res = evaluate(tmp_path, train={"DANGER": 40, "QUIET": 2}, test={"DANGER": 50, "QUIET": 2})
    danger = res["danger_edges"]
    assert all(danger & set(r.tolist()) for r in res["short_routes"])  # the shortest uses it
    assert not any(danger & set(r.tolist()) for r in res["safer_routes"])  # WayHome goes over the top
    safer, shortest = res["safer"], res["shortest"]
    assert safer.saved_mean_pct > 50.0
    assert safer.train_saved_mean_pct > 50.0
    assert safer.extra_mean_pct == pytest.approx(100.0 * 60 / 300, abs=0.1)
    assert safer.within_cap_pct == 100.0
    assert safer.changed_pct == 100.0
    assert shortest.saved_mean_pct == 0.0 and shortest.changed_pct == 0.0


def test_route_using_the_dangerous_street_is_scored_as_not_saving(tmp_path: Path) -> None:
    res = evaluate(tmp_path, train={"DANGER": 40, "QUIET": 2}, test={"DANGER": 50, "QUIET": 2})
    graph, trips = res["graph"], res["trips"]
    # A detour that still walks the dangerous block: 0-4-5-1-2-6-7-3 (longer and no safer).
    detour = [0, 4, 5, 1, 2, 6, 7, 3]
    edges = np.array([graph.find_edge(a, b) for a, b in itertools.pairwise(detour)])
    back = [graph.find_edge(b, a) for a, b in itertools.pairwise(detour)][::-1]
    scored = score_routes(graph, [edges, np.array(back)], **res["score"])
    row = summarise("detour via the danger", scored, res["short"], cap=DetourCap(), school=trips.school)
    assert row.saved_mean_pct <= 0.0
    assert row.extra_mean_pct > 0.0
    # "Stay on main roads" keeps to the bottom street here, so it saves nothing either.
    main = main_road_routes(res["router"], trips, cap=DetourCap())
    main_row = summarise(
        "main", score_routes(graph, main, **res["score"]), res["short"], cap=DetourCap(), school=trips.school
    )
    assert main_row.saved_mean_pct == 0.0


def test_when_the_future_crime_moves_the_avoiding_route_is_scored_as_worse(tmp_path: Path) -> None:
    # Training months say the bottom block is dangerous; the held-out months put the crime on the top street.
    res = evaluate(tmp_path, train={"DANGER": 40, "QUIET": 2}, test={"DANGER": 0, "QUIET": 60})
    safer = res["safer"]
    assert safer.train_saved_mean_pct > 50.0
    assert safer.saved_mean_pct < 0.0
    assert safer.survives_pct < 0.0


def test_tuning_replay_matches_the_router(tmp_path: Path) -> None:
    res = evaluate(tmp_path, train={"DANGER": 40, "QUIET": 2}, test={"DANGER": 50, "QUIET": 2})
    router, trips = res["router"], res["trips"]
    table = alpha_routes(router, trips, risk=router.base_risk, heldout=res["heldout"], alphas=(0.5, 2.0, 8.0))
    for cap, expect_saving in ((DetourCap(), True), (DetourCap(max_pct=10.0, max_m=800.0), False)):
        held, extra = replay(table, safer=SaferChoice(alphas=(0.5, 2.0, 8.0)), cap=cap)
        real, _ = wayhome_routes(router, trips, at=AT, cap=cap)
        real_row = summarise(
            "r", score_routes(res["graph"], real, **res["score"]), res["short"], cap=cap, school=trips.school
        )
        assert float(held.mean()) == pytest.approx(real_row.saved_mean_pct)
        assert float(extra.mean()) == pytest.approx(real_row.extra_mean_pct)
        assert (real_row.saved_mean_pct > 0) == expect_saving


def test_wayhome_eval_routes_is_a_command() -> None:
    from backend.cli import build_parser
    from bench.eval_routes import run

    args = build_parser().parse_args(["eval", "routes", "north-london-demo", "--trips", "30", "--no-write"])
    assert args.func is run
    assert (args.areas, args.trips, args.no_write, args.no_peer) == (["north-london-demo"], 30, True, False)
