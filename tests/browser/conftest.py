"""Browser-test fixtures: a real uvicorn server on loopback and Debian's Chromium driven by Playwright.

No browser is downloaded: Playwright launches /usr/bin/chromium. Tests skip (with the reason) when it is missing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.settings import ROOT, Settings
from tests.support.server import live_server

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LEAFLET_JS = ROOT / "pwa" / "vendor" / "leaflet" / "leaflet.js"
PHONE = {
    "viewport": {"width": 412, "height": 860},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}

pytestmark = pytest.mark.browser


def _run_in_thread(coro_factory: Any) -> Any:
    """Run an async function on its own loop in a fresh thread (its own Tortoise context, not the test's)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro_factory())
        except BaseException as exc:  # re-raised in the caller
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def run_in_database(settings: Settings, work: Any) -> Any:
    """Run `await work()` against the test database from outside the server (before it starts, or reading what
    it stored): its own thread, loop and Tortoise connection."""
    from tortoise import Tortoise

    from backend.db import tortoise_config

    async def go() -> Any:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            return await work()
        finally:
            await Tortoise.close_connections()

    return _run_in_thread(go)


def create_staff_account(settings: Settings, **kwargs: Any) -> tuple[str, str]:
    """Create a staff user directly in the test database before the server starts; returns (email, password)."""
    from tests.support.staff import TEST_PASSWORD, create_user

    async def make() -> str:
        return str((await create_user(**kwargs)).email)

    return str(run_in_database(settings, make)), TEST_PASSWORD


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    with live_server(settings) as base:
        yield base


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not HAVE_CHROMIUM:
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    if not AXE_JS.exists() or not LEAFLET_JS.exists():
        pytest.skip(
            "front-end packages missing: run `npm ci` (installs axe-core and vendors Leaflet into pwa/vendor)"
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def get_json(url: str, **params: Any) -> Any:
    """GET from the live server over loopback (what the app should show is read from the API itself)."""
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.get(url, params=params or None)
        response.raise_for_status()
        return response.json()


async def new_phone(browser: Any, base: str, **extra: Any) -> Any:
    """A fresh phone-sized context (own storage, own service worker) with the base URL set."""
    options = {**PHONE, "base_url": base, "locale": "en-GB", "timezone_id": "Europe/London", **extra}
    return await browser.new_context(**options)


async def wait_until(page: Any, expression: str, *, timeout_s: float = 20.0) -> None:
    """Poll a JavaScript expression (page.wait_for_function would need 'unsafe-eval', which our CSP refuses)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await page.evaluate(f"() => Boolean({expression})"):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        await asyncio.sleep(0.1)


async def wait_for_service_worker(page: Any) -> None:
    """Wait until the service worker controls the page (precache done, directory caching active)."""
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not await page.evaluate("!!navigator.serviceWorker.controller"):
        await page.reload()
    await wait_until(page, "navigator.serviceWorker.controller")


async def dom_settled(page: Any, *, quiet_ms: int = 400, timeout_ms: int = 8000) -> None:
    """Wait until the page's DOM has not changed for quiet_ms. A screen that re-renders while axe measures it
    (a list refreshed by the service worker, say) leaves detached nodes that axe reports as ':root' failures."""
    await page.evaluate(
        """([quiet, limit]) => new Promise(resolve => {
            let timer = setTimeout(done, quiet);
            const give_up = setTimeout(done, limit);
            const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
            function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(give_up); resolve(true); }
            observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
        })""",
        [quiet_ms, timeout_ms],
    )


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (axe injected from node_modules)."""
    # Injected over the DevTools protocol: the app's Content-Security-Policy (rightly) blocks inline scripts.
    await dom_settled(page)
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Runtime.evaluate", {"expression": AXE_JS.read_text(encoding="utf-8")})
    await cdp.detach()
    result = await page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


async def screenshot(page: Any, name: str) -> Path:
    """The whole screen as a phone would scroll through it. Only <main> scrolls in the app, so a full-page
    capture would stop at the viewport: grow the viewport to fit main's content for the picture instead."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Every screen we picture is also checked for leaked programming values in the visible text.
    leaked = await page.evaluate(
        "() => (document.body.innerText.match(/\\b(null|undefined|NaN|\\[object Object\\])\\b/g) || [])"
    )
    assert not leaked, f"screen {name!r} shows {leaked}"
    size = page.viewport_size
    needed = await page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const chrome = window.innerHeight - (main ? main.clientHeight : 0);
            return Math.ceil(chrome + (main ? main.scrollHeight : document.documentElement.scrollHeight));
        }"""
    )
    scroll_top = await page.evaluate("() => document.querySelector('main')?.scrollTop ?? 0")
    await page.set_viewport_size(
        {"width": size["width"], "height": max(size["height"], min(int(needed), 4000))}
    )
    await page.evaluate("() => { const m = document.querySelector('main'); if (m) m.scrollTop = 0; }")
    await page.wait_for_timeout(300)  # let the map redraw at the new size
    await page.screenshot(path=str(path))
    await page.set_viewport_size(size)
    await page.evaluate(
        f"() => {{ const m = document.querySelector('main'); if (m) m.scrollTop = {scroll_top}; }}"
    )
    return path
