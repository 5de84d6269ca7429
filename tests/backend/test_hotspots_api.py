"""Officer hotspots through the HTTP API: they move the safer route at once, and deleting one restores it."""

from __future__ import annotations

from typing import Any

import httpx

from backend.hotspots import service
from backend.hotspots.models import Hotspot
from tests.support.routes import AREA, min_distance_m, safer_feature
from tests.support.staff import login_as


async def test_hotspot_moves_safer_route_and_delete_restores_it(client: httpx.AsyncClient) -> None:
    before = await safer_feature(client)
    coords = before["geometry"]["coordinates"]
    lon, lat = coords[len(coords) // 2]
    await login_as(client, role="officer", areas=(AREA,), schools=())
    body = {
        "area": AREA,
        "lat": lat,
        "lon": lon,
        "radius_m": 60,
        "weight": 10,
        "windows": [{"days": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}],
        "notes": "test",
    }
    created = await client.post("/api/v1/admin/hotspots", json=body)
    assert created.status_code == 201, created.text
    hotspot_id = created.json()["id"]

    moved = await safer_feature(client)
    assert min_distance_m(moved["geometry"]["coordinates"], lat, lon) > 30
    assert moved["geometry"]["coordinates"] != coords

    listed = await client.get("/api/v1/admin/hotspots", params={"area": AREA})
    assert [h["id"] for h in listed.json()["hotspots"]] == [hotspot_id]

    deleted = await client.delete(f"/api/v1/admin/hotspots/{hotspot_id}")
    assert deleted.status_code == 204
    restored = await safer_feature(client)
    assert restored["geometry"]["coordinates"] == coords
    assert (await client.get(f"/api/v1/admin/hotspots/{hotspot_id}")).status_code == 404


async def test_other_workers_notice_a_hotspot_written_elsewhere(app: Any, client: httpx.AsyncClient) -> None:
    before = await safer_feature(client)
    coords = before["geometry"]["coordinates"]
    lon, lat = coords[len(coords) // 2]
    state = app.state.wayhome
    state.hotspot_sync = service.HotspotSync(min_interval_s=0.0)
    # Written straight to the database, as another web worker would: this worker's router is not told.
    await service.create_hotspot(
        area=AREA, values={"lat": lat, "lon": lon, "radius_m": 60.0, "weight": 10.0}, created_by=None
    )
    moved = await safer_feature(client)
    assert min_distance_m(moved["geometry"]["coordinates"], lat, lon) > 30


async def test_patch_and_validation(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    ok = {"area": AREA, "lat": 51.61, "lon": -0.11, "radius_m": 100}
    created = (await client.post("/api/v1/admin/hotspots", json=ok)).json()
    patched = await client.patch(f"/api/v1/admin/hotspots/{created['id']}", json={"weight": 4.5})
    assert patched.status_code == 200 and patched.json()["weight"] == 4.5
    square = {
        "type": "Polygon",
        "coordinates": [
            [[-0.111, 51.609], [-0.109, 51.609], [-0.109, 51.611], [-0.111, 51.611], [-0.111, 51.609]]
        ],
    }
    to_poly = await client.patch(
        f"/api/v1/admin/hotspots/{created['id']}",
        json={"polygon": square, "lat": None, "lon": None, "radius_m": None},
    )
    assert to_poly.status_code == 200, to_poly.text
    assert to_poly.json()["polygon"] is not None and to_poly.json()["radius_m"] is None
    bad_bodies = [
        {"area": AREA, "lat": 51.61, "lon": -0.11},  # no radius
        {"area": AREA, "lat": 51.61, "lon": -0.11, "radius_m": 100, "polygon": square},
        {"area": AREA, "lat": 51.61, "lon": -0.11, "radius_m": 5000},
        {"area": AREA, "lat": 51.61, "lon": -0.11, "radius_m": 100, "weight": "high"},
        {
            "area": AREA,
            "lat": 51.61,
            "lon": -0.11,
            "radius_m": 100,
            "expires_at": "2001-01-01T00:00:00+00:00",
        },
        {
            "area": AREA,
            "lat": 51.61,
            "lon": -0.11,
            "radius_m": 100,
            "windows": [{"days": [9], "start": "15:00", "end": "18:00"}],
        },
        {"area": AREA, "lat": 51.50, "lon": -0.11, "radius_m": 100},  # outside the area
        {"area": "atlantis", "lat": 51.61, "lon": -0.11, "radius_m": 100},
        {"area": AREA, "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}},
    ]
    for bad in bad_bodies:
        r = await client.post("/api/v1/admin/hotspots", json=bad)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["code"] in {"invalid_hotspot", "outside_area", "unknown_area"}
    assert len((await client.get("/api/v1/admin/hotspots")).json()["hotspots"]) == 1
    assert await Hotspot.all().count() == 1


async def test_scope_and_auth(client: httpx.AsyncClient) -> None:
    body = {"area": AREA, "lat": 51.61, "lon": -0.11, "radius_m": 100}
    assert (await client.post("/api/v1/admin/hotspots", json=body)).status_code in (401, 403)
    await login_as(client, role="officer", areas=("southwark",), schools=())
    r = await client.post("/api/v1/admin/hotspots", json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_object"
    assert await Hotspot.all().count() == 0


async def test_hotspot_change_and_its_audit_event_commit_together(client: httpx.AsyncClient) -> None:
    """The audit event is written in the hotspot's transaction: a failing audit leaves no hotspot behind."""
    from backend.accounts.models import AuditEvent

    await login_as(client, role="officer", areas=(AREA,))
    values = service.validate({"lat": 51.6, "lon": -0.11, "radius_m": 50, "weight": 2})

    async def failing_audit(h: Hotspot) -> None:
        await AuditEvent.create(
            actor_email="x", action="hotspot.create", object_type="hotspot", address="cli"
        )
        raise RuntimeError("audit store down")

    before_events = await AuditEvent.filter(action="hotspot.create").count()
    before = await Hotspot.filter(area=AREA).count()
    try:
        await service.create_hotspot(area=AREA, values=values, created_by=None, audit=failing_audit)
    except RuntimeError:
        pass
    assert await Hotspot.filter(area=AREA).count() == before
    assert await AuditEvent.filter(action="hotspot.create").count() == before_events

    r = await client.post(
        "/api/v1/admin/hotspots", json={"area": AREA, "lat": 51.6, "lon": -0.11, "radius_m": 50, "weight": 2}
    )
    assert r.status_code == 201, r.text
    event = await AuditEvent.filter(action="hotspot.create", object_id=str(r.json()["id"])).first()
    assert event is not None


async def test_a_new_worker_starts_with_the_live_hotspots_and_keeps_them(settings: Any) -> None:
    """The hotspots loaded at start-up are the ones requests use: the first route does not reload them."""
    from asgi_lifespan import LifespanManager

    from backend.app import create_app

    first = create_app(settings)
    async with LifespanManager(first):  # an earlier worker saved a hotspot
        await service.create_hotspot(
            area=AREA, values={"lat": 51.606, "lon": -0.118, "radius_m": 80.0, "weight": 5.0}, created_by=None
        )
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        state = app.state.wayhome
        router = state.routers[AREA]
        assert [h.id for h in router._snapshot.hotspots] != [], "started with the saved hotspot"
        loaded_version = router.hotspot_version
        assert state.hotspot_sync.revisions[AREA] >= 1
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            await safer_feature(client)
        assert router.hotspot_version == loaded_version, "the first request did not load them again"
