"""GET /api/v1/routes and the street layer through the real app (real SQLite/PostgreSQL, real artefacts)."""

from __future__ import annotations

import httpx
import pytest

from content.areas import load_area
from routing.router import DetourCap

AREA = "north-london-demo"
# Two points in Wood Green far enough apart for a real choice of streets.
FROM = "51.6010,-0.1105"
TO = "51.6120,-0.1250"


async def test_routes_shape_and_contract(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/routes", params={"from": FROM, "to": TO, "at": "2026-11-26T16:30:00+00:00"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["area"] == AREA
    assert isinstance(body["data_as_of"], dict) and body["notes"]
    assert any("not a promise of safety" in n for n in body["notes"])
    assert r.headers["cache-control"] == "no-store"
    shortest, safer = body["features"]
    assert shortest["properties"]["kind"] == "shortest" and safer["properties"]["kind"] == "safer"
    sp, fp = shortest["properties"], safer["properties"]
    assert fp["exposure"] <= sp["exposure"]
    assert fp["length_m"] >= sp["length_m"] - 0.1
    assert fp["extra_length_m"] <= DetourCap().allowed_extra_m(sp["length_m"]) + 0.5  # the default detour cap
    assert sp["duration_s"] == pytest.approx(sp["length_m"] / body["walking_speed_mps"], abs=1)
    assert 0 <= sp["lit_fraction"] <= 1 and sp["streets"]
    for feature in body["features"]:
        coords = feature["geometry"]["coordinates"]
        assert len(coords) >= 2
        # the line starts/ends near the requested points (snapped to the street network)
        assert abs(coords[0][1] - 51.6010) < 0.003 and abs(coords[-1][1] - 51.6120) < 0.003


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "51.5,-0.11", "to": TO}, "outside_areas"),
        ({"from": "nonsense", "to": TO}, "invalid_point"),
        ({"to": TO}, "missing_parameter"),
        ({"from": FROM, "to": TO, "at": "yesterday"}, "invalid_datetime"),
        ({"from": FROM, "to": TO, "max_detour_pct": "-3"}, "out_of_range"),
        ({"from": FROM, "to": "51.4950,-0.1000"}, "different_areas"),
    ],
)
async def test_routes_bad_input_is_a_clear_422(
    client: httpx.AsyncClient, params: dict[str, str], code: str
) -> None:
    r = await client.get("/api/v1/routes", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == code


async def test_routes_from_school_matches_point_route(client: httpx.AsyncClient) -> None:
    school = load_area(AREA).schools[0]
    by_urn = await client.get("/api/v1/routes", params={"from": f"school:{school.urn}", "to": TO})
    by_point = await client.get("/api/v1/routes", params={"from": f"{school.lat},{school.lon}", "to": TO})
    assert by_urn.status_code == by_point.status_code == 200
    for a, b in zip(by_urn.json()["features"], by_point.json()["features"], strict=True):
        assert a["properties"]["length_m"] == pytest.approx(b["properties"]["length_m"], abs=0.5)


async def test_street_layer_geojson_with_etag(client: httpx.AsyncClient) -> None:
    r = await client.get(f"/api/v1/areas/{AREA}/streets")
    assert r.status_code == 200
    doc = r.json()
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) > 1000
    lon, lat = doc["features"][0]["geometry"]["coordinates"][0]
    assert lon == round(lon, 5) and 51.5 < lat < 51.7
    etag = r.headers["etag"]
    again = await client.get(f"/api/v1/areas/{AREA}/streets", headers={"if-none-match": etag})
    assert again.status_code == 304
    missing = await client.get("/api/v1/areas/atlantis/streets")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_area"


async def test_balanced_route_only_when_asked(client: httpx.AsyncClient) -> None:
    params = {"from": FROM, "to": TO, "at": "2026-11-26T16:30:00+00:00"}
    plain = await client.get("/api/v1/routes", params=params)
    asked = await client.get("/api/v1/routes", params={**params, "alternatives": "balanced"})
    assert plain.status_code == asked.status_code == 200, asked.text
    assert [f["properties"]["kind"] for f in plain.json()["features"]] == ["shortest", "safer"]
    features = asked.json()["features"]
    assert [f["properties"]["kind"] for f in features] == ["shortest", "safer", "balanced"]
    assert features[:2] == plain.json()["features"]
    sp, fp, bp = (f["properties"] for f in features)
    assert set(bp) == set(sp)
    assert fp["exposure"] - 1e-4 <= bp["exposure"] <= sp["exposure"] + 1e-4
    assert bp["extra_length_m"] <= DetourCap().allowed_extra_m(sp["length_m"]) + 0.5
    bad = await client.get("/api/v1/routes", params={**params, "alternatives": "scenic"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_choice"
