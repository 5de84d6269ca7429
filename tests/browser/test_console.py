"""The officer console's other sections against the real API: finish times reach the parents' screen,
a hotspot placed on the map is stored, and every section renders without a page error or an axe violation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import (
    axe_violations,
    create_staff_account,
    get_json,
    new_phone,
    screenshot,
    wait_until,
)
from tests.support.server import live_server

pytestmark = pytest.mark.browser
URN = "137531"


async def sign_in(page: Any, email: str, password: str) -> None:
    await page.goto("/#/staff")
    await page.fill("#staff-email", email)
    await page.fill("#staff-password", password)
    await page.click("#staff-sign-in")
    await page.wait_for_selector(".staff-console")


async def test_console_sections_work_against_the_api(browser: Any, settings: Settings) -> None:
    email, password = create_staff_account(
        settings, role="admin", areas=("north-london-demo",), schools=(URN,)
    )
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in(page, email, password)

        # Finish times: an early finish entered here is what parents see.
        await page.goto("/#/staff/finish")
        await page.wait_for_selector("#finish-mon")
        await page.fill("#finish-mon", "15:10")
        await page.fill("#finish-fri", "14:40")
        await page.click(".console-body form:not(.row) button[type=submit]")
        await page.wait_for_selector(".console-body >> text=Saved.")
        rules = (
            await page.evaluate(f"fetch('/api/v1/admin/schools/{URN}/finish-times').then(r => r.json())")
        )["rules"]
        assert {"days": ["mon"], "finish": "15:10"} in rules["weekly"]
        assert {"days": ["fri"], "finish": "14:40"} in rules["weekly"]
        assert not await axe_violations(page)
        await screenshot(page, "staff-finish-times")
        school = await get_json(f"{base}/api/v1/schools/{URN}")
        shown_days = [d for d in school["finish_times"]["days"] if d["school_day"]]
        public = await context.new_page()
        await public.goto(f"/#/parents?school={URN}")
        await public.wait_for_selector("table.finish-times")
        table = await public.inner_text("table.finish-times")
        assert all(f["time"] in table for d in shown_days[:5] for f in d["finishes"])
        await public.close()

        # Hotspots: tap the map, set a radius, save; it is stored with that point and radius.
        await page.goto("/#/staff/hotspots")
        await page.wait_for_selector("#hotspot-map canvas")
        box = await page.locator("#hotspot-map").bounding_box()
        await page.locator("#hotspot-map").click(position={"x": box["width"] / 2, "y": box["height"] / 3})
        assert await page.locator(".console-body .chosen").inner_text(), "the tapped point is shown"
        await page.fill("#hotspot-radius", "120")
        await page.fill("#hotspot-notes", "Test hotspot by the station")
        await page.click(".console-body form button[type=submit]")
        await page.wait_for_selector(".console-body .card >> text=Test hotspot by the station")
        stored = await page.evaluate("fetch('/api/v1/admin/hotspots').then(r => r.json())")
        hotspot = next(h for h in stored["hotspots"] if h.get("notes") == "Test hotspot by the station")
        assert hotspot["radius_m"] == 120 and hotspot["area"] == "north-london-demo"
        assert not await axe_violations(page)
        await screenshot(page, "staff-hotspots")

        # Havens: mark one as checked today; key messages: create a draft through the JSON editor.
        await page.goto("/#/staff/havens")
        await page.wait_for_selector(".console-body li.card")
        first_name = (await page.locator(".console-body li.card h3").first.inner_text()).strip()
        await page.locator(".console-body li.card").first.locator("text=Mark as checked today").click()
        await page.wait_for_selector(".console-body >> text=Marked as checked today.")
        havens = (await page.evaluate("fetch('/api/v1/admin/havens').then(r => r.json())"))["havens"]
        checked = next(h for h in havens if h["name"] == first_name)
        assert checked["verified_at"] and not checked["stale"]
        await page.goto("/#/staff/messages")
        await page.wait_for_selector(".console-body li.card")
        await page.click("text=New entry")
        draft = {
            "tier": "14-17",
            "topic": "test-topic",
            "title": "A test draft",
            "body_markdown": "Hello.",
            "status": "draft",
        }
        await page.fill(".console-body textarea", json.dumps(draft))
        await page.click(".console-body form button[type=submit]")
        await page.wait_for_selector(".console-body li.card h3 >> text=A test draft")

        for section in ("havens", "services", "messages", "audit", "notices"):
            await page.goto(f"/#/staff/{section}")
            await page.wait_for_selector(".console-body > *")
            await wait_until(
                page,
                "!(document.querySelector('.console-body')?.textContent ?? 'Loading').includes('Loading')",
            )
            assert not await axe_violations(page), section
            if section == "audit":
                audit = (await page.inner_text(".console-body table")).lower()
                assert "hotspot" in audit and "finish" in audit, "the console's writes are in the audit log"
        assert not errors, errors

        await page.click("#staff-sign-out")
        await wait_until(page, "location.hash === '#/'")
        assert (await page.evaluate("fetch('/api/v1/me').then(r => r.status)")) == 401
        await context.close()
