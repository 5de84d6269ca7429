"""/healthz shows the outbox depth and a VAPID alarm when push services refuse our signature."""

from __future__ import annotations

import httpx

from backend.alerts.models import Delivery
from bench.loopback_push import LoopbackPushService
from tests.alerts.support import SCHOOL_A, send_notice, subscribe
from tests.support.staff import login_as


async def test_healthz_reports_vapid_alarm_without_failing_readiness(
    client: httpx.AsyncClient, push_service: LoopbackPushService
) -> None:
    assert (await client.get("/healthz")).json()["push"] == {
        "pending": 0,
        "vapid_refused": 0,
        "vapid_alarm": False,
    }
    for _ in range(2):
        await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    await send_notice(client, schools=[SCHOOL_A])  # no worker runs here: both deliveries stay queued
    assert (await client.get("/healthz")).json()["push"]["pending"] == 2

    first = await Delivery.filter(status="pending").order_by("id").first()
    assert first is not None
    first.last_status = 403  # what the worker records when a push service refuses the VAPID signature
    await first.save(update_fields=["last_status"])
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["push"] == {"pending": 2, "vapid_refused": 1, "vapid_alarm": True}
