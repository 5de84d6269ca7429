"""The walk home over the real app and the real data packs: open on arrival, places open further away,
plain route refusals where streets are missing, and a route from every demo school within reach of streets."""

from __future__ import annotations

import bz2
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from backend.settings import ROOT
from routing.router import MAX_SNAP_M

SATURDAY_1650 = "2026-11-28T16:50:00+00:00"
SUNDAY_EVENING = "2026-11-29T20:00:00+00:00"
CODE_LIKE = re.compile(r"'from'|'to'|[a-z]+_[a-z_]+|\{|\}")


async def havens(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    r = await client.get("/api/v1/havens", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def school(client: httpx.AsyncClient, name: str, area: str) -> dict[str, Any]:
    r = await client.get("/api/v1/schools", params={"area": area, "limit": 500})
    return next(s for s in r.json()["schools"] if s["name"] == name)


async def test_a_place_closing_before_you_could_get_there_is_not_offered_as_open(
    client: httpx.AsyncClient,
) -> None:
    start = await school(client, "St Paul's CofE Primary School N11", "north-london-demo")
    body = await havens(client, lat=start["lat"], lon=start["lon"], at=SATURDAY_1650, limit=5)
    bowes = next(h for h in body["havens"] if h["name"] == "Bowes Road")  # library, Saturdays 14:00-17:00
    assert bowes["open_now"] is True and bowes["closes_at"] == "2026-11-28T17:00:00+00:00"
    assert 10 * 60 <= bowes["walk_s"] <= 20 * 60, "about a quarter of an hour's walk"
    assert bowes["open_on_arrival"] is False
    # Nothing here is still open on arrival, so the help ladder is needed and it is not counted as open.
    assert not any(h["open_on_arrival"] for h in body["havens"])
    assert body["escalation"]["needed"] is True
    # The same place an hour earlier is open on arrival and ends the escalation.
    earlier = await havens(
        client, lat=start["lat"], lon=start["lon"], at="2026-11-28T15:50:00+00:00", limit=5
    )
    assert next(h for h in earlier["havens"] if h["name"] == "Bowes Road")["open_on_arrival"] is True
    assert earlier["escalation"]["needed"] is False and earlier["escalation"]["open_further"] == []


async def test_evening_in_southwark_lists_the_open_a_and_e_further_away(client: httpx.AsyncClient) -> None:
    start = await school(client, "Harris Academy Peckham", "southwark")
    body = await havens(client, lat=start["lat"], lon=start["lon"], at=SUNDAY_EVENING, limit=5)
    assert body["distance_basis"] == "straight_line"
    assert body["escalation"]["needed"] is True
    further = body["escalation"]["open_further"]
    assert further, "an A&E is open on a Sunday evening"
    first = further[0]
    assert first["name"] == "King's College Hospital Emergency Department (A&E)"
    assert first["open_on_arrival"] is True and first["walk_s"] > 15 * 60
    listed = {h["id"] for h in body["havens"]}
    assert not listed & {h["id"] for h in further}, "nothing is listed twice"
    walks = [h["walk_s"] for h in further]
    assert walks == sorted(walks)
    # Straight lines: the walking time is the straight line with the phone's detour factor, at one speed.
    from havens.nearest import DETOUR_FACTOR, WALK_SPEED_M_S

    assert abs(first["walk_s"] - first["distance_m"] * DETOUR_FACTOR / WALK_SPEED_M_S) <= 1


async def test_a_southwark_route_outside_the_clips_says_what_is_possible_without_codes(
    client: httpx.AsyncClient,
) -> None:
    start = await school(client, "Harris Academy Peckham", "southwark")
    r = await client.get(
        "/api/v1/routes", params={"from": f"school:{start['urn']}", "to": "postcode:SE5 7AL"}
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "no_street_nearby" and error["details"]["streets"] == "partial"
    assert "need the borough's street map" in error["message"]
    assert not CODE_LIKE.search(error["message"]), error["message"]


def _street_segments(osm_bz2: Path) -> tuple[np.ndarray, np.ndarray]:
    """Every highway segment of the area's OpenStreetMap extract, as (start, end) lat/lon arrays."""
    root = ET.fromstring(bz2.decompress(osm_bz2.read_bytes()))  # noqa: S314 - the pack in this repository
    nodes = {n.get("id"): (float(n.get("lat")), float(n.get("lon"))) for n in root.iter("node")}
    starts, ends = [], []
    for way in root.iter("way"):
        if not any(t.get("k") == "highway" for t in way.iter("tag")):
            continue
        refs = [nodes[nd.get("ref")] for nd in way.iter("nd") if nd.get("ref") in nodes]
        starts += refs[:-1]
        ends += refs[1:]
    return np.array(starts), np.array(ends)


def _metres_to_nearest_segment(lat: float, lon: float, a: np.ndarray, b: np.ndarray) -> float:
    kx, ky = 111_320 * math.cos(math.radians(lat)), 110_540
    ax, ay = (a[:, 1] - lon) * kx, (a[:, 0] - lat) * ky
    bx, by = (b[:, 1] - lon) * kx, (b[:, 0] - lat) * ky
    dx, dy = bx - ax, by - ay
    t = np.clip(-(ax * dx + ay * dy) / np.maximum(dx * dx + dy * dy, 1e-9), 0, 1)
    return float(np.min(np.hypot(ax + t * dx, ay + t * dy)))


async def test_every_demo_school_within_reach_of_streets_routes(client: httpx.AsyncClient) -> None:
    schools = (await client.get("/api/v1/schools", params={"area": "north-london-demo", "limit": 500})).json()
    a, b = _street_segments(next((ROOT / "content/areas/north-london-demo/streets").glob("*.osm.bz2")))
    home = "51.6100,-0.1100"  # Wood Green, on a street
    beyond = []
    for s in schools["schools"]:
        reach_m = _metres_to_nearest_segment(s["lat"], s["lon"], a, b)
        r = await client.get("/api/v1/routes", params={"from": f"school:{s['urn']}", "to": home})
        if reach_m <= MAX_SNAP_M - 30:  # comfortably within reach: it must route
            assert r.status_code == 200, (s["name"], round(reach_m), r.text[:200])
        elif r.status_code != 200:  # beyond the extract's streets: a plain sentence, never a code
            beyond.append(s["name"])
            message = r.json()["error"]["message"]
            assert s["name"] in message and not CODE_LIKE.search(message), message
    # Only the two schools whose streets lie outside the Wood Green extract (both over 350 m from any street).
    assert sorted(beyond) == ["Ashmole Primary School", "Lordship Lane Primary School"]
    body = await havens(client, lat=51.598783, lon=-0.094974, at=SATURDAY_1650)  # Lordship Lane Primary
    assert body["havens"], "places are still listed, in a straight line"
    assert body["distance_basis"] == "straight_line" and "beyond the streets" in body["notes"][0]


async def test_the_walk_to_a_place_is_the_same_distance_on_the_list_and_on_its_route(
    client: httpx.AsyncClient,
) -> None:
    """The list says "9 min walk (710 m)"; the walking route to the same place must not say 680 m."""
    start = (51.6105, -0.1190)  # a street corner off Bounds Green Road, Wood Green
    body = await havens(client, lat=start[0], lon=start[1], limit=3)
    assert body["distance_basis"] == "walking"
    for place in body["havens"]:
        r = await client.get(
            "/api/v1/routes",
            params={"from": f"{start[0]},{start[1]}", "to": f"{place['lat']},{place['lon']}"},
        )
        assert r.status_code == 200, r.text
        shortest = r.json()["features"][0]["properties"]
        assert abs(shortest["length_m"] - place["distance_m"]) <= 1.0, (place["name"], shortest, place)
