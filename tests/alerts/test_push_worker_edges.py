"""The push worker's edge cases, against the real loopback push service (VAPID checked, payloads decrypted)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from backend.alerts import notices
from backend.alerts.endpoints import EndpointRefused, check_endpoint
from backend.alerts.models import Delivery, Notice, Subscription
from backend.alerts.outbox import MIN_RETRY_DELAY_S, claim, decide, process
from backend.alerts.sender import PushResult, WebPushSender, make_client
from backend.alerts.worker import OutboxWorker, WorkerConfig, endpoint_policy, signer_for
from backend.logs import JsonFormatter
from backend.settings import ROOT, Settings
from bench.loopback_push import LoopbackPushService, Reply
from content.areas import load_all_areas
from tests.alerts.support import SCHOOL_A, decoded, send_notice, subscribe, wait_for
from tests.conftest import PG_URL
from tests.support.staff import login_as


def test_503_retry_after_is_honoured_like_429() -> None:
    rng = random.Random(3)
    for status in (429, 503):
        decision = decide(
            PushResult(status, retry_after_s=90), attempts=1, age_s=0, retry_window_s=3600, rng=rng
        )
        assert decision.action == "retry" and decision.delay_s >= 90, status
    plain = decide(PushResult(503), attempts=1, age_s=0, retry_window_s=3600, rng=rng)
    assert plain.action == "retry" and plain.delay_s <= 2  # no Retry-After: ordinary backoff


@pytest.mark.parametrize("retry_after", [0.0, None])
def test_retry_after_zero_or_past_gets_a_minimum_delay(retry_after: float | None) -> None:
    for status in (429, 503):
        decision = decide(
            PushResult(status, retry_after_s=retry_after), attempts=1, age_s=0, retry_window_s=3600
        )
        assert decision.action == "retry" and decision.delay_s >= MIN_RETRY_DELAY_S


def test_the_retry_window_is_the_notices_life_from_queueing() -> None:
    """The issue's example: a 2-hour notice one hour in still has an hour of retries left."""
    decision = decide(PushResult(503), attempts=3, age_s=3600, retry_window_s=7200, rng=random.Random(1))
    assert decision.action == "retry"
    assert decide(PushResult(503), attempts=3, age_s=7199, retry_window_s=7200).action == "give_up"


async def _publish(settings: Settings, *, lifetime: dt.timedelta) -> Notice:
    now = dt.datetime.now(dt.UTC)
    notice = await Notice.create(
        kind="patrol",
        title="Patrol",
        body="Officers at the gates.",
        schools=[SCHOOL_A],
        expires_at=now + lifetime,
    )
    published = await notices.publish(notice.id, areas=load_all_areas(areas_dir=settings.areas_dir), now=now)
    assert published is not None and published[1] >= 1
    return notice


async def _run_batch(settings: Settings, *, policy_settings: Settings | None = None) -> None:
    async with make_client() as http:
        batch = await claim(limit=100, lease_s=60, now=dt.datetime.now(dt.UTC), skip_locked=bool(PG_URL))
        await process(
            batch,
            sender=WebPushSender(client=http, signer=signer_for(settings)),
            policy=endpoint_policy(policy_settings or settings),
            concurrency=4,
        )


async def test_a_two_hour_notice_still_retries_an_hour_in(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    push_service.default_reply = Reply(503)
    notice = await _publish(settings, lifetime=dt.timedelta(hours=2))
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await Delivery.filter(notice_id=notice.id).update(created_at=an_hour_ago)
    await Notice.filter(id=notice.id).update(expires_at=an_hour_ago + dt.timedelta(hours=2))
    await _run_batch(settings)
    row = await Delivery.get(notice_id=notice.id)
    assert push_service.answered and push_service.answered[-1][1] == 503
    assert row.status == "pending" and row.attempts == 1, row.status  # not given up at half its life
    assert decoded(push_service, sub["endpoint"]) == []


async def test_retry_after_zero_does_not_hammer_the_push_service(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    """Before: 356 requests in 10 s for one message. Now the worker waits at least MIN_RETRY_DELAY_S, growing."""
    sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    push_service.default_reply = Reply(503, retry_after="0")
    await _publish(settings, lifetime=dt.timedelta(hours=1))
    areas = load_all_areas(areas_dir=settings.areas_dir)
    async with make_client() as http:
        worker = OutboxWorker(
            settings=settings,
            areas=areas,
            sender=WebPushSender(client=http, signer=signer_for(settings)),
            config=WorkerConfig(poll_s=0.05),
        )
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        await asyncio.sleep(4.0)
        stop.set()
        await asyncio.wait_for(task, timeout=10)
    token = sub["endpoint"].rsplit("/", 1)[1]
    attempts = [at for t, status, at in push_service.answered if t == token]
    assert 1 <= len(attempts) <= 3, len(attempts)  # 1 s, then ~2-4 s: never a tight loop
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert all(gap >= MIN_RETRY_DELAY_S - 0.05 for gap in gaps), gaps


async def test_a_worker_with_a_different_allowlist_never_deletes_subscriptions(
    client: httpx.AsyncClient,
    settings: Settings,
    push_service: LoopbackPushService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    notice = await _publish(settings, lifetime=dt.timedelta(hours=1))
    strict = settings.with_changes(push_allow_loopback=False)
    with caplog.at_level(logging.WARNING):
        await _run_batch(settings, policy_settings=strict)
    assert await Subscription.all().count() == 1
    row = await Delivery.get(notice_id=notice.id)
    assert row.status == "pending" and row.attempts == 0 and row.claimed_until is None
    assert row.next_attempt_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    assert push_service.answered == []
    warning = next(r for r in caplog.records if "allowlist" in r.getMessage())
    assert "WAYHOME_PUSH_ALLOWED_HOSTS" in warning.getMessage() and warning.__dict__["count"] == 1
    # a worker configured like the web process then delivers it
    await Delivery.filter(id=row.id).update(next_attempt_at=dt.datetime.now(dt.UTC))
    await _run_batch(settings)
    assert (await Delivery.get(id=row.id)).status == "done"


def test_one_loopback_setting_for_web_and_worker(tmp_path: Path) -> None:
    endpoint = "http://127.0.0.1:8765/push/abc"
    off = Settings.from_env({}, var_dir=tmp_path)
    on = Settings.from_env({"WAYHOME_PUSH_ALLOW_LOOPBACK": "1"}, var_dir=tmp_path)
    with pytest.raises(EndpointRefused):
        check_endpoint(endpoint, policy=endpoint_policy(off))
    check_endpoint(endpoint, policy=endpoint_policy(on))  # api/push.py and the worker both use this policy
    assert "WAYHOME_PUSH_ALLOW_LOOPBACK" in (ROOT / "README.md").read_text()


async def test_the_outbox_batch_log_line_carries_its_counts(
    client: httpx.AsyncClient,
    settings: Settings,
    push_service: LoopbackPushService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    gone = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    push_service.script(gone["endpoint"], Reply(410))
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    await send_notice(client, schools=[SCHOOL_A])
    async with make_client() as http:
        worker = OutboxWorker(
            settings=settings,
            areas=load_all_areas(areas_dir=settings.areas_dir),
            sender=WebPushSender(client=http, signer=signer_for(settings)),
        )
        with caplog.at_level(logging.INFO, logger="wayhome.alerts.worker"):
            assert await worker.run_once() == 2
    record = next(r for r in caplog.records if r.getMessage() == "outbox batch")
    line = json.loads(JsonFormatter().format(record))
    assert line["counts"] == {"done": 1, "delete_subscription": 1} and line["count"] == 2


def _worker(settings: Settings, log: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "WAYHOME_VAR_DIR": str(settings.var_dir),
        "WAYHOME_SECRET_KEY": settings.secret_key,
        "WAYHOME_LOG_LEVEL": "INFO",
        "WAYHOME_PUSH_ALLOW_LOOPBACK": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "backend.worker", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.skipif(not PG_URL, reason="LISTEN/NOTIFY is PostgreSQL's; SQLite workers poll")
async def test_a_separate_worker_is_woken_by_notify_not_polling(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService, tmp_path: Path
) -> None:
    sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
    log = tmp_path / "worker.log"
    worker = _worker(settings, log, "--poll-s", "60")  # polling alone would take up to a minute
    try:
        await wait_for(lambda: "worker started" in log.read_text(), timeout_s=60)
        await asyncio.sleep(2.0)  # let it finish its first (empty) round and go idle
        started = time.monotonic()
        await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
        await send_notice(client, schools=[SCHOOL_A])
        await wait_for(lambda: bool(decoded(push_service, sub["endpoint"])), timeout_s=20)
        assert time.monotonic() - started < 10, log.read_text()[-2000:]
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    assert worker.returncode == 0, log.read_text()[-2000:]


def test_retry_after_values_a_push_service_might_send() -> None:
    from backend.alerts.sender import parse_retry_after

    assert parse_retry_after("0") == 0
    assert parse_retry_after("²") is None and parse_retry_after("١٢") is None
    assert parse_retry_after("9" * 5000) == 86_400  # a day at most
    past = parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")
    assert past == 0
    decision = decide(PushResult(503, retry_after_s=past), attempts=1, age_s=0, retry_window_s=3600)
    assert decision.delay_s >= MIN_RETRY_DELAY_S
