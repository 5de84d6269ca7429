"""The PWA re-registers an existing push subscription with the server on load.

Only the browser's PushManager is stubbed (headless Chromium has no push service to subscribe to): it hands the
page a subscription with a real P-256 key. The server, its validation and its database are the real ones.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from backend.settings import Settings
from tests.browser.conftest import _run_in_thread, new_phone, wait_until
from tests.support.server import live_server

pytestmark = pytest.mark.browser
URN = "137531"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_subscription() -> dict[str, Any]:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    p256dh = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {
        "endpoint": f"http://127.0.0.1:9/push/{b64url(os.urandom(12))}",
        "keys": {"p256dh": b64url(p256dh), "auth": b64url(os.urandom(16))},
    }


def stub_push_manager(sub: dict[str, Any], topics: list[str]) -> str:
    """An init script: PushManager.getSubscription() returns `sub`; the device remembers `topics`."""
    return f"""
        (() => {{
          const sub = {json.dumps(sub)};
          const fake = {{ endpoint: sub.endpoint, options: {{}}, toJSON: () => sub, unsubscribe: async () => true }};
          if (window.PushManager) PushManager.prototype.getSubscription = async function () {{ return fake; }};
          try {{ localStorage.setItem("wayhome.alertTopics", {json.dumps(json.dumps(topics))}); }} catch (e) {{}}
        }})();
    """


def stored_topics(settings: Settings, endpoint: str) -> list[str] | None:
    """The topics the server holds for `endpoint` (None: unknown), read from the test database."""
    from tortoise import Tortoise

    from backend.alerts.models import Subscription, SubscriptionTopic
    from backend.db import tortoise_config

    async def go() -> list[str] | None:
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            row = await Subscription.get_or_none(endpoint=endpoint)
            if row is None:
                return None
            return sorted(t.topic for t in await SubscriptionTopic.filter(subscription_id=row.id))
        finally:
            await Tortoise.close_connections()

    result: list[str] | None = _run_in_thread(go)
    return result


async def test_existing_subscription_is_re_registered_on_load(browser: Any, settings: Settings) -> None:
    sub = fake_subscription()
    topics = [f"school:{URN}"]
    with live_server(settings) as base:
        assert stored_topics(settings, sub["endpoint"]) is None, "the server does not know this browser yet"
        context = await new_phone(browser, base)
        await context.add_init_script(stub_push_manager(sub, topics))
        page = await context.new_page()
        posted: list[dict[str, Any]] = []
        page.on(
            "request",
            lambda r: (
                posted.append(json.loads(r.post_data or "{}"))
                if r.url.endswith("/api/v1/push/subscriptions") and r.method == "POST"
                else None
            ),
        )
        await page.goto("/#/")
        await wait_until(page, "document.documentElement.dataset.alertsRefreshed")
        assert await page.evaluate("document.documentElement.dataset.alertsRefreshed") == "true"
        assert stored_topics(settings, sub["endpoint"]) == topics, "the server holds the subscription again"
        assert posted and posted[-1]["keys"] == sub["keys"]
        # The service worker's copy of the topics (read on pushsubscriptionchange) is refreshed too.
        saved = await page.evaluate(
            "caches.open('wayhome-prefs').then(c => c.match('/__wayhome/alert-topics')).then(r => r && r.json())"
        )
        assert saved == topics
        await context.close()

        # A device that never subscribed sends nothing on load.
        other = fake_subscription()
        context = await new_phone(browser, base)
        await context.add_init_script(stub_push_manager(other, []))
        page = await context.new_page()
        await page.goto("/#/")
        await wait_until(page, "document.documentElement.dataset.alertsRefreshed")
        assert await page.evaluate("document.documentElement.dataset.alertsRefreshed") == "false"
        assert stored_topics(settings, other["endpoint"]) is None
        await context.close()
