"""Draining the delivery outbox: claim with a lease, send concurrently, apply the push-service status policy.

At-least-once: a row is marked done only after the push service said 2xx. Each outcome is written as soon as
its answer arrives (a request keeps its concurrency slot until then), so a worker killed mid-batch leaves at
most its in-flight deliveries unrecorded; their lease runs out and the next worker sends them again (the
payload's id de-duplicates on the phone).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery

from backend.alerts.endpoints import EndpointRefused, PushEndpointPolicy, check_endpoint
from backend.alerts.models import Delivery, Notice, Subscription
from backend.alerts.notices import notice_payload_bytes, topic_header, ttl_s
from backend.alerts.sender import MAX_PLAINTEXT_BYTES, PushResult, PushSender, PushTarget
from backend.alerts.vapid import origin_of

log = logging.getLogger("wayhome.alerts.outbox")

BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 300.0
MAX_RETRY_WINDOW_S = 6 * 3600.0
DEFAULT_RETRY_AFTER_S = 60.0
MIN_RETRY_DELAY_S = 1.0  # "Retry-After: 0" or a date in the past must not become a tight loop
POLICY_SKIP_DELAY_S = (
    300.0  # this worker's allowlist refuses the endpoint: leave the row for one that does not
)


_PG_CLAIM = """
WITH picked AS MATERIALIZED (
    SELECT id FROM alerts_delivery
    WHERE status = 'pending' AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3)
    ORDER BY id LIMIT $4
    FOR UPDATE SKIP LOCKED
)
UPDATE alerts_delivery AS d SET claimed_until = $1, claim_token = $2
FROM picked WHERE d.id = picked.id
RETURNING d.id
"""


@dataclass(frozen=True)
class Decision:
    action: str  # done | delete_subscription | fail | retry | give_up | defer | expired
    delay_s: float = 0.0
    alarm: bool = False


def decide(
    result: PushResult,
    *,
    attempts: int,
    age_s: float,
    retry_window_s: float,
    rng: random.Random | None = None,
) -> Decision:
    """The status policy, as a pure function (attempts counts this one).

    `age_s` and `retry_window_s` are both measured from when the delivery was queued: a 2-hour notice keeps
    retrying for its 2 hours (capped at MAX_RETRY_WINDOW_S), not for half of them.
    """
    status = result.status
    if status is not None and 200 <= status < 300:
        return Decision("done")
    if status in (404, 410):
        return Decision("delete_subscription")
    if status == 413:
        return Decision("fail")
    rng = rng or random.Random()
    alarm = status in (401, 403)
    if status is not None and not (status == 429 or status >= 500 or alarm):
        return Decision("fail")
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    backoff = ceiling / 2 + rng.uniform(0, ceiling / 2)  # "equal jitter": spread out, never zero
    if status in (429, 503) and result.retry_after_s is not None:
        # the push service said when: never sooner, and never a tight loop on "0" or a past date
        delay = max(result.retry_after_s, backoff, MIN_RETRY_DELAY_S)
    elif status == 429:
        delay = DEFAULT_RETRY_AFTER_S
    else:
        delay = backoff
    if age_s + delay > retry_window_s:
        return Decision("give_up", alarm=alarm)
    return Decision("retry", delay_s=delay, alarm=alarm)


async def claim(*, limit: int, lease_s: float, now: dt.datetime, skip_locked: bool) -> list[Delivery]:
    """Atomically lease up to `limit` due rows: PostgreSQL locks them with SKIP LOCKED, so concurrent workers
    take disjoint rows without waiting; SQLite serialises writers."""
    token = str(uuid.uuid4())
    until = now + dt.timedelta(seconds=lease_s)
    if skip_locked:
        # A CTE, not `id IN (subquery LIMIT n)`: PostgreSQL may re-run such a subquery and claim far more than n.
        changed = len(await Delivery._meta.db.execute_query_dict(_PG_CLAIM, [until, token, now, limit]))
    else:  # SQLite: writers are serialised, so the conditional UPDATE alone keeps claims apart
        free = Q(claimed_until=None) | Q(claimed_until__lt=now)
        inner = Delivery.filter(free, status="pending", next_attempt_at__lte=now).order_by("id").limit(limit)
        changed = await Delivery.filter(free, status="pending", id__in=Subquery(inner.values("id"))).update(
            claimed_until=until, claim_token=token
        )
    if not changed:
        return []
    return await Delivery.filter(claim_token=token).order_by("id").select_related("notice", "subscription")


@dataclass
class OutboxStats:
    counts: Counter[str]
    alarm: bool = False
    policy_skipped: int = 0


Outcome = tuple[Delivery, Decision, int | None]


class _Recorder:
    """Writes outcomes as they arrive: whatever finished while the previous write ran goes in the next one, so
    writes stay batched under load while every delivery is recorded within one database round trip."""

    def __init__(self, now_fn: type[dt.datetime]) -> None:
        self.now_fn = now_fn
        self.stats = OutboxStats(Counter())
        self._pending: list[tuple[Outcome, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def record(self, outcome: Outcome) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="wayhome-outbox-recorder")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((outcome, done))
        self._wake.set()
        await done

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            try:
                await _record([o for o, _ in batch], now=self.now_fn.now(dt.UTC), stats=self.stats)
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def process(
    deliveries: list[Delivery],
    *,
    sender: PushSender,
    policy: PushEndpointPolicy,
    concurrency: int,
    now_fn: type[dt.datetime] = dt.datetime,
    retry_window_s: float = MAX_RETRY_WINDOW_S,
    paused_until: dict[str, float] | None = None,
) -> OutboxStats:
    """Send a claimed batch with at most `concurrency` requests in flight, recording each outcome as it arrives.

    `paused_until` (push-service origin -> time.monotonic() deadline) is shared across rounds: after a 429 or a
    503 with Retry-After the whole origin waits instead of every queued message hitting it again.
    """
    gate = asyncio.Semaphore(concurrency)
    pauses = {} if paused_until is None else paused_until
    payloads: dict[int, bytes] = {}
    recorder = _Recorder(now_fn)

    async def one(delivery: Delivery) -> None:
        notice: Notice = delivery.notice
        sub: Subscription = delivery.subscription
        now = now_fn.now(dt.UTC)
        if notice.expires_at <= now:
            await recorder.record((delivery, Decision("expired"), None))
            return
        if notice.id not in payloads:
            payloads[notice.id] = notice_payload_bytes(notice)
        body = payloads[notice.id]
        try:
            check_endpoint(sub.endpoint, policy=policy)
        except EndpointRefused:
            # Only a push service's 404/410 may delete a subscription: this worker's allowlist may simply differ
            # from the web process's. Leave the row for a worker that may send it (or for it to expire).
            recorder.stats.policy_skipped += 1
            await recorder.record((delivery, Decision("defer", delay_s=POLICY_SKIP_DELAY_S), None))
            return
        if len(body) > MAX_PLAINTEXT_BYTES:
            log.error("notice payload over the Web Push limit", extra={"notice_id": notice.id})
            await recorder.record((delivery, Decision("fail"), None))
            return
        origin = origin_of(sub.endpoint)
        async with gate:  # the slot is held until the outcome is written: in flight means unrecorded
            wait_s = pauses.get(origin, 0.0) - time.monotonic()
            if wait_s > 0:
                await recorder.record((delivery, Decision("defer", delay_s=wait_s), None))
                return
            result = await sender.send(
                target=PushTarget(sub.endpoint, sub.p256dh, sub.auth),
                payload=body,
                ttl_s=ttl_s(notice, now=now),
                urgency=notice.urgency,
                topic=topic_header(notice),
            )
            if result.status == 429 or (result.status == 503 and result.retry_after_s is not None):
                pause_s = result.retry_after_s if result.retry_after_s is not None else DEFAULT_RETRY_AFTER_S
                pause_s = min(max(pause_s, MIN_RETRY_DELAY_S), BACKOFF_CAP_S)
                pauses[origin] = max(pauses.get(origin, 0.0), time.monotonic() + pause_s)
            # Both measured from when the row was queued (see decide): the notice's whole life, capped.
            age_s = (now_fn.now(dt.UTC) - delivery.created_at).total_seconds()
            life_s = (notice.expires_at - delivery.created_at).total_seconds()
            window = min(retry_window_s, max(0.0, life_s))
            decision = decide(result, attempts=delivery.attempts + 1, age_s=age_s, retry_window_s=window)
            await recorder.record((delivery, decision, result.status))

    async def guarded(delivery: Delivery) -> None:
        try:
            await one(delivery)
        except Exception:  # a poison row must not block the batch or be retried for ever
            log.exception("delivery failed unexpectedly", extra={"delivery_id": delivery.id})
            with contextlib.suppress(Exception):
                await recorder.record((delivery, Decision("fail"), None))

    try:
        await asyncio.gather(*(guarded(d) for d in deliveries))
    finally:
        await recorder.close()
    stats = recorder.stats
    if stats.counts.get("fail"):
        log.error(
            "push service refused deliveries as malformed (413/4xx): a bug",
            extra={"event": "outbox_fail", "counts": dict(stats.counts)},
        )
    if stats.alarm:
        log.critical("push service rejected our VAPID signature (401/403): check the VAPID key and subject")
    if stats.policy_skipped:
        log.warning(
            "this worker's push allowlist refuses endpoints the web process accepted: skipped, not deleted "
            "(check WAYHOME_PUSH_ALLOWED_HOSTS and WAYHOME_PUSH_ALLOW_LOOPBACK match)",
            extra={"event": "outbox_policy_skip", "count": stats.policy_skipped},
        )
    return stats


async def _record(outcomes: list[Outcome], *, now: dt.datetime, stats: OutboxStats) -> None:
    stats.counts.update(d.action for _, d, _ in outcomes)
    done = [d for d, dec, _ in outcomes if dec.action == "done"]
    by_status: dict[int | None, list[int]] = {}
    for delivery, dec, status in outcomes:
        if dec.action == "done":
            by_status.setdefault(status, []).append(delivery.id)
    for status, ids in by_status.items():  # done even if our lease ran out meanwhile: it was delivered
        await Delivery.filter(id__in=ids).update(
            status="done", done_at=now, claimed_until=None, last_status=status
        )
    if done:
        await Subscription.filter(id__in=list({d.subscription_id for d in done})).update(last_ok_at=now)  # type: ignore[attr-defined]
    dead = {d.subscription_id for d, dec, _ in outcomes if dec.action == "delete_subscription"}  # type: ignore[attr-defined]
    if dead:
        await Subscription.filter(id__in=list(dead)).delete()  # cascades to its outbox rows
    for delivery, dec, status in outcomes:
        if dec.action in ("done", "delete_subscription"):
            continue
        if dec.alarm:
            stats.alarm = True
        mine = Delivery.filter(
            id=delivery.id, claim_token=delivery.claim_token
        )  # not if re-claimed meanwhile
        if dec.action == "defer":  # not attempted: the push service asked us to wait
            await mine.update(next_attempt_at=now + dt.timedelta(seconds=dec.delay_s), claimed_until=None)
        elif dec.action == "retry":
            await mine.update(
                attempts=delivery.attempts + 1,
                next_attempt_at=now + dt.timedelta(seconds=dec.delay_s),
                claimed_until=None,
                last_status=status,
            )
        else:
            final = {"fail": "failed", "give_up": "gave_up", "expired": "expired"}[dec.action]
            await mine.update(
                status=final,
                attempts=delivery.attempts + 1,
                claimed_until=None,
                last_status=status,
                done_at=now,
            )


async def next_due_s(*, now: dt.datetime, cap_s: float) -> float:
    """Seconds until the earliest pending delivery or scheduled notice is due (at most `cap_s`): how long an
    idle worker woken by NOTIFY may sleep without missing a retry or a scheduled send."""
    free = Q(claimed_until=None) | Q(claimed_until__lt=now)
    pending = await Delivery.filter(free, status="pending").order_by("next_attempt_at").first()
    leased = await Delivery.filter(status="pending", claimed_until__gte=now).order_by("claimed_until").first()
    scheduled = await Notice.filter(status="scheduled").order_by("send_at").first()
    times = [pending.next_attempt_at] if pending else []
    if leased is not None and leased.claimed_until is not None:  # another worker's lease may run out
        times.append(leased.claimed_until)
    if scheduled is not None and scheduled.send_at is not None:
        times.append(scheduled.send_at)
    if not times:
        return cap_s
    return max(0.0, min(cap_s, min((t - now).total_seconds() for t in times)))


async def outbox_health() -> dict[str, int | bool]:
    """Aggregate outbox state for /healthz: queue depth, and whether push services are refusing our VAPID
    signature (pending rows whose last answer was 401/403), which no worker can fix by retrying."""
    pending = await Delivery.filter(status="pending").count()
    refused = await Delivery.filter(status="pending", last_status__in=(401, 403)).count()
    return {"pending": pending, "vapid_refused": refused, "vapid_alarm": refused > 0}
