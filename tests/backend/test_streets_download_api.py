"""The console's street download: admins start it, everyone sees progress in words, failures say why."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from backend.streets_download import StreetDownloads
from tests.support.staff import login_as, logout_locally


async def poll(client: httpx.AsyncClient, slug: str, *, until: set[str]) -> dict[str, Any]:
    for _ in range(100):
        areas = (await client.get("/api/v1/admin/streets")).json()["areas"]
        status = next(a for a in areas if a["area"] == slug)
        if status["download"]["state"] in until:
            return dict(status)
        await asyncio.sleep(0.05)
    raise AssertionError(f"download never reached {until}")


async def test_without_openstreetmap_the_download_stops_with_a_reason(
    app: Any, client: httpx.AsyncClient
) -> None:
    gate = threading.Event()

    def unreachable() -> bool:
        gate.wait(5)
        return False

    app.state.wayhome.street_downloads = StreetDownloads(reachable=unreachable)
    await login_as(client, role="admin")
    admin = client
    before = await poll(admin, "southwark", until={"idle"})
    assert before["streets"] == "partial"
    r = await admin.post("/api/v1/admin/streets/southwark/download")
    assert r.status_code == 202, r.text
    running = r.json()["download"]
    assert running["state"] == "running" and running["steps"] == 4
    again = await admin.post("/api/v1/admin/streets/southwark/download")
    assert again.status_code == 409 and "already running" in again.json()["error"]["message"]
    progress = await poll(admin, "southwark", until={"running"})
    assert progress["download"]["step"] == 1
    assert progress["download"]["step_label"] == "Checking that OpenStreetMap can be reached"
    gate.set()
    failed = await poll(admin, "southwark", until={"failed"})
    assert "OpenStreetMap cannot be reached" in failed["download"]["message"]
    assert failed["streets"] == "partial", "nothing changed"
    audit = (await admin.get("/api/v1/admin/audit")).json()
    assert any(e["action"] == "streets.download" for e in audit.get("events", audit.get("items", [])))


async def test_only_admins_start_downloads_and_unknown_areas_are_404(
    app: Any, client: httpx.AsyncClient
) -> None:
    app.state.wayhome.street_downloads = StreetDownloads(reachable=lambda: False)
    await login_as(client, role="officer", areas=("southwark",))
    r = await client.post("/api/v1/admin/streets/southwark/download")
    assert r.status_code == 403
    assert (await client.get("/api/v1/admin/streets")).status_code == 403
    logout_locally(client)
    await login_as(client, role="admin")
    r = await client.post("/api/v1/admin/streets/atlantis/download")
    assert r.status_code == 404 and r.json()["error"]["message"] == "WayHome does not serve that area."
    assert app.state.wayhome.street_downloads.status("southwark")["state"] == "idle"
