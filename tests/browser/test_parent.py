"""A parent checks the route home from a school: shortest and safer routes, the trade-off in words, caveats."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, get_json, new_phone, screenshot, wait_until

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
    await page.wait_for_selector(".place-block .chosen:has-text('N22 6EX')")  # a full postcode: one step
    await page.click("#get-routes")
    await page.wait_for_selector("#tradeoff")

    safer_card = await page.locator(".card.route.safer").inner_text()
    shortest_card = await page.locator(".card.route.shortest").inner_text()
    assert f"{max(1, js_round(by_kind['safer']['duration_s'] / 60))} min walk" in safer_card
    assert f"{max(1, js_round(by_kind['shortest']['duration_s'] / 60))} min walk" in shortest_card
    tradeoff = await page.inner_text("#tradeoff")
    # the trade-off's minutes are the difference of the two cards' minutes, so the screen agrees with itself
    extra_min = max(1, js_round(by_kind["safer"]["duration_s"] / 60)) - max(
        1, js_round(by_kind["shortest"]["duration_s"] / 60)
    )
    if by_kind["safer"].get("exposure_saved_pct", 0) > 0:
        assert (f"{extra_min} minute" in tradeoff) or ("About the same time" in tradeoff and extra_min <= 0)
        assert "avoids the streets with the most reported crime on the shortest way" in tradeoff
    avoided = [n for n in by_kind["shortest"]["streets"] if n and n not in by_kind["safer"]["streets"]][:2]
    if avoided:
        assert f"keeps off {' and '.join(avoided)}" in tradeoff
    results = await page.inner_text(".route-results")
    assert "No route can promise to be safe" in results
    crime_month = dt.datetime.strptime(routes["data_as_of"]["crime"], "%Y-%m").strftime("%B %Y")
    assert f"Data dates: crime: {crime_month}" in results
    assert "risk layers" not in results and "1970" not in results, "the data dates are words, not a list dump"
    for note in routes.get("notes", []):
        if note.startswith("Crime data up to"):  # the data dates are said once, in words
            assert note not in results
        else:
            assert note in results
    await page.wait_for_selector("#route-map canvas")
    # Let the map finish zooming to the routes (markers move during the animation) before checking targets.
    await wait_until(page, "!document.querySelector('#route-map .leaflet-zoom-anim')")
    await page.wait_for_timeout(300)
    assert not await axe_violations(page)
    await screenshot(page, "route")
    await context.close()


async def test_schools_layer_on_the_route_and_haven_maps(browser: Any, server: str) -> None:
    """The area's schools are small labelled markers; choosing one (keyboard or tap) picks it as the school."""
    areas = await get_json(f"{server}/api/v1/areas")
    slug = (areas["areas"] if isinstance(areas, dict) else areas)[0]["slug"]
    schools = (await get_json(f"{server}/api/v1/schools", area=slug, limit=500))["schools"]
    placed = [s for s in schools if s.get("lat") is not None and s.get("lon") is not None]
    assert placed, "the area pack lists schools with locations"

    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.goto("/#/route")
    markers = page.locator("#route-map .pin-school-small")
    await markers.first.wait_for()
    boxes = await markers.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {label: e.getAttribute('aria-label'), x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width}; })"
    )
    expected = {f"School: {s['name']}" for s in placed}
    assert {b["label"] for b in boxes} <= expected and len(boxes) == len({b["label"] for b in boxes})
    assert all(b["w"] >= 24 for b in boxes), "each marker is a 24 px target"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert max(abs(a["x"] - b["x"]), abs(a["y"] - b["y"])) >= 24, "markers never overlap"
    by_label = {f"School: {s['name']}": s for s in placed}
    chosen = by_label[boxes[len(boxes) // 2]["label"]]
    marker = page.locator(f"#route-map .pin-school-small[aria-label='School: {chosen['name']}']")
    await marker.focus()
    await page.keyboard.press("Enter")
    assert (await page.inner_text(".school-picker .chosen")).strip() == f"Chosen: {chosen['name']}"
    assert await page.input_value(".school-picker input") == chosen["name"]
    assert not await axe_violations(page)

    await page.goto("/#/haven")
    haven_markers = page.locator("#haven-map .pin-school-small")
    await haven_markers.first.wait_for()
    other = by_label[await haven_markers.first.get_attribute("aria-label")]
    marker = page.locator(f"#haven-map .pin-school-small[aria-label='School: {other['name']}']")
    await marker.dispatch_event("click")
    await page.wait_for_selector("ol.havens li.card")
    assert other["name"] in await page.inner_text("#haven-results-title")
    await context.close()
