"""End-to-end delivery: staff API -> outbox -> real Web Push (aes128gcm + VAPID) -> loopback push service."""

from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest

from backend.alerts.models import Delivery, Subscription, SubscriptionTopic
from backend.alerts.sender import WebPushSender, make_client
from backend.alerts.worker import OutboxWorker, WorkerConfig, signer_for
from backend.settings import Settings
from bench.loopback_push import LoopbackPushService, Reply
from content.areas import load_all_areas
from tests.alerts.support import SCHOOL_A, SCHOOL_B, decoded, send_notice, subscribe
from tests.support.staff import login_as


async def drain(settings: Settings, *, until_s: float = 0.0, **config: float) -> OutboxWorker:
    """Run worker rounds until the outbox has nothing due (and, with until_s, until that long has passed)."""
    areas = load_all_areas(settings.areas or None, areas_dir=settings.areas_dir)
    async with make_client() as http:
        worker = OutboxWorker(
            settings=settings,
            areas=areas,
            sender=WebPushSender(client=http, signer=signer_for(settings)),
            config=WorkerConfig(**config),  # type: ignore[arg-type]
        )
        deadline = time.monotonic() + until_s
        while True:
            worked = await worker.run_once()
            pending = await Delivery.filter(status="pending").count()
            if not worked and (not pending or time.monotonic() > deadline + 30):
                break
            if not worked:
                await _sleep(0.1)
    return worker


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


async def test_notice_reaches_every_matching_subscription_and_no_other(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    school_a = [await subscribe(client, push_service, [f"school:{SCHOOL_A}"]) for _ in range(5)]
    area = await subscribe(client, push_service, ["area:southwark"])
    both = await subscribe(client, push_service, [f"school:{SCHOOL_B}", f"school:{SCHOOL_A}"])
    other_school = await subscribe(client, push_service, [f"school:{SCHOOL_B}"])
    other_area = await subscribe(client, push_service, ["area:north-london-demo"])
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())

    sent = await send_notice(client, schools=[SCHOOL_A], urgency="high")
    assert sent["status"] == "sent" and sent["recipients"] == 6
    await drain(settings)

    for sub in [*school_a, both]:
        messages = decoded(push_service, sub["endpoint"])
        assert len(messages) == 1
        assert messages[0]["id"] == sent["id"]
        assert messages[0]["title"] == "Patrol on Lordship Lane"
        assert messages[0]["body"] == "Officers on foot 15:00-16:30."
        assert messages[0]["schools"] == [SCHOOL_A]
    assert decoded(push_service, area["endpoint"]) == []  # a school notice does not go to the whole area
    assert decoded(push_service, other_school["endpoint"]) == []
    assert decoded(push_service, other_area["endpoint"]) == []
    received = push_service.received
    assert {r.urgency for r in received} == {"high"}
    assert all(0 < int(r.ttl or 0) <= 24 * 3600 for r in received)
    assert push_service.rejected == []
    assert await Delivery.filter(status="done").count() == 6


async def test_area_notice_reaches_area_and_its_schools(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    area = await subscribe(client, push_service, ["area:southwark"])
    school = await subscribe(client, push_service, [f"school:{SCHOOL_B}"])
    elsewhere = await subscribe(client, push_service, ["area:north-london-demo"])
    await login_as(client, role="officer", areas=("southwark",), schools=())
    sent = await send_notice(
        client, areas=["southwark"], kind="safety", title="Dark evenings", body="Stay on lit roads."
    )
    await drain(settings)
    assert [m["id"] for m in decoded(push_service, area["endpoint"])] == [sent["id"]]
    assert [m["id"] for m in decoded(push_service, school["endpoint"])] == [sent["id"]]
    assert decoded(push_service, elsewhere["endpoint"]) == []


async def test_gone_subscriptions_are_deleted_after_one_send(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    alive = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    gone = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    missing = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    push_service.script(gone["endpoint"], Reply(410))
    push_service.script(missing["endpoint"], Reply(404))
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    await send_notice(client, schools=[SCHOOL_A])
    await drain(settings)
    remaining = set(await Subscription.all().values_list("endpoint", flat=True))
    assert remaining == {alive["endpoint"]}
    assert await Delivery.all().count() == 1  # the dead subscriptions' outbox rows went with them
    assert await SubscriptionTopic.all().count() == 1
    assert len(decoded(push_service, alive["endpoint"])) == 1


async def test_429_is_retried_no_sooner_than_retry_after(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    push_service.script(sub["endpoint"], Reply(429, retry_after="2"))
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    started = time.time()
    sent = await send_notice(client, schools=[SCHOOL_A])
    await drain(settings, until_s=5)
    messages = push_service.received
    assert [m.token for m in messages] == [sub["endpoint"].rsplit("/", 1)[1]]
    assert messages[0].at - started >= 2.0
    row = await Delivery.get(notice_id=sent["id"])
    assert row.status == "done" and row.attempts == 1 and row.last_status == 201


async def test_server_errors_retry_with_backoff_and_auth_errors_never_delete(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    flaky = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    refused = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    push_service.script(flaky["endpoint"], Reply(500))
    push_service.script(refused["endpoint"], Reply(403))
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    await send_notice(client, schools=[SCHOOL_A])
    worker = await drain(settings, until_s=0.5)
    assert len(decoded(push_service, flaky["endpoint"])) == 1  # retried after a jittered 1-2 s backoff
    assert worker.alarm is True
    assert await Subscription.filter(endpoint=refused["endpoint"]).exists()


async def test_finish_time_change_carries_a_topic_and_payload_limit_is_checked(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    await send_notice(
        client, schools=[SCHOOL_A], kind="finish_time_change", title="Early finish", body="13:30 Friday"
    )
    await drain(settings)  # delivered before the next change, so both arrive (else the newer supersedes)
    await send_notice(
        client, schools=[SCHOOL_A], kind="finish_time_change", title="Early finish", body="13:00 Friday"
    )
    await drain(settings)
    topics = {r.topic for r in push_service.received}
    assert len(topics) == 1 and None not in topics and len(next(iter(topics))) <= 32  # type: ignore[arg-type]
    assert len(decoded(push_service, sub["endpoint"])) == 2
    fits = await client.post(
        "/api/v1/admin/notices",
        json={"kind": "safety", "title": "x", "body": "é" * 1000, "schools": [SCHOOL_A]},
    )
    assert fits.status_code == 201  # 2,000 bytes of text still fit
    preview = (await client.get(f"/api/v1/admin/notices/{fits.json()['id']}/preview")).json()
    assert 2000 < preview["payload_bytes"] <= preview["max_payload_bytes"] == 3993
    too_big = await client.post(
        "/api/v1/admin/notices",
        json={"kind": "safety", "title": "x", "body": "😀" * 1000, "schools": [SCHOOL_A]},
    )
    assert too_big.status_code == 422 and too_big.json()["error"]["code"] == "payload_too_large"
    grown = await client.patch(f"/api/v1/admin/notices/{fits.json()['id']}", json={"body": "😀" * 1000})
    assert grown.status_code == 422 and grown.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("expired_s", [1])
async def test_expired_notice_is_not_delivered(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService, expired_s: int
) -> None:
    sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expired_s)).isoformat()
    await send_notice(client, schools=[SCHOOL_A], expires_at=expires)
    await _sleep(expired_s + 0.2)
    await drain(settings)
    assert decoded(push_service, sub["endpoint"]) == []
    assert await Delivery.filter(status="expired").count() == 1


async def test_a_corrupt_subscription_fails_alone(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    good = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    bad = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    await Subscription.filter(endpoint=bad["endpoint"]).update(p256dh="AAAA")  # damaged in storage
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    await send_notice(client, schools=[SCHOOL_A])
    await drain(settings)
    assert len(decoded(push_service, good["endpoint"])) == 1
    assert await Delivery.filter(status="failed").count() == 1
    assert await Delivery.filter(status="pending").count() == 0


async def test_newer_finish_time_change_supersedes_an_undelivered_older_one(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    patrol = await send_notice(client, schools=[SCHOOL_A])
    first = await send_notice(
        client, schools=[SCHOOL_A], kind="finish_time_change", title="Early", body="13:30"
    )
    second = await send_notice(
        client, schools=[SCHOOL_A], kind="finish_time_change", title="Early", body="13:00"
    )
    await drain(settings)
    assert sorted(m["id"] for m in decoded(push_service, sub["endpoint"])) == [patrol["id"], second["id"]]
    counts = (await client.get(f"/api/v1/admin/notices/{first['id']}")).json()["deliveries"]
    assert counts == {"superseded": 1}
    assert (await client.get(f"/api/v1/admin/notices/{second['id']}")).json()["deliveries"] == {"done": 1}


async def test_a_429_pauses_the_whole_push_service_origin(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    first = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    others = [await subscribe(client, push_service, [f"school:{SCHOOL_A}"]) for _ in range(4)]
    push_service.script(first["endpoint"], Reply(429, retry_after="2"))
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    started = time.time()
    await send_notice(client, schools=[SCHOOL_A])
    await drain(settings, until_s=5, concurrency=1)
    answered = sorted(push_service.answered, key=lambda a: a[2])
    assert answered[0][1] == 429
    assert all(at - started >= 2.0 for _, _, at in answered[1:])  # nobody else was hammered meanwhile
    assert len(answered) == 6  # one 429, then each of the five exactly once
    for sub in [first, *others]:
        assert len(decoded(push_service, sub["endpoint"])) == 1
    assert {d.attempts for d in await Delivery.all()} <= {0, 1}  # deferral is not an attempt


async def test_delivery_logs_never_carry_endpoints_or_keys(
    client: httpx.AsyncClient,
    settings: Settings,
    push_service: LoopbackPushService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    caplog.set_level(logging.DEBUG, logger="wayhome")
    ok = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    gone = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    bad = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    push_service.script(gone["endpoint"], Reply(410))
    push_service.script(bad["endpoint"], Reply(413))
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    await send_notice(client, schools=[SCHOOL_A])
    await drain(settings)
    assert any(r.name.startswith("wayhome.alerts") for r in caplog.records)  # it did log
    secrets = [s["endpoint"].rsplit("/", 1)[1] for s in (ok, gone, bad)] + [
        ok["keys"]["p256dh"],
        ok["keys"]["auth"],
    ]
    for record in caplog.records:
        text = record.getMessage() + " " + repr(record.__dict__)
        assert not any(secret in text for secret in secrets), record.name
