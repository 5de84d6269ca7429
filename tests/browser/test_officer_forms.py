"""An officer keeps WayHome true from a phone without typing JSON or URNs (issue 12).

Finish times as form rows (a Year 7 staggered finish, a term-end early finish) and the parents' notice it
offers, delivered to a subscribed page; a hotspot placed by street name with its effect preview; an "avoid"
hotspot that cannot be avoided, its warning and the route screen's note; a business that becomes a safe place.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from backend.settings import Settings
from routing.router import DetourCap
from tests.browser.conftest import (
    axe_violations,
    create_staff_account,
    get_json,
    new_phone,
    screenshot,
    wait_for_service_worker,
    wait_until,
)
from tests.browser.test_officer import service_worker_registration_id
from tests.support.server import live_server
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser
AREA = "north-london-demo"
URN = "137531"  # Alexandra Park School, in the north-london-demo area
LONDON = ZoneInfo("Europe/London")
SLOW_MS = 120_000  # the first hotspot preview builds routing tables for a new time of day


async def sign_in(page: Any, email: str, password: str, section: str) -> None:
    await sign_in_page(page, email, password)
    await page.goto(f"/#/staff/{section}")


def next_weekday(after: dt.date, days_ahead: int) -> dt.date:
    day = after + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


async def test_officer_sets_staggered_and_term_end_finishes_and_parents_get_the_notice(
    browser: Any, settings: Settings
) -> None:
    email, password = create_staff_account(settings, role="officer", areas=(AREA,), schools=(URN,))
    today = dt.datetime.now(LONDON).date()
    term_end = next_weekday(today, 3)
    with live_server(settings) as base:
        officer = await new_phone(browser, base)
        page = await officer.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in(page, email, password, "finish")
        await page.wait_for_selector("#finish-school-name")
        assert await page.inner_text("#finish-school-name") == "Alexandra Park School"
        # Nothing is filled in for the officer: no default time, no ticked day (issue 10, item 5).
        first = page.locator("[data-row=weekly]").nth(0)
        assert await first.locator("input.time").input_value() == ""
        assert await first.locator("input[type=checkbox]:checked").count() == 0

        for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
            await first.get_by_label(day).check()
        await first.get_by_label("Finish time (24-hour)").fill("15:20")
        await page.click("#finish-add-weekly")
        year7 = page.locator("[data-row=weekly]").nth(1)
        await year7.get_by_label("Which pupils").fill("Year 7")
        await year7.get_by_label("Friday").check()
        await year7.get_by_label("Finish time (24-hour)").fill("25:00")  # a slip of the thumb
        await page.click("#finish-add-term")
        term = page.locator("[data-row=term]").nth(0)
        await term.get_by_label("Name of the term").fill("Autumn term")
        await term.get_by_label("First day").fill((today - dt.timedelta(days=60)).isoformat())
        await term.get_by_label("Last day", exact=True).fill(term_end.isoformat())
        await term.get_by_label("Finish time on the last day (24-hour)").fill("1300")
        await page.click("#finish-save")
        await page.wait_for_selector(".field-error:not([hidden])")
        shown_error = await year7.locator(".field-error:not([hidden])").inner_text()
        assert shown_error == "Type the time as 24-hour hours and minutes, for example 14:30."
        assert "1 field needs fixing" not in shown_error and "{" not in await page.inner_text(".console-body")
        assert await year7.get_by_label("Finish time (24-hour)").get_attribute("aria-invalid") == "true"
        assert not await axe_violations(page)
        await screenshot(page, "staff-finish-error")
        saved_rules = await page.evaluate(
            f"fetch('/api/v1/admin/schools/{URN}/finish-times').then(r => r.json())"
        )
        assert saved_rules["rules"] is None, "nothing is saved while a field is wrong"

        await year7.get_by_label("Finish time (24-hour)").fill("14:30")
        await page.click("#finish-save")
        await page.wait_for_selector("#finish-offer #offer-title")
        rules = (
            await page.evaluate(f"fetch('/api/v1/admin/schools/{URN}/finish-times').then(r => r.json())")
        )["rules"]
        assert rules["weekly"] == [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:20"},
            {"days": ["fri"], "finish": "14:30", "group": "Year 7"},
        ]
        assert rules["terms"] == [
            {"name": "Autumn term", "start": (today - dt.timedelta(days=60)).isoformat(),
             "end": term_end.isoformat(), "last_day_finish": "13:00"},
        ]  # fmt: skip
        assert rules["exceptions"] == []
        title = await page.input_value("#offer-title")
        body = await page.input_value("#offer-body")
        assert title == "Finish times change at Alexandra Park School"
        assert (
            "Year 7: Fridays at 14:30" in body
            and f"{term_end:%A} {term_end.day} {term_end:%B}: 13:00" in body
        )
        preview = await page.inner_text("#finish-offer .notification-preview")
        assert title in preview and "Year 7" in preview
        assert not await axe_violations(page)
        await screenshot(page, "staff-finish-offer")
        await page.click("#finish-send-notice")
        await page.wait_for_selector("text=Sent. Parents who get alerts for this school are being told.")
        notices = (await page.evaluate("fetch('/api/v1/admin/notices').then(r => r.json())"))["notices"]
        sent = next(n for n in notices if n["title"] == title)
        assert sent["kind"] == "finish_time_change" and sent["status"] == "sent" and sent["schools"] == [URN]
        payload = await page.evaluate(
            f"fetch('/api/v1/admin/notices/{sent['id']}/preview').then(r => r.json())"
        )

        # A parent's page for this school: the new times at once, and the push shown as a notification.
        parent = await new_phone(browser, base, permissions=["notifications"])
        ppage = await parent.new_page()
        await ppage.goto(f"/#/parents?school={URN}")
        await wait_for_service_worker(ppage)
        await ppage.wait_for_selector("table.finish-times")
        table = await ppage.inner_text("table.finish-times")
        assert "14:30" in table and "13:00" in table and "15:20" in table
        assert title in await ppage.inner_text("ul.notices")
        cdp, registration_id = await service_worker_registration_id(ppage)
        await cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": base, "registrationId": registration_id, "data": json.dumps(payload["payload"]),
        })  # fmt: skip
        shown: list[dict[str, Any]] = []
        for _ in range(50):
            shown = await ppage.evaluate("""navigator.serviceWorker.ready.then(r => r.getNotifications())
                .then(ns => ns.map(n => ({title: n.title, body: n.body})))""")
            if shown:
                break
            await asyncio.sleep(0.1)
        assert shown and shown[0]["title"] == title and shown[0]["body"] == sent["body"]
        await cdp.detach()
        await parent.close()
        assert not errors, errors
        await officer.close()


async def test_officer_places_a_hotspot_by_street_name_and_sees_its_effect(
    browser: Any, settings: Settings
) -> None:
    email, password = create_staff_account(settings, role="officer", areas=("southwark", AREA), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        await sign_in(page, email, password, "hotspots")
        await page.wait_for_selector("#hotspot-area")
        options = await page.locator("#hotspot-area option").all_inner_texts()
        assert len(options) == 2, "every area in the officer's scope is offered"
        await page.select_option("#hotspot-area", AREA)
        await page.fill("#hotspot-place", "Bounds Green Road")
        await page.click("#hotspot-find")
        await page.click("#hotspot-place-results button >> text=Bounds Green Road")
        assert "Bounds Green Road" in await page.inner_text("#hotspot-chosen")
        await page.fill("#hotspot-radius", "80")
        await page.select_option("#hotspot-weight", "10")
        await page.fill("#hotspot-notes", "After-school trouble on Bounds Green Road")
        await page.click("#hotspot-check")
        await page.wait_for_selector("#hotspot-effect .effect", timeout=SLOW_MS)
        effect_text = await page.inner_text("#hotspot-effect")
        assert "It would move" in effect_text and "sample routes from nearby schools" in effect_text
        assert "Sample routes: 8." in effect_text
        assert not await axe_violations(page)
        await screenshot(page, "staff-hotspot-effect")
        await page.click("#hotspot-save")
        await page.wait_for_selector(".console-body .card >> text=After-school trouble on Bounds Green Road")
        stored = (await page.evaluate("fetch('/api/v1/admin/hotspots').then(r => r.json())"))["hotspots"]
        assert [(h["area"], h["weight"], h["radius_m"]) for h in stored] == [(AREA, 10, 80)]
        await context.close()


async def test_unavoidable_avoid_hotspot_warns_and_the_route_says_take_care(
    browser: Any, settings: Settings
) -> None:
    email, password = create_staff_account(settings, role="officer", areas=(AREA,), schools=())
    with live_server(settings) as base:
        school = (await get_json(f"{base}/api/v1/schools", area=AREA, q="Alexandra Park"))["schools"][0]
        context = await new_phone(browser, base)
        page = await context.new_page()
        await sign_in(page, email, password, "hotspots")
        await page.wait_for_selector("#hotspot-place")
        served = (await get_json(f"{base}/api/v1/areas"))["areas"]
        area_name = next(a["name"] for a in served if a["slug"] == AREA)
        scope = await page.inner_text(".staff-console > p.hint")
        assert f"Areas: {area_name}." in scope and AREA not in scope, scope  # names, never codes
        await page.fill("#hotspot-place", "Alexandra Park School")
        await page.click("#hotspot-find")
        await page.click("#hotspot-place-results button >> text=Alexandra Park School")
        await page.fill("#hotspot-radius", "250")
        await page.select_option("#hotspot-weight", "10")
        await page.fill("#hotspot-notes", "Around the school gates")
        await page.click("#hotspot-check")
        await page.wait_for_selector("#hotspot-effect .effect-warning", timeout=SLOW_MS)
        warning = await page.inner_text("#hotspot-effect")
        assert "Warning: this changes no route" in warning
        cap = DetourCap()  # the router's default detour limit, in the words the warning uses
        limit = f"at most {cap.max_pct:g}% or {cap.max_m:g} m longer"
        assert f"none has another way round within the detour limit ({limit})" in warning
        assert not await axe_violations(page)
        await screenshot(page, "staff-hotspot-warning")
        await page.click("#hotspot-save")
        await page.wait_for_selector(".console-body .card >> text=Around the school gates")

        home = (await get_json(f"{base}/api/v1/geocode", q="N22 6EX"))["candidates"][0]
        routes = await get_json(
            f"{base}/api/v1/routes", **{"from": f"school:{school['urn']}", "to": home["ref"]}
        )
        assert routes["flagged_on_route"]["hotspots"] == 1
        expected = next(n for n in routes["notes"] if "flagged" in n)
        public = await new_phone(browser, base)
        ppage = await public.new_page()
        await ppage.goto("/#/route")
        await ppage.wait_for_selector("#route-map .leaflet-container, #route-map.leaflet-container")
        await ppage.fill(".school-picker input", "Alexandra Park")
        await ppage.click(".school-picker button[type=submit]")
        await ppage.click(f".school-picker button[data-urn='{school['urn']}']")
        await ppage.fill(".place-picker input", "N22 6EX")
        await ppage.click(".place-picker button[type=submit]")
        await ppage.wait_for_selector(".place-block .chosen:has-text('N22 6EX')")  # a full postcode: one step
        await ppage.click("#get-routes")
        await ppage.wait_for_selector("#route-flagged")
        note = await ppage.inner_text("#route-flagged")
        assert note == expected and note.startswith(
            "This route still passes an area police have flagged; take care on"
        )
        assert routes["flagged_on_route"]["streets"][0] in note
        await ppage.wait_for_selector("#route-map canvas")
        # the map zooms to the routes (markers move meanwhile) before its touch targets are checked
        await wait_until(ppage, "!document.querySelector('#route-map .leaflet-zoom-anim')")
        await ppage.wait_for_timeout(300)
        assert not await axe_violations(ppage)
        await screenshot(ppage, "route-flagged")
        await public.close()
        await context.close()


async def test_a_business_becomes_the_nearest_open_safe_place(browser: Any, settings: Settings) -> None:
    email, password = create_staff_account(settings, role="officer", areas=(AREA,), schools=())
    postcode = "N13 4NX"
    visit = dt.datetime.now(LONDON).date() - dt.timedelta(days=1)
    with live_server(settings) as base:
        place = (await get_json(f"{base}/api/v1/geocode", q=postcode))["candidates"][0]
        venue = await new_phone(browser, base)
        vpage = await venue.new_page()
        await vpage.goto("/#/about")
        await vpage.click("#become-safe-place")
        await vpage.wait_for_selector("#sp-venue")
        await vpage.fill("#sp-venue", "Corner Books")
        await vpage.fill("#sp-address", "12 Green Lanes")
        await vpage.fill("#sp-postcode", postcode)
        await vpage.fill("#sp-contact", "Sam Patel")
        await vpage.fill("#sp-phone", "020 8000 0000")
        for day in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"):
            await vpage.check(f"#sp-{day}-open")
            await vpage.fill(f"#sp-{day}-opens", "00:00")
            await vpage.fill(f"#sp-{day}-closes", "23:59")
        await vpage.click("#sp-submit")
        await vpage.wait_for_selector("#sp-agreements-error:not([hidden])")
        assert "tick each one you agree to" in await vpage.inner_text("#sp-agreements-error")
        for box in await vpage.locator("#sp-agreements input[type=checkbox]").all():
            await box.check()
        assert not await axe_violations(vpage)
        await screenshot(vpage, "safe-place-form")
        await vpage.click("#sp-submit")
        await vpage.wait_for_selector("text=A Safer Schools officer will contact you to arrange a visit.")
        await venue.close()

        officer = await new_phone(browser, base)
        page = await officer.new_page()
        await sign_in(page, email, password, "home")
        await page.wait_for_selector("#overview-safeplaces >> text=1 application waiting")
        await page.goto("/#/staff/safeplaces")
        card = page.locator(".card.application >> nth=0")
        await card.wait_for()
        assert "Corner Books" in await card.inner_text() and "Sam Patel" in await card.inner_text()
        await card.get_by_label("Day of the visit").fill(visit.isoformat())
        await card.get_by_label("The venue has signed the safe place agreement").check()
        await card.get_by_role("button", name="Record the visit").click()
        await page.wait_for_selector("button[id^=publish-]")
        assert not await axe_violations(page)
        await page.click("button[id^=publish-]")
        await page.wait_for_selector("text=Published. It now shows in WayHome as a CitySafe Haven.")
        poster_href = await page.get_attribute("a >> text=Print the window poster", "href")
        poster = await page.evaluate(
            f"fetch('{poster_href}').then(async r => [r.status, r.headers.get('content-type'), await r.text()])"
        )
        assert poster[0] == 200 and poster[1].startswith("image/svg+xml") and "Corner Books" in poster[2]
        await screenshot(page, "staff-safe-place-published")
        poster_page = await officer.new_page()
        await poster_page.goto(poster_href)
        await poster_page.locator("svg").first.screenshot(
            path=str(settings_root() / "docs" / "screenshots" / "haven-poster.png")
        )
        await poster_page.close()
        await officer.close()

        young = await new_phone(browser, base, geolocation={"latitude": place["lat"], "longitude": place["lon"]},
                                permissions=["geolocation"])  # fmt: skip
        ypage = await young.new_page()
        await ypage.goto("/#/haven")
        await ypage.click("#use-location")
        await ypage.wait_for_selector("ol.havens li.card")
        first = await ypage.locator("ol.havens li.card").first.inner_text()
        assert "Corner Books" in first and "CitySafe Haven" in first
        assert f"{visit.day} {visit:%B} {visit.year}" in first, "the visit date is when it was last checked"
        assert "Sam Patel" not in await ypage.inner_text("main")
        await wait_until(ypage, "document.querySelector('ol.havens li.card')")
        assert not await axe_violations(ypage)
        await screenshot(ypage, "haven-new-safe-place")
        await young.close()


def settings_root() -> Any:
    from backend.settings import ROOT

    return ROOT


async def test_console_forms_fit_at_200_percent_text_and_work_by_keyboard(
    browser: Any, settings: Settings
) -> None:
    email, password = create_staff_account(settings, role="officer", areas=(AREA,), schools=(URN,))
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        await sign_in(page, email, password, "home")
        await page.wait_for_selector("#overview-finish li")
        assert "Alexandra Park School" in await page.inner_text("#overview-finish")
        assert not await axe_violations(page)
        await screenshot(page, "staff-home")
        ready = {"home": "#overview-hotspots p", "finish": "[data-row=weekly]", "hotspots": "#hotspot-area",
                 "safeplaces": ".console-body h3", "notices": "#notice-title"}  # fmt: skip
        for section, selector in ready.items():
            await page.goto(f"/#/staff/{section}")
            await page.wait_for_selector(selector)
            await page.evaluate("document.documentElement.style.fontSize = '200%'")
            overflowing = await page.evaluate(
                """() => [...document.querySelectorAll('main *')]
                    .filter(e => e.offsetParent !== null && !e.closest('.leaflet-container'))
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`).slice(0, 5)"""
            )
            assert not overflowing, (section, overflowing)
            await page.evaluate("document.documentElement.style.fontSize = ''")
        # Keyboard only: add a row with Enter and type straight into it.
        await page.goto("/#/staff/finish")
        await page.wait_for_selector("[data-row=weekly]")
        await page.focus("#finish-add-weekly")
        await page.keyboard.press("Enter")
        assert await page.evaluate("document.activeElement.closest('[data-row=weekly]') !== null")
        await page.keyboard.type("Year 8")
        assert (
            await page.locator("[data-row=weekly]").nth(1).get_by_label("Which pupils").input_value()
            == "Year 8"
        )
        await page.keyboard.press("Tab")
        await page.keyboard.press("Space")
        assert await page.locator("[data-row=weekly]").nth(1).get_by_label("Monday").is_checked()
        await context.close()
