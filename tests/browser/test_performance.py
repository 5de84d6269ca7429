"""The plan-measures page: knife crime charts drawn from our own vendored uPlot with the figures beside them,
the quarter compared, safe places checked, and the quarter's PDF."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from backend.settings import ROOT, Settings
from tests.browser.conftest import axe_violations, create_staff_account, new_phone, screenshot
from tests.support.server import live_server
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser


async def test_plan_measures_show_charts_with_their_tables_and_download_the_quarter(
    browser: Any, settings: Settings
) -> None:
    email, password = create_staff_account(settings, role="officer", areas=("southwark",), schools=())
    df = pd.read_csv(
        ROOT / "content" / "areas" / "southwark" / "knife_crime_monthly.csv", dtype={"month": str}
    )
    feb = df[(df.area_name == "Southwark") & (df.crime_subtype == "Knife Crime") & (df.measure == "Offences")
             & (df.month == "2026-02")]["count"].iloc[0]  # fmt: skip
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        outside: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("request", lambda req: None if req.url.startswith(base) else outside.append(req.url))
        await sign_in_page(page, email, password)
        await page.goto("/#/staff/performance")
        await page.wait_for_selector(".review-print .chart canvas")
        text = await page.inner_text(".review-print")
        assert "Quarter 2025-Q4, against 2025-Q3 and against 2024-Q4" in text
        assert "Newest month: February 2026" in text
        # The first table under "Knife crime offences" starts with February 2026 and Southwark's published count.
        await page.click("summary >> text=Show the figures: knife crime offences by month")
        table = page.locator("table", has=page.locator("caption", has_text="Knife crime offences by month"))
        head = await table.locator("thead th").all_inner_texts()
        first = await table.locator("tbody tr").first.locator("th, td").all_inner_texts()
        assert first[0] == "February 2026" and first[1 + head[1:].index("Southwark")] == str(int(feb))
        assert (
            await page.locator(".review-print .chart canvas").count() == 4
        )  # three knife measures + notices
        assert "safe places are shown in this area. The council has checked" in text
        assert "{" not in text and "knife_crime" not in text  # sentences and labels, no keys
        assert not await axe_violations(page)
        await screenshot(page, "staff-plan-measures")
        async with page.expect_download() as info:
            await page.click("#perf-pdf")
        download = await info.value
        assert download.suggested_filename == "performance-southwark-2025-Q4.pdf"
        assert (await download.path()).read_bytes().startswith(b"%PDF-")
        assert not errors, errors
        assert not outside, outside  # the charts come from our own server
