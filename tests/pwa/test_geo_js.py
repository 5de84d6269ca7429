"""On-device rules of pwa/js/geo.js (used offline), run in Node: open state from saved times and the ranking."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

GEO_JS = Path(__file__).resolve().parents[2] / "pwa" / "js" / "geo.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_geo(script: str) -> object:
    code = f"import * as geo from {json.dumps(GEO_JS.as_uri())};\n{script}"
    out = subprocess.run(
        [str(NODE), "--input-type=module", "-e", code], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(out.stdout)


NOW = "2026-11-24T16:00:00Z"


@pytest.mark.parametrize(
    ("place", "state"),
    [
        ({"open_now": True, "closes_at": "2026-11-24T20:00:00Z"}, "open"),
        ({"open_now": True, "closes_at": "2026-11-24T16:20:00Z"}, "closes_soon"),
        ({"open_now": True, "closes_at": "2026-11-24T15:59:00Z"}, "unknown"),  # saved answer went stale
        ({"open_now": True, "closes_at": None}, "open"),
        ({"open_now": False, "opens_at": "2026-11-25T09:00:00Z"}, "closed"),
        ({"open_now": False, "opens_at": "2026-11-24T15:00:00Z"}, "unknown"),  # may have opened since
        ({"open_now": None}, "unknown"),
    ],
)
def test_open_state_from_saved_times(place: dict[str, object], state: str) -> None:
    got = run_geo(
        f"console.log(JSON.stringify(geo.openState({json.dumps(place)}, new Date({json.dumps(NOW)})).state))"
    )
    assert got == state


def test_nearest_on_device_takes_the_nearest_then_orders_by_open_on_arrival() -> None:
    places = [
        {
            "name": "far-open",
            "lat": 51.62,
            "lon": -0.11,
            "open_now": True,
            "closes_at": "2099-01-01T00:00:00Z",
        },
        {
            "name": "near-closed",
            "lat": 51.6101,
            "lon": -0.11,
            "open_now": False,
            "opens_at": "2099-01-01T00:00:00Z",
        },
        {"name": "mid-unknown", "lat": 51.612, "lon": -0.11, "open_now": None},
        {
            "name": "near-open",
            "lat": 51.611,
            "lon": -0.11,
            "open_now": True,
            "closes_at": "2099-01-01T00:00:00Z",
        },
    ]
    got = run_geo(
        f"const r = geo.nearestOnDevice({json.dumps(places)}, {{lat: 51.61, lon: -0.11, limit: 3}});"
        "console.log(JSON.stringify(r.map(p => [p.name, Math.round(p.straight_m), Math.round(p.walk_s)])))"
    )
    assert isinstance(got, list)
    # Like the server: the three nearest, then open on arrival, unknown, closed (far-open is not among them).
    assert [row[0] for row in got] == ["near-open", "mid-unknown", "near-closed"]
    near_open = got[0]
    assert 105 <= near_open[1] <= 118  # 0.001 degrees of latitude is about 111 m
    assert abs(near_open[2] - near_open[1] * 1.3 / 1.3) <= 1  # detour factor 1.3 at the server's 1.3 m/s


def test_phone_and_server_walk_at_the_same_speed() -> None:
    from havens.nearest import DETOUR_FACTOR, WALK_SPEED_M_S
    from havens.queries import ESCALATION_WALK_S
    from routing.render import WALK_SPEED_MPS

    got = run_geo(
        "console.log(JSON.stringify([geo.WALK_SPEED_M_PER_S, geo.DETOUR_FACTOR, geo.ESCALATION_WALK_S]))"
    )
    assert got == [WALK_SPEED_M_S, DETOUR_FACTOR, ESCALATION_WALK_S]
    assert WALK_SPEED_MPS == WALK_SPEED_M_S, "routes and safe places use one walking speed"


def test_offline_list_offers_open_places_further_away_when_nothing_near_is_open() -> None:
    places = [
        {"id": 1, "name": "near-library", "lat": 51.611, "lon": -0.11, "open_now": True,
         "closes_at": "2026-11-28T17:00:00Z"},
        {"id": 2, "name": "far-a-and-e", "lat": 51.64, "lon": -0.11, "open_now": True, "closes_at": None},
        {"id": 3, "name": "far-closed", "lat": 51.63, "lon": -0.11, "open_now": False,
         "opens_at": "2026-11-29T09:00:00Z"},
    ]  # fmt: skip
    got = run_geo(
        f"const r = geo.offlineNearby({json.dumps(places)}, {{lat: 51.61, lon: -0.11, limit: 1,"
        " at: new Date('2026-11-28T16:50:00Z')});"
        "console.log(JSON.stringify({list: r.havens.map(p => [p.name, p.open_on_arrival]), needed: r.needed,"
        " further: r.open_further.map(p => p.name)}))"
    )
    assert got == {"list": [["near-library", False]], "needed": True, "further": ["far-a-and-e"]}
