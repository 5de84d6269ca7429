"""GET /api/v1/havens over the real app: walking distances, open state, closing cue, escalation, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from havens.models import Haven

AREA = "north-london-demo"
LAT, LON = 51.6145, -0.1205  # inside the Wood Green street network
THU_NOON = "2026-11-26T12:00:00+00:00"


async def add(name: str, dlat: float, dlon: float, hours: str | None, **extra: Any) -> Haven:
    fields = {"area": AREA, "kind": "citysafe_haven", "status": "active", "sample": True, **extra}
    return await Haven.create(name=name, lat=LAT + dlat, lon=LON + dlon, opening_hours=hours, **fields)


async def get(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    r = await client.get("/api/v1/havens", params={"lat": LAT, "lon": LON, **params})
    assert r.status_code == 200, r.text
    return r.json()


async def test_seeded_places_are_public_places_never_citysafe(client: httpx.AsyncClient) -> None:
    body = await get(client, at=THU_NOON, limit=20, max_m=20000)
    assert body["havens"], "the demo area's libraries are seeded"
    assert {h["kind"] for h in body["havens"]} == {"public_place"}
    assert all(h["needs_verification"] for h in body["havens"])
    assert await Haven.filter(kind="citysafe_haven").count() == 0


async def test_walking_order_open_state_and_closing_cue(client: httpx.AsyncClient) -> None:
    near_closing = await add("Closes soon", 0.0010, 0.0, "Mo-Su 08:00-12:20")
    closed = await add("Closed now", 0.0005, 0.0, "Mo-Su 14:00-18:00")
    unknown = await add("Hours unknown", 0.0, 0.0020, None)
    body = await get(client, at=THU_NOON, limit=10)
    assert body["distance_basis"] == "walking" and body["notes"] == []
    by_id = {h["id"]: h for h in body["havens"]}
    # Open on arrival first, then unknown hours, then closed; by walking distance within each group.
    rank = {True: 0, None: 1, False: 2}
    order = [(rank[h["open_on_arrival"]], h["distance_m"]) for h in body["havens"]]
    assert order == sorted(order)
    assert by_id[near_closing.id]["open_now"] is True and by_id[near_closing.id]["open_on_arrival"] is True
    assert by_id[closed.id]["open_on_arrival"] is False and by_id[unknown.id]["open_on_arrival"] is None
    assert by_id[near_closing.id]["closes_in_min"] == 20 and by_id[near_closing.id]["closing_soon"] is True
    assert by_id[closed.id]["open_now"] is False
    assert by_id[closed.id]["opens_at"] == "2026-11-26T14:00:00+00:00"
    assert by_id[unknown.id]["open_now"] is None and by_id[unknown.id]["hours_known"] is False
    assert all(h["walk_s"] > 0 and h["distance_m"] >= 0 for h in body["havens"])
    assert body["escalation"]["needed"] is False
    only_open = await get(client, at=THU_NOON, limit=10, open="open")
    assert all(h["open_now"] is True for h in only_open["havens"])
    assert closed.id not in {h["id"] for h in only_open["havens"]}


async def test_escalation_when_nothing_open_within_15_minutes(client: httpx.AsyncClient) -> None:
    await add("Day shop", 0.0008, 0.0, "Mo-Sa 09:00-17:00; PH off")
    body = await get(client, at="2026-12-25T12:00:00+00:00")  # Christmas Day: PH off
    esc = body["escalation"]
    assert esc["needed"] is True
    phones = {c["phone"] for c in esc["contacts"]}
    assert {"999", "101", "0800 1111"} <= phones
    open_day = await get(client, at="2026-12-24T12:00:00+00:00")
    assert open_day["escalation"]["needed"] is False
    assert open_day["escalation"]["contacts"]  # always present


async def test_changes_refresh_the_index(client: httpx.AsyncClient) -> None:
    haven = await add("Pop-up", 0.0003, 0.0003, "24/7")
    assert haven.id in {h["id"] for h in (await get(client, at=THU_NOON))["havens"]}
    haven.status = "suspended"
    await haven.save()
    assert haven.id not in {h["id"] for h in (await get(client, at=THU_NOON))["havens"]}


async def test_area_without_full_streets_says_straight_line(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/havens", params={"lat": 51.4890, "lon": -0.0975, "at": THU_NOON})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["area"] == "southwark"
    assert body["distance_basis"] == "straight_line" and body["notes"]
    names = {h["name"] for h in body["havens"]}
    assert "Walworth Police Station" in names
    walworth = next(h for h in body["havens"] if h["name"] == "Walworth Police Station")
    assert walworth["open_now"] is True and walworth["closes_at"] == "2026-11-26T22:00:00+00:00"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"lon": LON}, "missing_parameter"),
        ({"lat": "north", "lon": LON}, "invalid_number"),
        ({"lat": LAT, "lon": LON, "limit": 0}, "out_of_range"),
        ({"lat": LAT, "lon": LON, "open": "maybe"}, "invalid_choice"),
        ({"lat": LAT, "lon": LON, "at": "tomorrow"}, "invalid_datetime"),
    ],
)
async def test_bad_input_is_a_clear_422(client: httpx.AsyncClient, params: dict[str, Any], code: str) -> None:
    r = await client.get("/api/v1/havens", params=params)
    assert r.status_code == 422 and r.json()["error"]["code"] == code


async def test_outside_areas_still_gives_escalation(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/havens", params={"lat": 53.48, "lon": -2.24})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "outside_areas"
    assert "999" in {c["phone"] for c in err["details"]["escalation"]["contacts"]}


async def test_a_slow_walking_search_does_not_hold_up_other_requests(
    client: httpx.AsyncClient, app: Any
) -> None:
    """The walking-distance search runs off the event loop: while one is busy (made slow here with a blocking
    sleep before the real search), the health check and a second person's request are still answered."""
    import asyncio
    import time

    router = app.state.wayhome.routers[AREA]
    real = router.walk_lengths_m

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)  # blocking, as CPU work would be
        return real(*args, **kwargs)

    await get(client, at=THU_NOON)  # warm: index built, kernels compiled
    router.walk_lengths_m = slow
    try:
        started = time.perf_counter()
        slow_request = asyncio.create_task(get(client, at=THU_NOON))
        await asyncio.sleep(0.1)
        health = await client.get("/healthz")
        health_s = time.perf_counter() - started
        body = await slow_request
    finally:
        router.walk_lengths_m = real
    assert health.status_code == 200
    assert health_s < 0.8, f"/healthz waited {health_s:.2f} s behind a walking search"
    assert body["distance_basis"] == "walking" and body["havens"]
