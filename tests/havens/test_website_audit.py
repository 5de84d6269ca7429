"""Website audit against real loopback HTTP servers: 200, 301, 404, too slow, changing pages, and the
outbound guard refusing loopback, link-local and internal redirect hops."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from havens.models import Haven, HelpService, PartnerWebsite
from havens.website_audit import run_audit
from outbound import OutboundPolicy
from tests.support.staff import login_as


@dataclass
class Site:
    base: str
    port: int
    hits: list[str] = field(default_factory=list)
    body: bytes = b"first version"
    redirect_to: str = ""


def serve(site_factory: type[Site] = Site) -> tuple[ThreadingHTTPServer, Site]:
    site = site_factory(base="", port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(self.path)
            body = b""
            if self.path in ("/ok", "/new-home", "/page"):
                self.send_response(200)
                body = site.body
            elif self.path == "/moved":
                self.send_response(301)
                self.send_header("Location", "/new-home")
            elif self.path == "/away":
                self.send_response(302)
                self.send_header("Location", site.redirect_to)
            elif self.path == "/slow":
                time.sleep(1.5)
                self.send_response(200)
            else:
                self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.port = server.server_address[1]
    site.base = f"http://127.0.0.1:{site.port}"
    return server, site


@pytest.fixture
def sites() -> Iterator[tuple[Site, Site]]:
    one, a = serve()
    two, b = serve()
    yield a, b
    for server in (one, two):
        server.shutdown()
        server.server_close()


def only(site: Site) -> OutboundPolicy:
    """The test switch: this one loopback port may be fetched, nothing else local."""
    return OutboundPolicy(allow_loopback=True, loopback_ports=(site.port,))


async def _only_these(**websites: str) -> dict[str, Haven]:
    await HelpService.all().delete()
    await Haven.all().delete()
    return {name: await Haven.create(area="southwark", name=name, kind="other", lat=51.47, lon=-0.07, website=url)
            for name, url in websites.items()}  # fmt: skip


async def test_audit_lists_broken_and_moved_sites(
    client: httpx.AsyncClient, sites: tuple[Site, Site]
) -> None:
    site, _ = sites
    await _only_these(ok=f"{site.base}/ok", moved=f"{site.base}/moved")
    gone = await HelpService.create(
        name="Gone service",
        needs=["feeling_low"],
        website=f"{site.base}/gone",
        channels=[{"kind": "web", "value": f"{site.base}/slow", "hours": None}],
    )
    run = await run_audit(policy=only(site), timeout_s=0.5)
    results = {r["url"]: r for r in run.results}
    assert results[f"{site.base}/ok"]["result"] == "ok"
    moved = results[f"{site.base}/moved"]
    assert moved["result"] == "moved" and moved["status"] == 200
    assert moved["location"] == moved["final_url"] == f"{site.base}/new-home"
    assert (
        results[f"{site.base}/gone"]["result"] == "broken" and results[f"{site.base}/gone"]["status"] == 404
    )
    assert results[f"{site.base}/slow"]["result"] == "timeout"
    assert run.checked == 4 and run.problems == 3
    assert moved["objects"][0]["name"] == "moved"
    assert results[f"{site.base}/gone"]["objects"][0]["id"] == gone.id

    await login_as(client, role="editor", areas=("southwark",))
    r = await client.get("/api/v1/admin/website-audit")
    assert r.status_code == 200
    body = r.json()
    assert body["run"]["id"] == run.id and {p["url"] for p in body["problems"]} == {
        f"{site.base}/moved", f"{site.base}/gone", f"{site.base}/slow"}  # fmt: skip


async def test_the_guard_refuses_loopback_and_never_connects(
    client: httpx.AsyncClient, sites: tuple[Site, Site]
) -> None:
    site, _ = sites
    await _only_these(local=f"{site.base}/ok", by_name=f"http://localhost:{site.port}/ok",
                      metadata="http://169.254.169.254/latest/meta-data/", v6="http://[::1]/",
                      integer="http://2130706433/", odd_port="http://192.0.2.10:8080/")  # fmt: skip
    run = await run_audit(timeout_s=0.5)  # the production policy
    assert {r["result"] for r in run.results} == {"refused"}
    assert site.hits == []  # nothing reached the loopback server
    reason = next(r for r in run.results if "169.254" in r["url"])["refused_reason"]
    assert "link-local" in reason and "{" not in reason


async def test_every_redirect_hop_is_checked(client: httpx.AsyncClient, sites: tuple[Site, Site]) -> None:
    site, internal = sites
    await _only_these(away=f"{site.base}/away")
    site.redirect_to = f"{internal.base}/ok"  # another local port: refused at the hop
    run = await run_audit(policy=only(site), timeout_s=0.5)
    assert run.results[0]["result"] == "refused" and internal.hits == []
    site.redirect_to = "http://169.254.169.254/latest/meta-data/"
    run = await run_audit(policy=only(site), timeout_s=0.5)
    assert run.results[0]["result"] == "refused"
    assert site.hits == ["/away", "/away"]


async def test_page_changes_and_stale_partner_pages(
    client: httpx.AsyncClient, sites: tuple[Site, Site]
) -> None:
    site, _ = sites
    await _only_these()
    partner = await PartnerWebsite.create(name="Youth club", url=f"{site.base}/page", kind="youth_service")
    first = await run_audit(policy=only(site))
    assert first.results[0]["changed"] is None  # nothing to compare with yet
    same = await run_audit(policy=only(site))
    assert same.results[0]["changed"] is False
    site.body = b"second version"
    changed = await run_audit(policy=only(site))
    assert changed.results[0]["changed"] is True
    await partner.refresh_from_db()
    assert partner.changed_since_last_check and partner.result == "ok" and partner.status == 200
    await PartnerWebsite.filter(id=partner.id).update(
        content_changed_at=datetime.now(UTC) - timedelta(days=400)
    )
    await run_audit(policy=only(site))  # unchanged again: still stale
    await login_as(client, role="officer", areas=("southwark",))
    listed = (await client.get("/api/v1/admin/partner-websites")).json()["partners"]
    assert listed[0]["stale"] is True and listed[0]["changed_since_last_check"] is False


async def test_no_run_yet(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    body = (await client.get("/api/v1/admin/website-audit")).json()
    assert body == {"run": None, "problems": [], "results": []}
