"""The service basics: health, areas, geocode, error format, headers, OpenAPI."""

from __future__ import annotations

import httpx
import pytest

from backend.api import api_routes
from backend.openapi import undocumented_routes


async def test_healthz_reports_db_and_both_areas(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["db"] == "ok"
    assert {"southwark", "north-london-demo"} <= set(body["areas"])
    assert body["areas"]["southwark"]["data_as_of"]["crime"] == "2026-02"


async def test_areas_lists_southwark_and_demo_with_sources(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/areas")
    assert response.status_code == 200
    areas = {a["slug"]: a for a in response.json()["areas"]}
    assert set(areas) >= {"southwark", "north-london-demo"}
    sw = areas["southwark"]
    minlon, minlat, maxlon, maxlat = sw["bbox"]
    assert minlon < -0.07 < maxlon and minlat < 51.47 < maxlat  # Peckham is inside Southwark's box
    assert any("OpenStreetMap" in s["attribution"] for s in sw["sources"])
    assert sw["streets"] in ("full", "partial", "none")


async def test_area_attribution_names_the_licences(client: httpx.AsyncClient) -> None:
    text = (await client.get("/api/v1/areas/southwark/attribution")).text
    assert "ODbL" in text and "Open Government Licence" in text


async def test_geocode_postcode_in_southwark(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/geocode", params={"q": "se15 5jr"})
    assert response.status_code == 200
    first = response.json()["candidates"][0]
    assert first["label"] == "SE15 5JR" and first["kind"] == "postcode" and first["area"] == "southwark"
    assert 51.45 < first["lat"] < 51.49 and -0.08 < first["lon"] < -0.05


async def test_geocode_school_and_street_names(client: httpx.AsyncClient) -> None:
    schools = (await client.get("/api/v1/geocode", params={"q": "Harris Academy Peckham"})).json()[
        "candidates"
    ]
    assert schools and schools[0]["kind"] == "school" and "Peckham" in schools[0]["label"]
    assert schools[0]["ref"].startswith("school:")
    streets = await client.get("/api/v1/geocode", params={"q": "high road", "area": "north-london-demo"})
    labels = [c["label"] for c in streets.json()["candidates"] if c["kind"] == "street"]
    assert "High Road" in labels


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/geocode", 422, "missing_parameter"),
        ("/api/v1/geocode?q=%20%20", 422, "invalid_query"),
        ("/api/v1/geocode?q=***", 422, "invalid_query"),
        ("/api/v1/geocode?q=SE15&area=atlantis", 422, "unknown_area"),
        ("/api/v1/geocode?q=SE15&limit=9999", 422, "out_of_range"),
        ("/api/v1/geocode?q=" + "a" * 3000, 414, "query_too_long"),
        ("/api/v1/areas/atlantis", 404, "unknown_area"),
        ("/api/v1/no-such-thing", 404, "not_found"),
    ],
)
async def test_bad_input_gets_the_documented_error(
    client: httpx.AsyncClient, path: str, status: int, code: str
) -> None:
    response = await client.get(path)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert len(error["message"]) > 10


async def test_unknown_postcode_is_empty_not_an_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/geocode", params={"q": "ZZ99 9ZZ"})
    assert response.status_code == 200
    assert response.json()["candidates"] == []


async def test_security_headers_and_no_cookies(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/areas")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp.replace("https://testserver", "")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "geolocation=(self)" in response.headers["permissions-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]
    assert "set-cookie" not in response.headers


async def test_responses_are_gzipped_when_asked(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/areas", headers={"accept-encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"


async def test_openapi_documents_every_api_route(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/geocode" in doc["paths"] and "/healthz" in doc["paths"]
    assert undocumented_routes(api_routes()) == []


async def test_oversized_body_is_refused_before_reading(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/geocode", content=b"x" * 2_000_000)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


async def test_nul_characters_are_refused_before_reaching_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/geocode", params={"q": "SE15\x005JR"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_characters"
    response = await client.post("/api/v1/surveys/travel-home/responses", json={"answers": {"x\x00": "y"}})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_characters"


async def test_deeply_nested_json_is_a_clear_error(client: httpx.AsyncClient) -> None:
    for depth in (900, 100_000):
        body = "[" * depth + "]" * depth
        response = await client.post(
            "/api/v1/surveys/travel-home/responses",
            content=body,
            headers={"content-type": "application/json"},
        )
        assert 400 <= response.status_code < 500, response.text
