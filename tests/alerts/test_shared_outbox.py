"""Several workers share one outbox: every subscriber gets the notice exactly once (no crash, no duplicates)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import httpx

from backend.alerts import notices, subscriptions
from backend.alerts.models import Delivery, Notice
from backend.alerts.sender import WebPushSender, make_client
from backend.alerts.worker import OutboxWorker, WorkerConfig, signer_for
from backend.settings import Settings
from bench.loopback_push import LoopbackPushService, Reply
from content.areas import load_all_areas
from tests.alerts.support import SCHOOL_A

SUBSCRIBERS = 150


async def test_three_workers_deliver_each_message_once(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    now = dt.datetime.now(dt.UTC)
    for _ in range(SUBSCRIBERS):
        sub = push_service.subscribe()
        await subscriptions.upsert(
            endpoint=sub["endpoint"],
            p256dh=sub["keys"]["p256dh"],
            auth=sub["keys"]["auth"],
            topics=[f"school:{SCHOOL_A}"],
            now=now,
        )
    push_service.default_reply = Reply(201, delay_s=0.005)
    notice = await Notice.create(
        kind="patrol", title="Shared", body="x", schools=[SCHOOL_A], expires_at=now + dt.timedelta(hours=1)
    )
    areas = load_all_areas(areas_dir=settings.areas_dir)
    assert await notices.publish(notice.id, areas=areas, now=now) is not None
    claimed_by: Counter[int] = Counter()

    async def run_worker(index: int) -> None:
        async with make_client() as http:
            worker = OutboxWorker(
                settings=settings,
                areas=areas,
                sender=WebPushSender(client=http, signer=signer_for(settings)),
                config=WorkerConfig(concurrency=4, batch=10, lease_s=60),
            )
            while worked := await worker.run_once():
                claimed_by[index] += worked

    await asyncio.gather(*(run_worker(i) for i in range(3)))
    per_endpoint = Counter(r.token for r in push_service.received)
    assert len(per_endpoint) == SUBSCRIBERS
    assert set(per_endpoint.values()) == {1}
    assert sum(claimed_by.values()) == SUBSCRIBERS
    assert len(claimed_by) >= 2  # the work really was shared
    assert await Delivery.filter(status="done").count() == SUBSCRIBERS


async def test_concurrent_claims_take_disjoint_batches_of_the_asked_size(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """Regression: `UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` claimed every row on
    PostgreSQL (the subquery was re-run); the claim must lease exactly n rows per worker."""
    from backend.alerts.models import Subscription
    from backend.alerts.outbox import claim

    now = dt.datetime.now(dt.UTC)
    notice = await Notice.create(kind="patrol", title="t", body="b", expires_at=now + dt.timedelta(hours=1))
    subs = [
        await Subscription.create(
            endpoint=f"https://fcm.googleapis.com/fcm/send/{i}", p256dh="x", auth="y", last_ok_at=now
        )
        for i in range(60)
    ]
    await Delivery.bulk_create(
        [Delivery(notice_id=notice.id, subscription_id=s.id, next_attempt_at=now) for s in subs]
    )
    skip_locked = settings.database_url.startswith("postgres")
    batches = await asyncio.gather(
        *(claim(limit=10, lease_s=60, now=now, skip_locked=skip_locked) for _ in range(3))
    )
    ids = [d.id for batch in batches for d in batch]
    assert [len(b) for b in batches] == [10, 10, 10]
    assert len(set(ids)) == 30
    assert await Delivery.filter(claimed_until__not_isnull=True).count() == 30
    assert await claim(limit=100, lease_s=60, now=now, skip_locked=skip_locked) != []  # the other 30 are free
