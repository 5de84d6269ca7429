"""A worker killed mid-fan-out and restarted leaves no subscriber without the notice (at-least-once), and sends
again at most what was in flight when it died: outcomes are recorded per delivery, not per batch."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from backend.alerts import notices, subscriptions
from backend.alerts.models import Delivery, Notice
from backend.settings import ROOT, Settings
from bench.loopback_push import LoopbackPushService, Reply
from content.areas import load_all_areas
from tests.alerts.support import SCHOOL_A, wait_for

SUBSCRIBERS = 240


def _start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "WAYHOME_VAR_DIR": str(settings.var_dir),
        "WAYHOME_SECRET_KEY": settings.secret_key,
        "WAYHOME_LOG_LEVEL": "WARNING",
    }
    args = [
        "--allow-loopback-push",
        "--lease-s",
        "2",
        "--concurrency",
        "4",
        "--batch",
        "40",
        "--poll-s",
        "0.2",
    ]
    return subprocess.Popen(
        [sys.executable, "-m", "backend.worker", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def test_killed_worker_loses_nothing(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    endpoints = []
    for _ in range(SUBSCRIBERS):
        sub = push_service.subscribe()
        await subscriptions.upsert(
            endpoint=sub["endpoint"],
            p256dh=sub["keys"]["p256dh"],
            auth=sub["keys"]["auth"],
            topics=[f"school:{SCHOOL_A}"],
            now=now,
        )
        endpoints.append(sub["endpoint"])
    push_service.default_reply = Reply(201, delay_s=0.01)  # slow enough to kill the worker mid-way
    notice = await Notice.create(
        kind="patrol",
        title="Patrol",
        body="Officers on Lordship Lane",
        schools=[SCHOOL_A],
        expires_at=now + dt.timedelta(hours=2),
    )
    result = await notices.publish(notice.id, areas=load_all_areas(areas_dir=settings.areas_dir), now=now)
    assert result is not None and result[1] == SUBSCRIBERS

    log = tmp_path / "worker.log"
    first = _start_worker(settings, log)
    try:
        await wait_for(lambda: len(push_service.received) >= 50, timeout_s=60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    delivered_before_kill = len(push_service.received)
    assert delivered_before_kill < SUBSCRIBERS, "the worker finished before it could be killed"

    second = _start_worker(settings, log)
    try:

        def everyone_has_it() -> bool:
            tokens = {r.token for r in push_service.received}
            return all(e.rsplit("/", 1)[1] in tokens for e in endpoints)

        await wait_for(everyone_has_it, timeout_s=90)
        await wait_for(lambda: second.poll() is None, timeout_s=1)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)
    assert second.returncode == 0, log.read_text()[-2000:]
    for endpoint in endpoints:
        ids = {json.loads(p)["id"] for p in push_service.plaintexts(endpoint)}
        assert ids == {notice.id}
    duplicates = len(push_service.received) - SUBSCRIBERS
    assert (
        0 <= duplicates <= 4
    )  # at most the killed worker's in-flight requests (--concurrency 4), not its batch
    await asyncio.sleep(0.5)
    assert await Delivery.filter(notice_id=notice.id, status="done").count() == SUBSCRIBERS
