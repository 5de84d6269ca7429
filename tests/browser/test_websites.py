"""A new officer's first sign-in sets up the second step (QR code drawn by the server, recovery codes shown
once), then the partner-website audit refuses a loopback address in plain words and never contacts it."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from backend.settings import Settings
from tests.browser.conftest import axe_violations, create_staff_account, new_phone, screenshot
from tests.havens.test_website_audit import serve
from tests.support.server import live_server

pytestmark = pytest.mark.browser


async def test_officer_enrols_then_the_audit_refuses_a_loopback_url(browser: Any, settings: Settings) -> None:
    email, password = create_staff_account(settings, role="officer", areas=("southwark",), totp=False)
    local, site = serve()
    try:
        with live_server(settings) as base:
            context = await new_phone(browser, base)
            page = await context.new_page()
            errors: list[str] = []
            outside: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:")) else None
            )
            await page.goto("/#/staff")
            await page.fill("#staff-email", email)
            await page.fill("#staff-password", password)
            await page.click("#staff-sign-in")

            # First sign-in: set up the authenticator app from the QR code.
            await page.wait_for_selector(".staff-qr")
            assert (await page.get_attribute(".staff-qr", "src") or "").startswith("data:image/svg+xml")
            assert await page.evaluate("document.querySelector('.staff-qr').naturalWidth") > 0
            assert not await axe_violations(page)
            await screenshot(page, "staff-second-step")
            secret = (await page.inner_text("#staff-enrol-secret")).replace(" ", "")
            await page.fill(
                "#staff-enrol-code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
            )
            await page.click("#staff-enrol-confirm")
            await page.wait_for_selector(".staff-enrol-confirm .status-error")
            await page.fill("#staff-enrol-code", pyotp.TOTP(secret).now())
            await page.click("#staff-enrol-confirm")
            await page.wait_for_selector("#staff-recovery-codes li")
            assert await page.locator("#staff-recovery-codes li").count() == 10
            await page.click("#staff-recovery-done")
            await page.wait_for_selector(".staff-console")

            # The partner-website audit: a loopback address is refused beside the field, and nothing is saved.
            await page.goto("/#/staff/websites")
            await page.wait_for_selector("#partner-url")
            await page.fill("#partner-name", "Youth club (test)")
            await page.fill("#partner-url", f"{site.base}/ok")
            await page.select_option("#partner-kind", "youth_service")
            await page.click("#partner-add")
            await page.wait_for_selector("#partner-url-error")
            shown = await page.inner_text("#partner-url-error")
            assert "loopback" in shown and "WayHome never contacts" in shown
            assert await page.get_attribute("#partner-url", "aria-invalid") == "true"
            assert await page.inner_text(".partners, section[aria-labelledby=websites-partners]") != ""
            assert "No partner pages yet." in await page.inner_text("main")
            assert not await axe_violations(page)
            await screenshot(page, "staff-websites-refused")
            assert site.hits == []  # the server was never contacted, not even by the check
            assert not errors and not outside
    finally:
        local.shutdown()
        local.server_close()
