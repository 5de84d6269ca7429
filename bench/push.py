"""`wayhome bench push`: fan-out of one notice to N subscriptions on a loopback push service (its own process),
against sequential pywebpush.webpush() calls measured on a sample in the same run and extrapolated.

Each case runs twice: with no added latency (CPU-bound, both ends on this 2-core machine) and with 50 ms per
push, a typical round trip to a real push service, where concurrency is what matters.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from backend.alerts.sender import PushResult, PushTarget, WebPushSender, make_client
from backend.alerts.vapid import VapidSigner, load_or_create, public_key_b64
from bench.loopback_push import derived_keys, subscription_json

SUBJECT = "mailto:bench@wayhome.example"
BENCH_SECRET = "bench-only-not-a-secret"  # noqa: S105 - a throwaway settings value, never deployed


class TimedSender:
    """Wraps the real sender and notes when each push was accepted."""

    def __init__(self, inner: WebPushSender) -> None:
        self.inner = inner
        self.accepted_at: list[float] = []

    async def send(
        self, *, target: PushTarget, payload: bytes, ttl_s: int, urgency: str, topic: str | None
    ) -> PushResult:
        result = await self.inner.send(
            target=target, payload=payload, ttl_s=ttl_s, urgency=urgency, topic=topic
        )
        if result.status is not None and 200 <= result.status < 300:
            self.accepted_at.append(time.perf_counter())
        return result


def _start_service(seed: str, vapid_key: str, delay_ms: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.loopback_push",
            "--seed",
            seed,
            "--vapid-key",
            vapid_key,
            "--delay-ms",
            str(delay_ms),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    return proc, f"http://127.0.0.1:{port}"


def _sequential_baseline(subs: list[dict[str, Any]], vapid_pem: str) -> float:
    """What a naive sender does: one blocking pywebpush.webpush() call after another. Returns seconds per push."""
    from py_vapid import Vapid02
    from pywebpush import webpush

    vapid = Vapid02.from_pem(vapid_pem.encode())
    started = time.perf_counter()
    for sub in subs:
        webpush(
            sub,
            data='{"v":1,"id":0,"title":"bench"}',
            vapid_private_key=vapid,
            vapid_claims={"sub": SUBJECT},
            ttl=3600,
            timeout=10,
        )
    return (time.perf_counter() - started) / len(subs)


async def _fan_out(n: int, base_url: str, seed: str, var_dir: Path, concurrency: int) -> dict[str, float]:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from backend.alerts import notices
    from backend.alerts.models import Delivery, Notice, Subscription, SubscriptionTopic
    from backend.alerts.worker import OutboxWorker, WorkerConfig
    from backend.db import tortoise_config
    from backend.settings import Settings
    from content.areas import load_all_areas

    db = var_dir / f"bench-{time.time_ns()}.sqlite3"
    config = tortoise_config(f"sqlite://{db}")
    config["apps"] = {"alerts": config["apps"]["alerts"]}
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        now = dt.datetime.now(dt.UTC)
        subs = [subscription_json(base_url, f"s{i}", derived_keys(seed.encode(), f"s{i}")) for i in range(n)]
        await Subscription.bulk_create(
            [
                Subscription(
                    endpoint=s["endpoint"], p256dh=s["keys"]["p256dh"], auth=s["keys"]["auth"], last_ok_at=now
                )
                for s in subs
            ],
            batch_size=1000,
        )
        ids = await Subscription.all().values_list("id", flat=True)
        await SubscriptionTopic.bulk_create(
            [SubscriptionTopic(subscription_id=i, topic="area:southwark") for i in ids], batch_size=1000
        )
        notice = await Notice.create(
            kind="patrol",
            title="Bench",
            body="Fan-out benchmark",
            areas=["southwark"],
            expires_at=now + dt.timedelta(hours=1),
        )
        settings = Settings.from_env(var_dir=var_dir, secret_key=BENCH_SECRET).with_changes(
            database_url=f"sqlite://{db}", push_allow_loopback=True
        )
        areas = load_all_areas(("southwark",), areas_dir=settings.areas_dir)
        async with make_client(max_connections=concurrency) as http:
            sender = TimedSender(
                WebPushSender(
                    client=http, signer=VapidSigner(vapid=load_or_create(var_dir=var_dir), subject=SUBJECT)
                )
            )
            worker = OutboxWorker(
                settings=settings,
                areas=areas,
                sender=sender,
                config=WorkerConfig(concurrency=concurrency, batch=2000),
            )
            started = time.perf_counter()
            result = await notices.publish(notice.id, areas=areas, now=dt.datetime.now(dt.UTC))
            enqueued = time.perf_counter()
            while await worker.run_once():
                pass
            finished = time.perf_counter()
        done = await Delivery.filter(status="done").count()
        assert result is not None and result[1] == n and done == n, (result, done)
        latencies = sorted(t - started for t in sender.accepted_at)
        return {
            "enqueue_s": enqueued - started,
            "total_s": finished - started,
            "per_s": n / (finished - started),
            "p50_s": statistics.median(latencies),
            "p95_s": latencies[int(0.95 * (len(latencies) - 1))],
        }
    finally:
        await Tortoise.close_connections()


async def run_bench(*, subscriptions: int, sample: int, concurrency: int) -> int:
    print(
        f"Push fan-out benchmark: {subscriptions} subscriptions, concurrency {concurrency}, "
        f"baseline sample {sample} sequential webpush() calls; {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        vapid = load_or_create(var_dir=var_dir)
        pem = (var_dir / "vapid_private.pem").read_text()
        for delay_ms in (0.0, 50.0):
            seed = f"bench-{time.time_ns()}"
            proc, base = _start_service(seed, public_key_b64(vapid), delay_ms)
            try:
                sample_subs = [
                    subscription_json(base, f"b{i}", derived_keys(seed.encode(), f"b{i}"))
                    for i in range(sample)
                ]
                per_push_s = await asyncio.to_thread(_sequential_baseline, sample_subs, pem)
                ours = await _fan_out(subscriptions, base, seed, var_dir, concurrency)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
            baseline_total = per_push_s * subscriptions
            print(f"\n[push-service latency {delay_ms:.0f} ms]")
            print(
                f"  outbox fan-out: {ours['per_s']:.0f} deliveries/s; time to last delivery {ours['total_s']:.2f} s "
                f"(enqueue {ours['enqueue_s']:.2f} s); per-delivery latency p50 {ours['p50_s']:.2f} s, "
                f"p95 {ours['p95_s']:.2f} s"
            )
            print(
                f"  sequential webpush(): {1 / per_push_s:.0f} pushes/s measured on {sample}; "
                f"extrapolated to {subscriptions}: {baseline_total:.1f} s"
            )
            print(f"  ratio (baseline time / fan-out time): {baseline_total / ours['total_s']:.1f}x")
    return 0
