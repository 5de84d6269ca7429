"""The officer's pupil-journeys screen against the real API: the flow map moves with the time slider, the
planner shows before/after per school, and the patrol plan prints and downloads as a PDF in one click."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import (
    SCREENSHOTS,
    _run_in_thread,
    axe_violations,
    create_staff_account,
    new_phone,
    screenshot,
)
from tests.insights.conftest import FINISH
from tests.support.server import live_server
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser
AREA = "north-london-demo"


def enter_finish_times(settings: Settings) -> None:
    """Test finish times for the six secondary schools (officers enter the real ones)."""
    from tortoise import Tortoise

    from backend.alerts.models import FinishTimes
    from backend.db import tortoise_config

    async def go() -> None:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            for urn, time in FINISH.items():
                rules = {"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "finish": time}]}
                await FinishTimes.create(school_urn=urn, area=AREA, rules=rules)
        finally:
            await Tortoise.close_connections()

    _run_in_thread(go)


async def test_flow_map_planner_and_patrol_plan(browser: Any, settings: Settings) -> None:
    email, password = create_staff_account(settings, role="officer", areas=(AREA,), schools=())
    enter_finish_times(settings)
    with live_server(settings) as base:
        context = await new_phone(browser, base, accept_downloads=True)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in_page(page, email, password)
        await page.set_viewport_size({"width": 1000, "height": 900})  # officers plan at a desk
        await page.click("nav >> text=Pupil journeys")
        await page.wait_for_selector("#insights-map canvas", timeout=90_000)
        label = page.locator("#insights-window")
        at_peak = await label.inner_text()
        assert "Pupils walking between" in at_peak
        busiest = await page.locator("#insights-flows ul").first.inner_text()
        assert "pupils" in busiest
        await page.locator("#insights-slider").fill("0")
        assert await label.inner_text() != at_peak, "the slider changes the time shown"
        await page.locator("#insights-slider").fill(
            str(int(await page.evaluate("document.querySelector('#insights-slider').max")) // 3)
        )
        await screenshot(page, "staff-insights-flows")

        await page.click("#insights-plan")
        await page.wait_for_selector(".plan-score", timeout=60_000)
        score = await page.locator(".plan-score").inner_text()
        assert "lower" in score
        table = await page.locator("#insights-plan-result table").inner_text()
        assert "Alexandra Park School" in table and "min" in table
        await screenshot(page, "staff-insights-planner")

        await page.click("#patrol-make")
        await page.wait_for_selector("#patrol-print", timeout=60_000)
        assert "Police patrols after school" in await page.locator("#insights-patrol-result").inner_text()
        async with page.expect_download() as download_info:
            await page.click("#patrol-pdf")
        download = await download_info.value
        pdf_path = await download.path()
        assert Path(pdf_path).read_bytes()[:5] == b"%PDF-"  # noqa: ASYNC240
        async with context.expect_page() as popup_info:
            await page.click("#patrol-print")
        printable = await popup_info.value
        await printable.wait_for_load_state()
        assert "Patrol points" in await printable.inner_text("body")
        fill = await printable.evaluate("getComputedStyle(document.querySelector('.point')).fill")
        assert fill == "rgb(176, 0, 32)", "the printable page's own stylesheet applies under its CSP"
        await printable.set_viewport_size({"width": 900, "height": 1300})
        await printable.screenshot(path=str(SCREENSHOTS / "patrol-plan.png"), full_page=True)
        await page.click("#patrol-draft")
        await page.wait_for_selector("text=Draft notice saved", timeout=30_000)
        assert not await axe_violations(page)
        await screenshot(page, "staff-insights-patrol")
        assert not errors, errors
