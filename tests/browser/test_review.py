"""The quarterly review page: stale sources flagged, a refused file explained row by row, an accepted police.uk
file reported in words, and a print layout with only the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import axe_violations, create_staff_account, new_phone, screenshot
from tests.support.server import live_server
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parents[1] / "partnership" / "fixtures"


async def test_review_page_flags_stale_sources_and_imports_a_police_uk_file(
    browser: Any, settings: Settings
) -> None:
    email, password = create_staff_account(settings, role="officer", areas=("southwark",), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in_page(page, email, password)
        await page.goto("/#/staff/review")
        await page.wait_for_selector(".review-print table.review-table")
        text = await page.inner_text(".review-print")
        assert "Southwark, 2025-Q4 (against 2025-Q3)" in text
        assert "police.uk street-level crimes" in text and "Out of date: " in text
        assert "No: older than 24 months" in text

        await page.set_input_files("#import-file", str(FIXTURES / "testfixture_malformed_coordinate.csv"))
        await page.click("#import-result >> xpath=.. >> button[type=submit]")
        await page.wait_for_selector("#import-result >> text=Nothing was imported")
        refused = await page.inner_text("#import-result")
        assert "Row 3: Longitude must be a number between -180 and 180." in refused
        assert "{" not in refused  # sentences, not JSON

        await page.set_input_files("#import-file", str(FIXTURES / "policeuk_2018-06_E05011095_derived.csv"))
        await page.click("#import-result >> xpath=.. >> button[type=submit]")
        await page.wait_for_selector("#import-result >> text=/^Imported \\d+ crimes/")
        done = await page.inner_text("#import-result")
        assert "crimes for 2018-06" in done and "outside the area" in done
        assert not await axe_violations(page)
        await screenshot(page, "staff-review")
        await page.emulate_media(media="print")
        assert not await page.is_visible("#import-file") and await page.is_visible(".review-print")
        await screenshot(page, "staff-review-print")
        assert not errors, errors


async def test_review_page_shows_top_streets_and_downloads_the_pdf(browser: Any, settings: Settings) -> None:
    from backend.settings import ROOT

    ward = ROOT.parent / "shared" / "data" / "southwark" / "policeuk_api_2018-06_raw" / "E05011114.json"
    email, password = create_staff_account(settings, role="officer", areas=("southwark",), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in_page(page, email, password)
        await page.goto("/#/staff/review")
        await page.wait_for_selector(".review-print table.review-table")
        await page.set_input_files(
            "#import-file", str(ward)
        )  # the real June 2018 API answer for the clip's ward
        await page.click("#import-result >> xpath=.. >> button[type=submit]")
        await page.wait_for_selector("#import-result >> text=/^Imported \\d+ crimes/")
        await page.fill("#review-quarter", "2018-Q2")
        await page.click("text=Show the review")
        await page.wait_for_selector(".review-print >> text=Southwark, 2018-Q2 (against 2018-Q1)")
        text = await page.inner_text(".review-print")
        assert "Streets (each crime counted on the nearest mapped street)" in text
        assert "London Road" in text and "Stretches with crimes" in text
        assert "fewer than 5" in text and "not shown" in text  # small counts and their change are hidden
        assert "more than 50 m from any mapped street" in text
        href = await page.get_attribute("#review-pdf", "href")
        assert href == "/api/v1/admin/partnership/review.pdf?area=southwark&quarter=2018-Q2"
        pdf = await page.request.get(base + href)
        assert pdf.status == 200 and (await pdf.body()).startswith(b"%PDF-")
        assert not await axe_violations(page)
        await screenshot(page, "staff-review-streets")
        await page.emulate_media(media="print")
        assert not await page.is_visible("#review-pdf") and await page.is_visible(".review-print")
        await screenshot(page, "staff-review-streets-print")
        assert not errors, errors
