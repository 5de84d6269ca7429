"""The officer console's other sections against the real API: finish times reach the parents' screen,
a hotspot placed on the map is stored, and every section renders without a page error or an axe violation."""

from __future__ import annotations

from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import (
    axe_violations,
    create_staff_account,
    get_json,
    new_phone,
    screenshot,
    wait_until,
)
from tests.support.server import live_server
from tests.support.staff import sign_in_page

pytestmark = pytest.mark.browser
URN = "137531"


async def sign_in(page: Any, email: str, password: str) -> None:
    await sign_in_page(page, email, password)


async def test_console_sections_work_against_the_api(browser: Any, settings: Settings) -> None:
    email, password = create_staff_account(
        settings, role="admin", areas=("north-london-demo",), schools=(URN,)
    )
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in(page, email, password)

        # Finish times: an early finish entered here is what parents see.
        await page.goto("/#/staff/finish")
        await page.wait_for_selector("[data-row=weekly]")
        monday = page.locator("[data-row=weekly]").nth(0)
        await monday.get_by_label("Monday").check()
        await monday.get_by_label("Finish time (24-hour)").fill("15:10")
        await page.click("#finish-add-weekly")
        friday = page.locator("[data-row=weekly]").nth(1)
        await friday.get_by_label("Friday").check()
        await friday.get_by_label("Finish time (24-hour)").fill("1440")
        await page.click("#finish-save")
        await page.wait_for_selector(".console-body >> text=Saved.")
        rules = (
            await page.evaluate(f"fetch('/api/v1/admin/schools/{URN}/finish-times').then(r => r.json())")
        )["rules"]
        assert {"days": ["mon"], "finish": "15:10"} in rules["weekly"]
        assert {"days": ["fri"], "finish": "14:40"} in rules["weekly"]
        assert not await axe_violations(page)
        await screenshot(page, "staff-finish-times")
        school = await get_json(f"{base}/api/v1/schools/{URN}")
        shown_days = [d for d in school["finish_times"]["days"] if d["school_day"]]
        public = await context.new_page()
        await public.goto(f"/#/parents?school={URN}")
        await public.wait_for_selector("table.finish-times")
        table = await public.inner_text("table.finish-times")
        assert all(f["time"] in table for d in shown_days[:5] for f in d["finishes"])
        await public.close()

        # Hotspots: tap the map, set a radius, save; it is stored with that point and radius.
        await page.goto("/#/staff/hotspots")
        await page.wait_for_selector("#hotspot-map canvas")
        box = await page.locator("#hotspot-map").bounding_box()
        await page.locator("#hotspot-map").click(position={"x": box["width"] / 2, "y": box["height"] / 3})
        assert await page.locator(".console-body .chosen").inner_text(), "the tapped point is shown"
        await page.fill("#hotspot-radius", "120")
        await page.fill("#hotspot-notes", "Test hotspot by the station")
        await page.click("#hotspot-save")  # checks the effect on sample routes first, then saves
        await page.wait_for_selector(
            ".console-body .card >> text=Test hotspot by the station", timeout=120_000
        )
        stored = await page.evaluate("fetch('/api/v1/admin/hotspots').then(r => r.json())")
        hotspot = next(h for h in stored["hotspots"] if h.get("notes") == "Test hotspot by the station")
        assert hotspot["radius_m"] == 120 and hotspot["area"] == "north-london-demo"
        assert not await axe_violations(page)
        await screenshot(page, "staff-hotspots")

        # Havens: mark one as checked today; key messages: create a draft through the JSON editor.
        await page.goto("/#/staff/havens")
        await page.wait_for_selector(".console-body li.card")
        first_name = (await page.locator(".console-body li.card h3").first.inner_text()).strip()
        await page.locator(".console-body li.card").first.locator("text=Mark as checked today").click()
        await page.wait_for_selector(".console-body >> text=Marked as checked today.")
        havens = (await page.evaluate("fetch('/api/v1/admin/havens').then(r => r.json())"))["havens"]
        checked = next(h for h in havens if h["name"] == first_name)
        assert checked["verified_at"] and not checked["stale"]
        await page.goto("/#/staff/messages")
        await page.wait_for_selector(".console-body li.card")
        await page.click("#new-messages")
        form = page.locator(".console-body form.resource-form")
        await form.get_by_label("Title").fill("A test draft")
        await form.get_by_label("Age group").select_option("14-17")
        await form.get_by_label("Topic").fill("test-topic")
        await form.get_by_label("Message text").fill("Hello.")
        await form.locator("button[type=submit]").click()
        await page.wait_for_selector(".console-body li.card h3 >> text=A test draft")
        stored_messages = (await page.evaluate("fetch('/api/v1/admin/messages').then(r => r.json())"))[
            "messages"
        ]
        draft = next(m for m in stored_messages if m["title"] == "A test draft")
        assert (draft["tier"], draft["topic"], draft["status"]) == ("14-17", "test-topic", "draft")

        for section in ("havens", "services", "messages", "audit", "notices"):
            await page.goto(f"/#/staff/{section}")
            await page.wait_for_selector(".console-body > *")
            await wait_until(
                page,
                "!(document.querySelector('.console-body')?.textContent ?? 'Loading').includes('Loading')",
            )
            assert not await axe_violations(page), section
            if section == "audit":
                audit = (await page.inner_text(".console-body table")).lower()
                assert "hotspot" in audit and "finish" in audit, "the console's writes are in the audit log"
        assert not errors, errors

        await page.click("#staff-sign-out")
        await wait_until(page, "location.hash === '#/'")
        assert (await page.evaluate("fetch('/api/v1/me').then(r => r.status)")) == 401
        await context.close()


async def test_officer_adds_a_haven_through_the_form_and_the_public_finds_it(
    browser: Any, settings: Settings
) -> None:
    """The form shows the API's field error beside the input; once fixed, the place is a public nearest result."""
    from tests.browser.test_young_person import AT, WOOD_GREEN

    email, password = create_staff_account(settings, role="editor", areas=("north-london-demo",))
    name = "Test Library Wood Green"
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in(page, email, password)
        await page.goto("/#/staff/havens")
        await page.wait_for_selector(".console-body li.card")
        await page.click("#new-havens")
        form = page.locator(".console-body form.resource-form")
        await form.get_by_label("Name").fill(name)
        await form.get_by_label("Kind of place").select_option("public_place")
        await form.get_by_label("Status").select_option("active")
        await form.get_by_label("Postcode").fill("N22 6XD")
        # About 15 m from where the young person stands: nearer than any real place in the demo area.
        await form.get_by_label("Latitude").fill(str(WOOD_GREEN["latitude"] + 0.0001))
        await form.get_by_label("Longitude").fill(str(WOOD_GREEN["longitude"] + 0.0001))
        hours = form.get_by_label("Opening hours")
        await hours.fill("Monday to Friday 9 till 5")
        await form.get_by_label("Source").fill("Browser test")
        await form.locator("button[type=submit]").click()

        error = form.locator(".field-error:not([hidden])")
        await error.wait_for()
        assert await error.count() == 1, "only the opening hours are wrong"
        assert await hours.get_attribute("aria-invalid") == "true"
        hours_id = await hours.get_attribute("id")
        assert await error.get_attribute("id") == f"{hours_id}-error", "the message sits beside its input"
        assert f"{hours_id}-error" in (await hours.get_attribute("aria-describedby") or "")
        assert "opening hours" in (await error.inner_text()).lower()
        assert not await axe_violations(page)
        await screenshot(page, "staff-haven-form")
        stored = (await page.evaluate("fetch('/api/v1/admin/havens').then(r => r.json())"))["havens"]
        assert not [h for h in stored if h["name"] == name], "a refused form writes nothing"

        await hours.fill("24/7")
        await form.locator("button[type=submit]").click()
        await page.wait_for_selector(f".console-body li.card h3 >> text={name}")
        stored = (await page.evaluate("fetch('/api/v1/admin/havens').then(r => r.json())"))["havens"]
        haven = next(h for h in stored if h["name"] == name)
        assert (haven["kind"], haven["status"], haven["opening_hours"], haven["area"]) == (
            "public_place",
            "active",
            "24/7",
            "north-london-demo",
        )
        assert haven["needs_verification"] is True, "a new entry is marked as needing verification"
        card = page.locator(".console-body li.card", has=page.locator(f"h3:text-is('{name}')"))
        assert "Needs verification" in await card.inner_text()

        # Filters: search narrows the list; "not checked for 6 months" asks the API for stale entries only.
        await page.fill("#havens-search", "test library")
        assert await page.locator(".console-body li.card").count() == 1
        await page.fill("#havens-search", "")
        await page.locator(".console-body li.card").first.wait_for()
        await card.locator("text=Mark as checked today").click()
        await page.wait_for_selector(".console-body >> text=Marked as checked today.")
        await page.check("#havens-stale")
        await page.wait_for_selector(".console-body .resource-list p.hint")
        stale_names = await page.locator(".console-body li.card h3").all_inner_texts()
        api_stale = (await page.evaluate("fetch('/api/v1/admin/havens?stale=1').then(r => r.json())"))[
            "havens"
        ]
        assert sorted(n.strip() for n in stale_names) == sorted(h["name"] for h in api_stale)
        assert name not in [n.strip() for n in stale_names], "just checked, so not stale"
        assert not errors, errors

        public_context = await new_phone(browser, base, geolocation=WOOD_GREEN, permissions=["geolocation"])
        public = await public_context.new_page()
        await public.clock.set_fixed_time(AT)
        await public.goto("/#/haven")
        await public.click("#use-location")
        await public.wait_for_selector("ol.havens li.card")
        first = public.locator("ol.havens li.card").first
        assert (await first.locator("h3").inner_text()).strip() == name
        assert "Open now" in await first.inner_text()
        await public_context.close()
        await context.close()


async def test_the_account_holder_is_told_of_failed_sign_ins_and_admins_see_them(
    browser: Any, settings: Settings
) -> None:
    """Failed sign-ins (wrong password, wrong second step) that paused the account, then another admin's unlock,
    reach the holder as one plain warning with times and no address; the admin's audit view lists them in words
    and can show only those."""
    import httpx

    email, password = create_staff_account(settings, role="admin", areas=("north-london-demo",))
    other, _ = create_staff_account(settings, role="admin", areas=("north-london-demo",))
    with live_server(settings) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            for _ in range(2):
                r = await http.post("/api/v1/auth/login", json={"email": email, "password": "wrong password"})
                assert r.status_code == 401
            r = await http.post(
                "/api/v1/auth/login", json={"email": email, "password": password, "totp": "000000"}
            )
            assert r.status_code == 401
            paused = await http.post("/api/v1/auth/login", json={"email": email, "password": password})
            assert paused.status_code == 429  # the third failure paused sign-in for a while
        # Another admin lets the account sign in again (in the browser: the session cookie is __Host-, Secure).
        admin_context = await new_phone(browser, base)
        admin_page = await admin_context.new_page()
        await sign_in(admin_page, other, password)
        status = await admin_page.evaluate(
            """async (email) => {
                const me = await (await fetch('/api/v1/me')).json();
                const headers = { 'X-CSRF-Token': me.csrf_token };
                const users = (await (await fetch('/api/v1/admin/users')).json()).users;
                const holder = users.find((u) => u.email === email);
                return (await fetch(`/api/v1/admin/users/${holder.id}/unlock`, { method: 'POST', headers })).status;
            }""",
            email,
        )
        assert status == 200
        await admin_context.close()
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in(page, email, password)
        text = await page.locator("#sign-in-notice").inner_text()
        assert text.startswith("3 failed sign-ins to your account since your last visit, the last at ")
        assert "After repeated failures, sign-in to your account was paused for a while." in text
        assert "An admin let your account sign in again at " in text
        assert text.endswith("If this was not you, tell an admin.")
        assert "127.0.0" not in text
        assert not await axe_violations(page)
        await screenshot(page, "staff-sign-in-notice")

        await page.goto("/#/staff/audit")
        await page.click("text=Failed sign-ins only")
        await page.wait_for_selector("table.audit >> text=Failed sign-in: wrong code for the second step")
        actions = await page.locator("table.audit tbody tr td:nth-child(3)").all_inner_texts()
        assert actions.count("Failed sign-in: wrong password") == 2 and len(actions) == 3
        assert not await axe_violations(page)
        await screenshot(page, "staff-audit-failed-sign-ins")
        assert errors == []
        await context.close()
