"""A young person finds the nearest open Haven and calls for help; then the same with the server stopped.

Real uvicorn on loopback, real service worker, Debian's Chromium. The browser's clock is fixed to a Tuesday
afternoon so "open now" does not depend on when the suite runs; the expected answer comes from the API itself.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import httpx
import pytest

from backend.settings import Settings
from havens.arrival import arrival_rank, open_on_arrival
from havens.nearest import DETOUR_FACTOR, WALK_SPEED_M_S
from tests.browser.conftest import axe_violations, get_json, new_phone, screenshot, wait_for_service_worker
from tests.support.server import live_server

pytestmark = pytest.mark.browser

AT = dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.UTC)  # Tuesday 16:00 London: after school
WOOD_GREEN = {"latitude": 51.61, "longitude": -0.11}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rad = math.pi / 180
    a = (math.sin((lat2 - lat1) * rad / 2) ** 2
         + math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin((lon2 - lon1) * rad / 2) ** 2)  # fmt: skip
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(a)))


async def area_directory(base: str, *, slug: str) -> list[dict[str, Any]]:
    """What the app saves for offline use: the area's places seen from the centre of its bounding box."""
    area = next(a for a in (await get_json(f"{base}/api/v1/areas"))["areas"] if a["slug"] == slug)
    min_lon, min_lat, max_lon, max_lat = area["bbox"]
    centre = {"lat": f"{(min_lat + max_lat) / 2:.5f}", "lon": f"{(min_lon + max_lon) / 2:.5f}"}
    params = {**centre, "limit": 50, "max_m": 20000, "at": AT.isoformat()}  # the phone sends its own time
    return list((await get_json(f"{base}/api/v1/havens", **params))["havens"])


def expected_offline_order(
    places: list[dict[str, Any]], *, lat: float, lon: float, limit: int = 5
) -> list[str]:
    """The on-device rule stated with the server's: the nearest `limit`, then open on arrival, unknown, closed."""

    def when(value: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(value) if value else None

    def rank(p: dict[str, Any]) -> int:
        walk_s = round(haversine_m(lat, lon, p["lat"], p["lon"]) * DETOUR_FACTOR / WALK_SPEED_M_S)
        state = open_on_arrival(
            open_now=p["open_now"],
            opens_at=when(p["opens_at"]),
            closes_at=when(p["closes_at"]),
            at=AT,
            walk_s=walk_s,
        )
        return arrival_rank(state)

    nearest = sorted(places, key=lambda p: haversine_m(lat, lon, p["lat"], p["lon"]))[:limit]
    ordered = sorted(nearest, key=lambda p: (rank(p), haversine_m(lat, lon, p["lat"], p["lon"])))
    return [p["name"] for p in ordered]


async def card_names(page: Any) -> list[str]:
    return [n.strip() for n in await page.locator("ol.havens li.card h3").all_inner_texts()]


async def test_young_person_finds_open_haven_and_help_then_offline(browser: Any, settings: Settings) -> None:
    lat, lon = WOOD_GREEN["latitude"], WOOD_GREEN["longitude"]
    with live_server(settings) as base:
        api = await get_json(f"{base}/api/v1/havens", lat=lat, lon=lon, limit=5, at=AT.isoformat())
        open_havens = [h for h in api["havens"] if h["open_now"]]
        assert open_havens, "the demo area has places open on a Tuesday afternoon"
        services = (await get_json(f"{base}/api/v1/services"))["services"]
        directory = await area_directory(base, slug=api["area"])

        context = await new_phone(browser, base, geolocation=WOOD_GREEN, permissions=["geolocation"])
        page = await context.new_page()
        await page.clock.set_fixed_time(AT)
        await page.goto("/#/haven")
        await wait_for_service_worker(page)
        await page.wait_for_selector("html[data-offline-ready='true']", timeout=30_000)

        indicator = page.locator("#location-indicator")
        assert await indicator.is_hidden(), "location is not used before the person taps"
        await page.click("#use-location")
        await page.wait_for_selector("ol.havens li.card")
        assert await indicator.is_visible(), "a visible indicator while the location is in use"
        first = page.locator("ol.havens li.card").first
        assert (await first.locator("h3").inner_text()).strip() == open_havens[0]["name"]
        assert "Open now" in await first.inner_text()
        assert (
            f"{max(1, math.floor(open_havens[0]['walk_s'] / 60 + 0.5))} min walk" in await first.inner_text()
        )
        await page.wait_for_selector("#haven-map canvas")
        await first.locator("button").click()
        await page.wait_for_selector(".route-info h2")
        assert "min walk" in await page.locator(".route-info").inner_text()
        assert not await axe_violations(page)
        await screenshot(page, "haven")

        await page.click("#help-now")
        await page.wait_for_selector("#call-999")
        assert await page.get_attribute("#call-999", "href") == "tel:999"
        assert await indicator.is_hidden(), "the location is forgotten on leaving the screen"
        await page.click("button[data-need='in_danger_now']")
        await page.wait_for_selector(".services li.card")
        shown = await page.locator(".services li.card h3").all_inner_texts()
        expected = sorted(s["name"] for s in services if "in_danger_now" in s["needs"])
        assert sorted(shown) == expected
        phone_links = await page.locator(".services a[href^='tel:']").evaluate_all(
            "els => els.map(e => e.href)"
        )
        assert "tel:999" in phone_links
        assert not await axe_violations(page)
        await screenshot(page, "help")

    # The server is gone: the app, the help list and the Haven directory still work from the phone.
    with pytest.raises(httpx.HTTPError):
        await get_json(f"{base}/healthz")
    await page.goto(f"{base}/#/help?need=in_danger_now")
    await page.reload()  # a real page load: the shell now comes from the service worker
    await page.wait_for_selector(".services li.card")
    assert await page.get_attribute("#call-999", "href") == "tel:999"
    assert sorted(await page.locator(".services li.card h3").all_inner_texts()) == expected
    assert "Saved list (you are offline)" in await page.inner_text(".services")

    await page.goto(f"{base}/#/haven")
    await page.click("#use-location")
    await page.wait_for_selector("ol.havens li.card")
    text = await page.locator(".results").inner_text()
    assert "offline" in text.lower()
    assert "in a straight line" in text
    assert await card_names(page) == expected_offline_order(directory, lat=lat, lon=lon)
    await screenshot(page, "haven-offline")

    # A page that was never saved gets the offline page, which still offers 999.
    await page.goto(f"{base}/openapi.json")
    assert await page.get_attribute("a[href='tel:999']", "href") == "tel:999"
    assert "You are offline" in await page.inner_text("h1")
    await context.close()
