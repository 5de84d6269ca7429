"""The directory of partner websites: internal addresses are refused before saving (and never contacted),
officers add pages for their own areas, the audit runs on demand and records what it found."""

from __future__ import annotations

import httpx

from backend.accounts.models import AuditEvent
from havens.models import Haven, HelpService, PartnerWebsite
from tests.havens.test_website_audit import serve
from tests.support.staff import login_as


async def test_internal_addresses_are_refused_and_nothing_is_stored(client: httpx.AsyncClient) -> None:
    server, site = serve()
    try:
        await login_as(client, role="officer", areas=("southwark",))
        for url in (f"{site.base}/ok", f"http://localhost:{site.port}/ok", "http://[::1]/",
                    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://2130706433/",
                    "http://[::ffff:127.0.0.1]/", "file:///etc/passwd", "https://user:pw@example.org/"):  # fmt: skip
            r = await client.post("/api/v1/admin/partner-websites", json={"name": "Sneaky", "url": url})
            assert r.status_code == 422, (url, r.text)
            error = r.json()["error"]
            assert error["details"]["field"] == "url" and "{" not in error["message"], url
        assert await PartnerWebsite.all().count() == 0
        assert site.hits == []
    finally:
        server.shutdown()
        server.server_close()


async def test_officer_adds_lists_and_removes_a_partner_page(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=("southwark",))
    made = await client.post(
        "/api/v1/admin/partner-websites",
        json={"name": "Youth services", "url": "https://youth.example.invalid/", "kind": "youth_service",
              "area": "southwark"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    other = await client.post(
        "/api/v1/admin/partner-websites",
        json={"name": "Elsewhere", "url": "https://x.example.invalid/", "area": "north-london-demo"},
    )
    assert other.status_code == 403
    bad_kind = await client.post(
        "/api/v1/admin/partner-websites",
        json={"name": "X", "url": "https://x.example.invalid/", "kind": "spy"},
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["details"]["field"] == "kind"
    listed = (await client.get("/api/v1/admin/partner-websites")).json()["partners"]
    assert [p["name"] for p in listed] == ["Youth services"] and listed[0]["result"] is None
    await Haven.all().update(website="")  # tests never reach the internet
    await HelpService.all().delete()
    run = await client.post("/api/v1/admin/website-audit/run")
    assert run.status_code == 200
    assert [r["result"] for r in run.json()["results"]] == ["unreachable"]  # the name does not resolve
    listed = (await client.get("/api/v1/admin/partner-websites")).json()["partners"]
    assert listed[0]["result"] == "unreachable" and listed[0]["checked_at"]
    gone = await client.delete(f"/api/v1/admin/partner-websites/{made.json()['id']}")
    assert gone.status_code == 204 and await PartnerWebsite.all().count() == 0
    actions = {
        e.action for e in await AuditEvent.filter(object_type__in=["partner_website", "website_audit"])
    }
    assert actions == {"partner_website.create", "website_audit.run", "partner_website.delete"}


async def test_the_worker_runs_the_audit_once_a_day(client: httpx.AsyncClient, settings: object) -> None:
    from datetime import UTC, datetime, timedelta

    from backend.website_checks import audit_if_due
    from havens.models import WebsiteAuditRun

    await Haven.all().update(website="")  # tests never reach the internet
    await HelpService.all().delete()
    await PartnerWebsite.create(name="Council youth page", url="http://127.0.0.1:9/")
    assert await audit_if_due(settings) is True  # type: ignore[arg-type]
    run = await WebsiteAuditRun.all().first()
    assert run is not None and run.results[0]["result"] == "refused"  # the guard applies to the worker too
    assert await audit_if_due(settings) is False  # type: ignore[arg-type]
    assert await audit_if_due(settings, now=datetime.now(UTC) + timedelta(hours=25)) is True  # type: ignore[arg-type]
    assert await WebsiteAuditRun.all().count() == 2
