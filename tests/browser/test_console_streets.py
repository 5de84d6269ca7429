"""An administrator starts Southwark's street download from the console and sees, in words, why it stopped
(this machine cannot reach OpenStreetMap, and test settings never try)."""

from __future__ import annotations

from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import axe_violations, create_staff_account, new_phone, screenshot
from tests.browser.test_console import sign_in
from tests.support.server import live_server

pytestmark = pytest.mark.browser


async def test_admin_starts_the_street_download_and_reads_the_outcome(
    browser: Any, settings: Settings
) -> None:
    email, password = create_staff_account(settings, role="admin", areas=("southwark",), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in(page, email, password)
        await page.goto("/#/staff/streets")
        button = page.locator("button[data-area='southwark']")
        await button.wait_for()
        card = page.locator(".streets-areas li", has=button)
        assert "only part of its street map" in await card.inner_text()
        await button.click()
        await card.locator(".download-progress .status").wait_for()
        await page.wait_for_selector(".streets-areas li:has-text('OpenStreetMap cannot be reached')")
        text = await page.locator(
            ".streets-areas li", has=page.locator("button[data-area='southwark']")
        ).inner_text()
        assert "wayhome data streets southwark --osm FILE" in text
        audit = await page.evaluate("fetch('/api/v1/admin/audit').then(r => r.json())")
        assert any(e["action"] == "streets.download" for e in audit["events"])
        assert not await axe_violations(page)
        await screenshot(page, "staff-streets")
        assert not errors, errors
        await context.close()
