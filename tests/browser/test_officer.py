"""An officer signs in, publishes a notice; a parent's page shows it, and a push shows it as a notification.

The push reaches the page's real service worker through the DevTools protocol (ServiceWorker.deliverPushMessage)
with the exact payload the server would encrypt and send; headless Chromium cannot reach a real push service.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import (
    axe_violations,
    create_staff_account,
    new_phone,
    screenshot,
    wait_for_service_worker,
)
from tests.support.server import live_server
from tests.support.staff import totp_code

pytestmark = pytest.mark.browser
URN = "137531"  # Alexandra Park School, in the north-london-demo area


async def service_worker_registration_id(page: Any) -> tuple[Any, str]:
    cdp = await page.context.new_cdp_session(page)
    found: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def on_update(event: dict[str, Any]) -> None:
        for reg in event.get("registrations", []):
            if not reg.get("isDeleted") and not found.done():
                found.set_result(reg["registrationId"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", on_update)
    await cdp.send("ServiceWorker.enable")
    return cdp, await asyncio.wait_for(found, timeout=10)


async def test_officer_publishes_a_notice_that_parents_see(browser: Any, settings: Settings) -> None:
    email, password = create_staff_account(
        settings, role="officer", areas=("north-london-demo",), schools=(URN,)
    )
    with live_server(settings) as base:
        officer = await new_phone(browser, base)
        page = await officer.new_page()
        await page.goto("/#/staff")
        await page.fill("#staff-email", email)
        await page.fill("#staff-password", password)
        assert not await axe_violations(page)
        await screenshot(page, "staff-sign-in")
        await page.click("#staff-sign-in")
        await page.wait_for_selector("#staff-otp:visible")  # the second step, from the authenticator app
        await page.fill("#staff-otp", totp_code())
        await page.click("#staff-sign-in")
        await page.wait_for_selector("#overview-finish")  # the officer's home page comes first
        await page.goto("/#/staff/notices")
        await page.wait_for_selector("#notice-title")
        title = "Police patrol after school today"
        body = "Officers will be on Bounds Green Road from 15:00 to 16:30. Walk with friends."
        await page.fill("#notice-title", title)
        await page.fill("#notice-body", body)
        preview = page.locator(".notification-preview")
        assert title in await preview.inner_text() and body in await preview.inner_text()
        chip = page.locator(f"#notice-schools-chosen li[data-urn='{URN}']")
        await chip.wait_for()
        assert "Alexandra Park School" in await chip.inner_text(), "schools are chosen and shown by name"
        assert not await axe_violations(page)
        await screenshot(page, "staff-notice")
        await page.click("#notice-publish")
        await page.wait_for_selector("text=Published. Alerts are being sent.")
        notice = page.locator(f".card[data-notice-id] >> text={title}")
        await notice.wait_for()
        staff_list = await page.evaluate("fetch('/api/v1/admin/notices').then(r => r.json())")
        sent = next(n for n in staff_list["notices"] if n["title"] == title)
        assert sent["status"] == "sent" and sent["schools"] == [URN]
        payload = await page.evaluate(
            f"fetch('/api/v1/admin/notices/{sent['id']}/preview').then(r => r.json())"
        )
        # No staff code or data is cached by the service worker.
        cached = await page.evaluate("""caches.keys().then(async names => {
            const urls = [];
            for (const n of names) for (const r of await (await caches.open(n)).keys()) urls.push(new URL(r.url).pathname);
            return urls; })""")
        assert not [
            u
            for u in cached
            if u == "/api/v1/me" or u.startswith(("/js/staff/", "/api/v1/admin", "/api/v1/auth/"))
        ]

        parent = await new_phone(browser, base, permissions=["notifications"])
        ppage = await parent.new_page()
        await ppage.goto(f"/#/parents?school={URN}")
        await wait_for_service_worker(ppage)
        await ppage.wait_for_selector("ul.notices li.card")
        assert title in await ppage.inner_text("ul.notices")
        assert "Alerts" in await ppage.inner_text(".alerts")
        assert not await axe_violations(ppage)
        await screenshot(ppage, "parents")

        cdp, registration_id = await service_worker_registration_id(ppage)
        await cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": base, "registrationId": registration_id, "data": json.dumps(payload["payload"]),
        })  # fmt: skip
        shown = []
        for _ in range(50):
            shown = await ppage.evaluate("""navigator.serviceWorker.ready.then(r => r.getNotifications())
                .then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url})))""")
            if shown:
                break
            await asyncio.sleep(0.1)
        assert shown and shown[0]["title"] == title and shown[0]["body"] == body
        assert shown[0]["tag"] == str(sent["id"])
        await ppage.goto(shown[0]["url"])  # what a tap on the notification opens
        await ppage.wait_for_selector("ul.notices li.card")
        assert title in await ppage.inner_text("main")
        assert ppage.url.endswith(f"#/notice/{sent['id']}")
        await screenshot(ppage, "notice")
        await cdp.detach()
        await parent.close()
        await officer.close()
