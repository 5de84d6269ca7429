"""GET /api/v1/areas/{slug}/gazetteer: what the phone keeps for offline school and postcode search."""

from __future__ import annotations

import httpx

from content.areas import load_all_areas


async def test_the_gazetteer_holds_every_school_and_postcode_of_the_area(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/areas/southwark/gazetteer")
    assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
    body = r.json()
    pack = load_all_areas()["southwark"]
    assert body["area"] == "southwark" and body["format"] == 1
    assert len(body["schools"]) == len(pack.schools)
    assert sum(len(units) for units in body["postcodes"].values()) == len(pack.postcodes)
    lat0, lon0 = body["origin"]
    unit = next(u for u in body["postcodes"]["SE5 7"] if u[0] == "AL")
    expected = pack.postcode("SE5 7AL")
    assert expected is not None
    assert abs(lat0 + unit[1] / body["scale"] - expected.lat) < 1e-5
    assert abs(lon0 + unit[2] / body["scale"] - expected.lon) < 1e-5
    again = await client.get("/api/v1/areas/southwark/gazetteer")
    assert again.content == r.content, "the same bytes every time (cached per area)"


async def test_an_unknown_area_is_a_plain_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/areas/atlantis/gazetteer")
    assert r.status_code == 404
    assert r.json()["error"]["message"].startswith("WayHome does not serve an area called")
