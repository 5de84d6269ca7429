"""A hotspot's effect before saving (sample school routes), and the route note when one cannot be avoided."""

from __future__ import annotations

from typing import Any

import httpx

from backend.hotspots.models import Hotspot
from tests.support.staff import login_as

AREA = "north-london-demo"
ALWAYS = [{"days": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]


async def _street(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    found = (await client.get("/api/v1/geocode", params={"q": name, "area": AREA})).json()["candidates"]
    street = next(c for c in found if c["kind"] == "street")
    return street


async def test_preview_of_a_hotspot_placed_by_street_name(client: httpx.AsyncClient) -> None:
    street = await _street(client, "Bounds Green Road")
    await login_as(client, role="officer", areas=(AREA,), schools=())
    body = {
        "area": AREA,
        "lat": street["lat"],
        "lon": street["lon"],
        "radius_m": 80,
        "weight": 10,
        "windows": ALWAYS,
    }
    r = await client.post("/api/v1/admin/hotspots/preview", json=body)
    assert r.status_code == 200, r.text
    effect = r.json()
    assert effect["sampled"] >= 3 and "Bounds Green Road" in effect["streets_inside"]
    assert effect["verdict"] == "changes_routes" and effect["warning"] is False
    assert effect["changed"] >= 1 and effect["message"].startswith(f"It would move {effect['changed']} of")
    assert await Hotspot.all().count() == 0, "a preview stores nothing"


async def test_unavoidable_hotspot_warns_and_the_route_says_take_care(client: httpx.AsyncClient) -> None:
    school = (await client.get("/api/v1/schools", params={"area": AREA, "q": "Alexandra Park"})).json()[
        "schools"
    ][0]
    await login_as(client, role="officer", areas=(AREA,), schools=())
    body = {
        "area": AREA,
        "lat": school["lat"],
        "lon": school["lon"],
        "radius_m": 250,
        "weight": 10,
        "windows": ALWAYS,
    }
    r = await client.post("/api/v1/admin/hotspots/preview", json=body)
    effect = r.json()
    assert effect["warning"] is True and effect["verdict"] == "no_alternative"
    assert effect["used"] >= 1 and effect["changed"] == 0
    assert "none has another way round" in effect["message"]
    assert "detour limit" in effect["message"] and "Albert Road" in effect["message"]
    created = await client.post("/api/v1/admin/hotspots", json=body)
    assert created.status_code == 201
    r = await client.get(
        "/api/v1/routes", params={"from": f"school:{school['urn']}", "to": "51.6010,-0.1105"}
    )
    assert r.status_code == 200, r.text
    route = r.json()
    assert route["flagged_on_route"]["hotspots"] == 1 and route["flagged_on_route"]["streets"]
    note = next(n for n in route["notes"] if "flagged" in n)
    assert note == (
        "This route still passes an area police have flagged; take care on "
        + " and ".join(route["flagged_on_route"]["streets"])
        + "."
    )
    assert set(route["flagged_on_route"]["streets"]) <= set(route["features"][1]["properties"]["streets"])
    # without the hotspot the same route carries no such note
    await client.delete(f"/api/v1/admin/hotspots/{created.json()['id']}")
    clear = (
        await client.get(
            "/api/v1/routes", params={"from": f"school:{school['urn']}", "to": "51.6010,-0.1105"}
        )
    ).json()
    assert clear["flagged_on_route"] == {"hotspots": 0, "streets": []}
    assert not [n for n in clear["notes"] if "flagged" in n]


async def test_preview_is_refused_outside_scope_and_warns_off_street(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=("southwark",), schools=())
    body = {"area": AREA, "lat": 51.6145, "lon": -0.1205, "radius_m": 80, "weight": 10}
    assert (await client.post("/api/v1/admin/hotspots/preview", json=body)).status_code == 403
    await login_as(client, role="officer", areas=(AREA,), schools=())
    bad = await client.post("/api/v1/admin/hotspots/preview", json={**body, "radius_m": 5})
    assert bad.status_code == 422 and "'" not in bad.json()["error"]["message"]
