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


def test_nearest_on_device_orders_open_first_then_by_distance() -> None:
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
    assert [row[0] for row in got] == ["near-open", "far-open", "mid-unknown"]
    near_open = got[0]
    assert 105 <= near_open[1] <= 118  # 0.001 degrees of latitude is about 111 m
    assert near_open[2] == round(near_open[1] * 1.3 / 1.3)  # detour factor 1.3 at 1.3 m/s
