"""What WayHome tells a young person is as checked as it says: a seeded library shows "Not yet checked by the
council" with its source's own date, a 20-year-old who wants to stop carrying gets adult help (not Childline),
and the console lists messages whose review is due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import axe_violations, create_staff_account, get_json, new_phone, screenshot
from tests.support.server import live_server
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser

AT = dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.UTC)  # Tuesday 16:00 London
WOOD_GREEN = {"latitude": 51.61, "longitude": -0.11}


async def test_content_library_card_says_not_yet_checked_with_source_date(
    browser: Any, settings: Settings
) -> None:
    with live_server(settings) as base:
        api = await get_json(f"{base}/api/v1/havens", lat=WOOD_GREEN["latitude"], lon=WOOD_GREEN["longitude"],
                             limit=5, at=AT.isoformat())  # fmt: skip
        library = next(h for h in api["havens"] if h["source_name"] == "Arts Council England")
        assert (
            library["verified_at"] is None
            and library["verified"] is False
            and library["source_date"] == "2022"
        )
        context = await new_phone(browser, base, geolocation=WOOD_GREEN, permissions=["geolocation"])
        page = await context.new_page()
        await page.clock.set_fixed_time(AT)
        await page.goto("/#/haven")
        await page.click("#use-location")
        await page.wait_for_selector("ol.havens li.card")
        card = page.locator("ol.havens li.card", has_text=library["name"]).first
        text = await card.inner_text()
        assert "Not yet checked by the council" in text
        assert "Source: Arts Council England, 2022" in text
        assert "Please note: Opening hours are the staffed hours listed in 2022" in text
        assert "Last checked" not in await page.inner_text(".results")  # no invented day anywhere
        assert not await axe_violations(page)
        await card.scroll_into_view_if_needed()
        await screenshot(page, "haven-not-yet-checked")
        await context.close()


async def test_content_help_for_a_20_year_old_who_wants_to_stop_carrying(
    browser: Any, settings: Settings
) -> None:
    with live_server(settings) as base:
        expected = await get_json(f"{base}/api/v1/services", need="want_to_stop_carrying", age=20)
        assert expected["services"] == [] and expected["fallback"]["services"]
        context = await new_phone(browser, base)
        page = await context.new_page()
        await page.goto("/#/age")
        await page.select_option("select", "20")
        await page.click("text=Show advice")
        await page.wait_for_selector("text=Advice for ages 18-24")
        await page.goto("/#/help")
        await page.click("button[data-need='want_to_stop_carrying']")
        await page.wait_for_selector("#services-fallback")
        shown = await page.locator(".services li.card h3").all_inner_texts()
        assert sorted(shown) == sorted(s["name"] for s in expected["fallback"]["services"])
        assert "Childline (NSPCC)" not in shown and {"Shout", "Victim Support", "Crimestoppers"} <= set(shown)
        text = await page.inner_text(".services")
        assert "No service in our list is for this at your age" in text
        assert "Details checked against the service's own pages on 25 November 2026" in text
        assert await page.get_attribute("#call-999", "href") == "tel:999"
        assert not await axe_violations(page)
        await screenshot(page, "help-stop-carrying-age-20")

        # a 15-year-old choosing the same need gets Childline, with no fallback sentence
        await page.evaluate("() => localStorage.setItem('wayhome.age', '15')")
        await page.reload()
        await page.click("button[data-need='want_to_stop_carrying']")
        await page.wait_for_selector(".services li.card")
        assert await page.locator(".services li.card h3").all_inner_texts() == ["Childline (NSPCC)"]
        assert await page.locator("#services-fallback").count() == 0
        await context.close()


async def test_content_console_lists_messages_whose_review_is_due(browser: Any, settings: Settings) -> None:
    email, password = create_staff_account(settings, role="editor", areas=("southwark",), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        await sign_in_page(page, email, password)
        await page.goto("/#/staff/messages")
        await page.wait_for_selector(".resource-list li.card")
        await page.check("#messages-review-due")
        await page.select_option("#messages-tier-filter", "14-17")
        await page.wait_for_selector(".resource-list li.card")
        law = page.locator(".resource-list li.card", has_text="Knives and the law").first
        assert "Review due: Never reviewed" in await law.inner_text()
        await law.locator("select").select_option("Safer Schools officer")
        await law.locator("button", has_text="Record a review today").click()
        await page.wait_for_selector("text=Review recorded.")
        listed = await page.locator(".resource-list li.card h3").all_inner_texts()
        assert "Knives and the law" not in listed  # reviewed today: no longer due
        assert not await axe_violations(page)
        await screenshot(page, "staff-messages-review")
        await context.close()
