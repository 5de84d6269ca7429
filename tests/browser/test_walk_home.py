"""The walk home end to end in Debian's Chromium at 412 px, against a real server and the real data packs.

The browser's clock is fixed (Playwright's clock), so the app's own `at` parameter carries the moment to the
API; what the screen must say is read from the API at the same moment, never written into the test.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import httpx
import pytest

from backend.settings import Settings
from tests.browser.conftest import SCREENSHOTS, get_json, new_phone, screenshot, wait_for_service_worker
from tests.support.server import live_server

pytestmark = pytest.mark.browser

SATURDAY_1650 = dt.datetime(2026, 11, 28, 16, 50, tzinfo=dt.UTC)  # GMT: London time is the same
SUNDAY_EVENING = dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC)
CODES = ("no_street_nearby", "unreachable", "'from'", "'to'", "http_", "already initialized")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """As in production, route searches run in a work process (WAYHOME_WORK_PROCESSES), not in threads."""
    return settings.with_changes(work_processes=1)


def minutes(walk_s: float) -> int:
    return max(1, math.floor(walk_s / 60 + 0.5))  # the app's Math.round


async def school_named(base: str, area: str, name: str) -> dict[str, Any]:
    schools = (await get_json(f"{base}/api/v1/schools", area=area, limit=500))["schools"]
    return next(s for s in schools if s["name"] == name)


async def search_place(page: Any, text: str) -> None:
    await page.fill(".place-picker input", text)
    await page.click(".place-picker button[type=submit]")


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


async def test_saturday_1650_a_place_closing_at_five_is_not_offered_as_open(
    browser: Any, server: str
) -> None:
    start = await school_named(server, "north-london-demo", "St Paul's CofE Primary School N11")
    api = await get_json(
        f"{server}/api/v1/havens", lat=start["lat"], lon=start["lon"], limit=5, at=SATURDAY_1650.isoformat()
    )
    closing = [h for h in api["havens"] if h["open_now"] and h["open_on_arrival"] is False]
    assert closing, "a library open now closes at 17:00, before anyone walking from here arrives"
    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.clock.set_fixed_time(SATURDAY_1650)
    await page.goto("/#/haven")
    await search_place(page, "St Paul's CofE Primary School N11")
    await page.click(".place-picker .candidate >> nth=0")
    await page.wait_for_selector("ol.havens li.card")
    for place in closing:
        card = page.locator(f"ol.havens li.card[data-id='{place['id']}']")
        text = await card.inner_text()
        assert "Closes before you could get there" in text, text
        assert "Open now" not in text and "closes soon" not in text.lower(), text
        assert f"{minutes(place['walk_s'])} min walk" in text
    # Nothing counts as open on arrival, so the help ladder is shown, with 999 to tap.
    assert await page.locator(".escalation a[href='tel:999']").count() == 1
    await screenshot(page, "haven-closes-before-arrival")
    await context.close()


async def test_evening_in_southwark_the_open_a_and_e_online_and_offline(
    browser: Any, settings: Settings
) -> None:
    with live_server(settings) as base:
        start = await school_named(base, "southwark", "Harris Academy Peckham")
        postcode = start["postcode"]
        geo = (await get_json(f"{base}/api/v1/geocode", q=postcode))["candidates"][0]
        api = await get_json(
            f"{base}/api/v1/havens", lat=geo["lat"], lon=geo["lon"], limit=5, at=SUNDAY_EVENING.isoformat()
        )
        further = api["escalation"]["open_further"]
        assert further and further[0]["name"] == "King's College Hospital Emergency Department (A&E)"
        ae = further[0]
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors = watch_errors(page)
        await page.clock.set_fixed_time(SUNDAY_EVENING)
        await page.goto("/#/haven")
        await wait_for_service_worker(page)
        await page.wait_for_selector("html[data-offline-ready='true']", timeout=60_000)
        await search_place(page, postcode)  # a full postcode is chosen in one step
        await page.wait_for_selector(".open-further li.card")
        card = page.locator(f".open-further li.card[data-id='{ae['id']}']")
        online_text = await card.inner_text()
        assert f"About {minutes(ae['walk_s'])} min walk" in online_text, online_text
        assert "Open now" in online_text
        assert "Open when you get there, further away" in await page.inner_text(".results")
        await screenshot(page, "haven-evening-southwark")

    # The server is gone: the same search from the phone's saved gazetteer and directory.
    with pytest.raises(httpx.HTTPError):
        await get_json(f"{base}/healthz")
    await page.reload()
    await page.wait_for_selector(".place-picker input")
    await search_place(page, postcode)
    await page.wait_for_selector(".open-further li.card")
    results = await page.inner_text(".results")
    assert "offline" in results.lower()
    offline_text = await page.locator(f".open-further li.card[data-id='{ae['id']}']").inner_text()
    assert "Open now" in offline_text
    offline_min = int(offline_text.split("About ")[1].split(" min")[0])
    assert abs(offline_min - minutes(ae["walk_s"])) <= 1, "one walking speed and detour online and offline"
    assert "Nothing is open within a 15-minute walk" in results
    assert await page.locator(".escalation a[href='tel:999']").count() == 1
    await screenshot(page, "haven-evening-southwark-offline")

    # Advice for a tier never opened online (18-24) reads offline too.
    await page.goto(f"{base}/#/age")
    await page.select_option("#age-select", "19")
    await page.click(".age-form button[type=submit]")
    await page.wait_for_selector("article.message")
    assert "18-24" in await page.inner_text("#tier-title")
    assert "Saved advice (you are offline)." in await page.inner_text(".age-body")
    # Phone numbers inside the advice are tappable.
    phones = await page.locator("article.message a[href^='tel:']").evaluate_all("els => els.map(e => e.href)")
    assert "tel:999" in phones and "tel:0800555111" in phones, phones
    await screenshot(page, "age-offline")
    assert not [e for e in errors if "already initialized" in e]
    await context.close()


async def test_a_southwark_route_outside_the_street_clips_says_what_is_possible(
    browser: Any, server: str
) -> None:
    start = await school_named(server, "southwark", "Harris Academy Peckham")
    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.goto("/#/route")
    await page.fill(".school-picker input", "Harris Academy Peckham")
    await page.click(".school-picker button[type=submit]")
    await page.click(f".school-picker button[data-urn='{start['urn']}']")
    # Before asking: the route screen says Southwark's streets are only partly loaded.
    await page.wait_for_selector(".coverage")
    assert "only part of Southwark's streets" in await page.inner_text(".coverage")
    await search_place(page, "SE5 7AL")
    await page.wait_for_selector(".place-block .chosen:has-text('SE5 7AL')")
    await page.click("#get-routes")
    await page.wait_for_selector(".route-results .straight-line")
    out = await page.inner_text(".route-results")
    assert "need the borough's street map" in out and "in a straight line, heading" in out
    focused = await page.evaluate("document.activeElement.closest('.route-results') !== null")
    assert focused, "the message next to the button has the focus"
    text = await page.inner_text("main")
    assert not [c for c in CODES if c in text], text
    await screenshot(page, "route-southwark-coverage")
    await context.close()


async def test_parents_route_map_renders_from_the_deep_link_without_errors(browser: Any, server: str) -> None:
    start = await school_named(server, "north-london-demo", "St Paul's CofE Primary School N11")
    context = await new_phone(browser, server)
    page = await context.new_page()
    errors = watch_errors(page)
    await page.goto(f"/#/parents?school={start['urn']}")
    await page.wait_for_selector("#school-name")
    await page.click(f"a[href='#/route?school={start['urn']}']")
    await page.wait_for_selector(".school-picker .chosen:has-text('St Paul')")
    await page.wait_for_selector("#route-map canvas")
    await page.wait_for_selector("#route-map .map-legend")
    assert await page.locator("#route-map.leaflet-container").count() == 1
    await search_place(page, "N11 3AA")
    await page.wait_for_selector(".place-block .chosen")
    await page.click("#get-routes")
    await page.wait_for_selector("#tradeoff")
    await page.wait_for_selector("#route-map .endpoint-label")
    labels = await page.locator("#route-map .endpoint-label").all_inner_texts()
    assert any(t.startswith("Start: St Paul's") for t in labels) and any(
        t.startswith("End: ") for t in labels
    )
    legend = await page.inner_text("#route-map .map-legend")
    for word in ("Safer route", "Shortest route", "Schools", "Start", "End"):
        assert word in legend
    text = await page.inner_text("main")
    assert not [c for c in CODES if c in text], text
    assert not errors, errors
    await page.wait_for_timeout(500)
    await screenshot(page, "route-parents-deep-link")
    await context.close()


async def test_large_text_and_the_first_tabs(browser: Any, server: str) -> None:
    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.goto("/#/haven")
    await page.wait_for_selector("#use-location")
    # The first Tab reaches the skip link; "Get help now" follows right after the app's name.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.classList.contains('skip-link')")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.classList.contains('brand')")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "help-now"
    # 200% text, as the phone's text-size setting sets it (the default font size, not a zoom).
    cdp = await context.new_cdp_session(page)
    await cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32}})
    await page.reload()
    await page.wait_for_selector("#use-location")
    sizes = await page.evaluate(
        """() => ({root: parseFloat(getComputedStyle(document.documentElement).fontSize),
                  header: document.querySelector('header.top').getBoundingClientRect().height,
                  tabs: document.querySelector('nav.tabs').getBoundingClientRect().height,
                  screen: window.innerHeight})"""
    )
    assert sizes["root"] == 32, sizes
    assert sizes["header"] + sizes["tabs"] <= sizes["screen"] / 4, sizes  # the bar sits below the page there
    clipped = await page.evaluate(
        "() => [...document.querySelectorAll('header.top a, nav.tabs a')].filter((a) => "
        "a.getBoundingClientRect().right > window.innerWidth + 1 && !a.closest('nav.tabs')).length"
    )
    assert clipped == 0, "nothing in the header runs off the screen"
    await page.screenshot(path=str(SCREENSHOTS / "large-text.png"))  # the phone's screen as it is
    await context.close()
