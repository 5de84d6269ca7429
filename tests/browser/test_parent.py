"""A parent checks the route home from a school: shortest and safer routes, the trade-off in words, caveats."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, get_json, new_phone, screenshot

pytestmark = pytest.mark.browser


def js_round(x: float) -> int:
    """JavaScript's Math.round (halves go up), not Python's banker's rounding."""
    return math.floor(x + 0.5)


async def test_parent_gets_a_route_home_from_a_school(browser: Any, server: str) -> None:
    schools = (await get_json(f"{server}/api/v1/schools", area="north-london-demo", q="Alexandra Park"))[
        "schools"
    ]
    school = schools[0]
    home = (await get_json(f"{server}/api/v1/geocode", q="N22 6EX"))["candidates"][0]
    routes = await get_json(
        f"{server}/api/v1/routes", **{"from": f"school:{school['urn']}", "to": home["ref"]}
    )
    by_kind = {f["properties"]["kind"]: f["properties"] for f in routes["features"]}

    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.goto("/#/route")
    await page.fill(".school-picker input", "Alexandra Park")
    await page.click(".school-picker button[type=submit]")
    await page.click(f".school-picker button[data-urn='{school['urn']}']")
    await page.fill(".place-picker input", "N22 6EX")
    await page.click(".place-picker button[type=submit]")
    await page.click(".place-picker .candidate >> nth=0")
    await page.click("#get-routes")
    await page.wait_for_selector("#tradeoff")

    safer_card = await page.locator(".card.route.safer").inner_text()
    shortest_card = await page.locator(".card.route.shortest").inner_text()
    assert f"{max(1, js_round(by_kind['safer']['duration_s'] / 60))} min walk" in safer_card
    assert f"{max(1, js_round(by_kind['shortest']['duration_s'] / 60))} min walk" in shortest_card
    tradeoff = await page.inner_text("#tradeoff")
    extra_min = js_round((by_kind["safer"]["duration_s"] - by_kind["shortest"]["duration_s"]) / 60)
    if by_kind["safer"].get("exposure_saved_pct", 0) > 0:
        assert (f"{extra_min} minute" in tradeoff) or ("About the same time" in tradeoff and extra_min <= 0)
        assert f"{js_round(by_kind['safer']['exposure_saved_pct'])}%" in tradeoff
    avoided = [n for n in by_kind["shortest"]["streets"] if n and n not in by_kind["safer"]["streets"]][:2]
    if avoided:
        assert f"keeps off {' and '.join(avoided)}" in tradeoff
    results = await page.inner_text(".route-results")
    assert "No route can promise to be safe" in results
    crime_month = dt.datetime.strptime(routes["data_as_of"]["crime"], "%Y-%m").strftime("%B %Y")
    assert f"Data dates: crime: {crime_month}" in results
    for note in routes.get("notes", []):
        assert note in results
    await page.wait_for_selector("#route-map canvas")
    assert not await axe_violations(page)
    await screenshot(page, "route")
    await context.close()
