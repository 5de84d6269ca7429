"""Website audit against a real loopback HTTP server answering 200, 301, 404 and too slowly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from havens.models import Haven, HelpService
from havens.website_audit import run_audit
from tests.support.staff import login_as


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/new-home")
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_audit_lists_broken_and_moved_sites(client: httpx.AsyncClient, site: str) -> None:
    await HelpService.all().delete()  # only the websites of this test
    await Haven.all().delete()
    ok = await Haven.create(
        area="southwark", name="OK place", kind="other", lat=51.47, lon=-0.07, website=f"{site}/ok"
    )
    moved = await Haven.create(
        area="southwark", name="Moved place", kind="other", lat=51.47, lon=-0.07, website=f"{site}/moved"
    )
    gone = await HelpService.create(
        name="Gone service",
        needs=["feeling_low"],
        website=f"{site}/gone",
        channels=[{"kind": "web", "value": f"{site}/slow", "hours": None}],
    )
    run = await run_audit(transport=httpx.AsyncHTTPTransport(), timeout_s=0.5)
    results = {r["url"]: r for r in run.results}
    assert results[f"{site}/ok"]["result"] == "ok"
    assert results[f"{site}/moved"]["result"] == "moved"
    assert results[f"{site}/moved"]["location"] == f"{site}/new-home"
    assert results[f"{site}/gone"]["result"] == "broken" and results[f"{site}/gone"]["status"] == 404
    assert results[f"{site}/slow"]["result"] == "timeout"
    assert run.checked == 4 and run.problems == 3
    assert results[f"{site}/moved"]["objects"] == [
        {"type": "haven", "id": moved.id, "name": "Moved place", "area": "southwark"}
    ]
    assert results[f"{site}/gone"]["objects"][0]["id"] == gone.id
    del ok

    await login_as(client, role="editor", areas=("southwark",))
    r = await client.get("/api/v1/admin/website-audit")
    assert r.status_code == 200
    body = r.json()
    assert body["run"]["id"] == run.id and {p["url"] for p in body["problems"]} == {
        f"{site}/moved", f"{site}/gone", f"{site}/slow"}  # fmt: skip


async def test_no_run_yet(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    body = (await client.get("/api/v1/admin/website-audit")).json()
    assert body == {"run": None, "problems": [], "results": []}
