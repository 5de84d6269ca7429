"""Route searches in work processes (WAYHOME_WORK_PROCESSES): the same answers as the web process's router,
hotspots that follow an officer's change, refusals in plain words, and a killed process nobody notices."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend.app import create_app
from backend.settings import Settings
from backend.state import AppState
from routing.router import DetourCap
from tests.conftest import make_settings
from tests.support.routes import AREA, ROUTE, min_distance_m, safer_feature
from tests.support.staff import login_as

ALWAYS = [{"days": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return make_settings(database_url, tmp_path / "var", work_processes=1)


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, AppState]]:
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120, shutdown_timeout=30) as manager:
        state: AppState = app.state.wayhome
        assert state.work_processes is not None
        await state.work_processes.warm()
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            yield http, state


def _query(router: Any) -> dict[str, Any]:
    """What the API hands the router for ROUTE (no Havens, notes or dates: the search itself is compared)."""
    (from_lat, from_lon), (to_lat, to_lon) = (map(float, ROUTE[end].split(",")) for end in ("from", "to"))
    return dict(
        from_lat=from_lat, from_lon=from_lon, to_lat=to_lat, to_lon=to_lon,
        at=dt.datetime.fromisoformat(ROUTE["at"]), havens=[], cap=DetourCap(max_pct=100.0, max_m=3000.0),
        fixed_origin=False, notes=[], data_as_of={}, balanced=False,
    )  # fmt: skip


async def test_routes_from_a_work_process_match_the_router_and_follow_a_new_hotspot(
    served: tuple[httpx.AsyncClient, AppState],
) -> None:
    http, state = served
    pool, router = state.work_processes, state.routers[AREA]
    assert pool is not None
    in_process = await asyncio.to_thread(lambda: router.routes_json(**_query(router)))
    assert await pool.routes_json(router, **_query(router)) == in_process

    before = await safer_feature(http)
    coords = before["geometry"]["coordinates"]
    lon, lat = coords[len(coords) // 2]
    await login_as(http, role="officer", areas=(AREA,), schools=())
    body = {"area": AREA, "lat": lat, "lon": lon, "radius_m": 60, "weight": 10, "windows": ALWAYS}
    created = await http.post("/api/v1/admin/hotspots", json=body)
    assert created.status_code == 201, created.text

    moved = await safer_feature(http)
    assert min_distance_m(moved["geometry"]["coordinates"], lat, lon) > 30, "the process took the hotspot"
    after = await asyncio.to_thread(lambda: router.routes_json(**_query(router)))
    assert after != in_process
    assert await pool.routes_json(router, **_query(router)) == after

    deleted = await http.delete(f"/api/v1/admin/hotspots/{created.json()['id']}")
    assert deleted.status_code == 204
    assert (await safer_feature(http))["geometry"]["coordinates"] == coords


async def test_a_refusal_from_a_work_process_reads_as_a_sentence(
    served: tuple[httpx.AsyncClient, AppState],
) -> None:
    http, _ = served
    found = await http.get("/api/v1/schools", params={"area": "southwark", "q": "Harris Academy Peckham"})
    urn = found.json()["schools"][0]["urn"]
    # Southwark's offline streets are partial: the router (in the process) cannot reach this postcode.
    r = await http.get("/api/v1/routes", params={"from": f"school:{urn}", "to": "postcode:SE5 7AL"})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "no_street_nearby" and error["details"]["streets"] == "partial"
    assert "need the borough's street map" in error["message"]


async def test_a_killed_work_process_is_replaced_and_no_request_fails(
    served: tuple[httpx.AsyncClient, AppState], caplog: pytest.LogCaptureFixture
) -> None:
    http, state = served
    pool = state.work_processes
    assert pool is not None
    (old,) = pool.pids()
    os.kill(old, signal.SIGKILL)
    await asyncio.to_thread(_wait_until_gone, old, 10.0)

    for _ in range(3):  # the first is answered in a thread while a new process starts
        await safer_feature(http)
    assert "a route process stopped" in caplog.text
    new = await pool.warm()
    assert new and old not in new
    assert await pool.routes_json(state.routers[AREA], **_query(state.routers[AREA]))


async def test_the_sign_in_qr_code_is_drawn_in_a_work_process(
    served: tuple[httpx.AsyncClient, AppState],
) -> None:
    http, _ = served
    await login_as(http, role="editor", areas=(AREA,), schools=())
    r = await http.post("/api/v1/auth/totp/setup")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["qr_svg"].startswith("data:image/svg+xml") and body["secret"] in body["otpauth_uri"]


def _wait_until_gone(pid: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
