"""Every public screen: no serious or critical axe-core violation, reflow at 320 CSS px (= 200% zoom on a
640 px window) without sideways scrolling, keyboard reachable "Get help now", and the age kept on the phone only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations, get_json, new_phone, screenshot

pytestmark = pytest.mark.browser

SCREENS = [
    ("home", "/#/", "h1"),
    ("help-needs", "/#/help", "#call-999"),
    ("haven-start", "/#/haven", "#use-location"),
    ("route-start", "/#/route", "#get-routes"),
    ("age-choose", "/#/age", "#age-select"),
    ("parents-start", "/#/parents", ".school-picker"),
    ("about", "/#/about", ".attributions details"),
    ("staff-login", "/#/staff", "#staff-email"),
]


async def test_every_screen_is_accessible_and_reflows(browser: Any, server: str) -> None:
    context = await new_phone(browser, server, viewport={"width": 320, "height": 640})
    page = await context.new_page()
    problems: dict[str, Any] = {}
    for name, path, ready in SCREENS:
        await page.goto(path)
        await page.wait_for_selector(ready)
        await page.wait_for_timeout(300)
        violations = await axe_violations(page)
        if violations:
            problems[f"{name}: axe"] = violations
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems[f"{name}: scrolls sideways by px"] = overflow
    assert not problems, problems
    await context.close()


async def test_get_help_is_one_keyboard_step_away(browser: Any, server: str) -> None:
    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.goto("/#/route")
    await page.wait_for_selector("#get-routes")
    order = await page.evaluate("""[...document.querySelectorAll('a[href], button, input, select, textarea')]
        .filter(el => !el.disabled && el.offsetParent !== null || el.classList.contains('skip-link'))
        .map(el => el.id || el.className)""")
    assert order.index("help-now") <= 2, order[:5]  # after the skip link and the app name
    await page.focus("#help-now")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#call-999")
    assert await page.evaluate("document.activeElement.tagName") == "H1"
    await context.close()


async def test_age_is_kept_on_the_phone_and_picks_the_tier(browser: Any, server: str) -> None:
    expected = await get_json(f"{server}/api/v1/messages", age=15)
    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.goto("/#/age")
    await page.select_option("#age-select", "15")
    await page.click(".age-form button[type=submit]")
    await page.wait_for_selector("article.message")
    titles = await page.locator("article.message h3").all_inner_texts()
    assert titles == [m["title"] for m in expected["messages"]]
    assert expected["tier"] in await page.inner_text("#tier-title")
    assert await page.evaluate("localStorage.getItem('wayhome.age')") == "15"
    assert not await axe_violations(page)
    await screenshot(page, "age")
    await page.goto("/#/")
    await page.wait_for_selector(".home-actions")
    await screenshot(page, "home")
    await page.goto("/#/about")
    await page.wait_for_selector(".attributions details")
    await page.wait_for_selector(".privacy p")
    await page.click(".attributions summary >> nth=0")
    assert "© OpenStreetMap contributors" in await page.inner_text(".attributions")
    await screenshot(page, "about")
    await page.goto("/#/age")
    await page.reload()
    await page.wait_for_selector("article.message")  # no need to choose again
    await page.click("text=Forget my age")
    await page.wait_for_selector("#age-select")
    assert await page.evaluate("localStorage.getItem('wayhome.age')") is None
    await context.close()


async def test_alerts_on_iphone_ask_to_add_to_home_screen_first(browser: Any, server: str) -> None:
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )
    context = await new_phone(browser, server, user_agent=iphone)
    page = await context.new_page()
    await page.goto("/#/parents?school=137531")
    await page.wait_for_selector(".alerts")
    text = await page.inner_text(".alerts")
    assert "Add to Home Screen" in text
    assert await page.locator("#alerts-toggle").count() == 0, "no subscribe button until installed"
    await context.close()


async def test_message_markdown_cannot_inject_markup(browser: Any, server: str) -> None:
    context = await new_phone(browser, server)
    page = await context.new_page()
    await page.goto("/#/")
    await page.wait_for_selector(".home-actions")
    html = await page.evaluate(
        """import('/js/markdown.js').then(m => m.renderMarkdown(
            '<img src=x onerror=alert(1)> **bold** [call](tel:999) [bad](javascript:alert(1))\\n\\n1. one\\n2. two'
        ).innerHTML)"""
    )
    assert "<img" not in html and 'href="javascript' not in html
    assert "&lt;img" in html and "<strong>bold</strong>" in html and 'href="tel:999"' in html
    assert "<ol><li>one</li><li>two</li></ol>" in html
    await context.close()
