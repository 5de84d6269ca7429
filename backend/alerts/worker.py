"""Outbox worker: promotes scheduled notices, drains deliveries, forgets idle subscriptions.

Runs standalone (`wayhome worker`, one or several processes sharing the outbox) or inside `wayhome serve`
(`in_process_worker`) for a single machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backend.alerts import notices as notices_domain
from backend.alerts import subscriptions
from backend.alerts.endpoints import PushEndpointPolicy
from backend.alerts.models import Notice
from backend.alerts.outbox import claim, next_due_s, process
from backend.alerts.sender import PushSender, WebPushSender, make_client
from backend.alerts.vapid import VapidSigner, load_or_create, public_key_b64
from backend.settings import Settings
from content.areas import AreaPack

if TYPE_CHECKING:
    from backend.state import AppState

log = logging.getLogger("wayhome.alerts.worker")
PURGE_EVERY_S = 3600.0


@dataclass
class WorkerConfig:
    concurrency: int = 64
    batch: int = 500
    lease_s: float = 60.0
    poll_s: float = 1.0
    listen_idle_s: float = 30.0  # PostgreSQL with LISTEN: the longest idle sleep (NOTIFY wakes it sooner)


def endpoint_policy(settings: Settings) -> PushEndpointPolicy:
    """The same policy for the web process (subscribing) and the worker (sending): WAYHOME_PUSH_ALLOWED_HOSTS
    and WAYHOME_PUSH_ALLOW_LOOPBACK, the one switch for a local loopback push service."""
    return PushEndpointPolicy(
        allowed_hosts=tuple(settings.push_allowed_hosts), allow_loopback=settings.push_allow_loopback
    )


def signer_for(settings: Settings) -> VapidSigner:
    if settings.vapid_subject.endswith(".invalid"):
        log.warning(
            "WAYHOME_VAPID_SUBJECT is a placeholder; push services want a real mailto: or https: contact"
        )
    return VapidSigner(vapid=load_or_create(var_dir=settings.var_dir), subject=settings.vapid_subject)


async def _scheduler_audit(notice: Notice, recipients: int) -> None:
    from backend.accounts.audit import record_audit

    await record_audit(
        None,
        None,
        action="notice.send",
        object_type="notice",
        object_id=notice.id,
        details={"recipients": recipients, "by": "scheduler", "send_at": str(notice.send_at)},
        actor_email="scheduler",
    )


@dataclass
class OutboxWorker:
    settings: Settings
    areas: Mapping[str, AreaPack]
    sender: PushSender
    config: WorkerConfig = field(default_factory=WorkerConfig)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    alarm: bool = False
    paused_until: dict[str, float] = field(default_factory=dict)
    listening: bool = False
    _last_purge: float = 0.0

    @property
    def skip_locked(self) -> bool:
        return self.settings.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))

    async def promote_due(self) -> int:
        """Send scheduled notices whose time has come; a conditional UPDATE lets one worker win each."""
        now = dt.datetime.now(dt.UTC)
        sent = 0
        for notice_id in await notices_domain.due_notice_ids(now=now):
            done = await notices_domain.publish(
                notice_id, areas=self.areas, now=now, from_statuses=("scheduled",), audit=_scheduler_audit
            )
            sent += done is not None
        return sent

    async def run_once(self) -> int:
        """One round: promote, claim a batch, send it. Returns how many deliveries were attempted."""
        await self.promote_due()
        if time.monotonic() - self._last_purge > PURGE_EVERY_S:
            self._last_purge = time.monotonic()
            await subscriptions.purge_idle(now=dt.datetime.now(dt.UTC))
        batch = await claim(
            limit=self.config.batch,
            lease_s=self.config.lease_s,
            now=dt.datetime.now(dt.UTC),
            skip_locked=self.skip_locked,
        )
        if not batch:
            return 0
        stats = await process(
            batch,
            sender=self.sender,
            policy=endpoint_policy(self.settings),
            concurrency=self.config.concurrency,
            paused_until=self.paused_until,
        )
        self.alarm = self.alarm or stats.alarm
        log.info(
            "outbox batch", extra={"event": "outbox_batch", "count": len(batch), "counts": dict(stats.counts)}
        )
        return len(batch)

    async def idle_s(self) -> float:
        """How long to sleep when nothing was due: the poll interval, or with LISTEN until the next due row."""
        if not self.listening:
            return self.config.poll_s
        return await next_due_s(now=dt.datetime.now(dt.UTC), cap_s=self.config.listen_idle_s)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                worked = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox round failed")
                worked = 0
            if worked:
                continue
            self.wake.clear()
            try:
                idle_s = await self.idle_s()
            except Exception:
                log.exception("outbox idle check failed")
                idle_s = self.config.poll_s
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, self.wake), timeout=idle_s)


async def _first(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()


@contextlib.asynccontextmanager
async def in_process_worker(state: AppState) -> AsyncIterator[None]:
    """Inside `wayhome serve`: make sure a VAPID key exists, then drain the outbox until shutdown."""
    settings: Settings = state.settings
    signer = signer_for(settings)
    state.vapid_public_key = public_key_b64(signer.vapid)
    if not settings.in_process_worker:
        yield
        return
    async with make_client(policy=endpoint_policy(settings)) as client:
        worker = OutboxWorker(
            settings=settings,
            areas=state.areas,
            sender=WebPushSender(client=client, signer=signer),
            config=WorkerConfig(),
        )
        state.outbox_worker = worker
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop), name="wayhome-outbox")
        try:
            yield
        finally:
            stop.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def run_standalone(settings: Settings, *, config: WorkerConfig, once: bool = False) -> None:
    """`wayhome worker`: its own Tortoise connection, one shared httpx client, until SIGTERM/SIGINT."""
    import signal

    from tortoise import Tortoise

    from backend.db import tortoise_config
    from content.areas import load_all_areas

    areas = load_all_areas(settings.areas or None, areas_dir=settings.areas_dir)
    await Tortoise.init(config=tortoise_config(settings.database_url))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        limits = max(config.concurrency, 10)
        async with make_client(max_connections=limits, policy=endpoint_policy(settings)) as client:
            worker = OutboxWorker(
                settings=settings,
                areas=areas,
                sender=WebPushSender(client=client, signer=signer_for(settings)),
                config=config,
            )
            log.info("worker started", extra={"concurrency": config.concurrency})
            if once:
                while await worker.run_once():
                    pass
            else:
                from backend.website_checks import audit_websites_periodically

                audits = asyncio.create_task(
                    audit_websites_periodically(settings, stop), name="website-audit"
                )
                refresh = None
                if settings.policeuk_refresh_days > 0:
                    from backend.crime_refresh import refresh_periodically

                    refresh = asyncio.create_task(
                        refresh_periodically(settings, areas, stop), name="policeuk-refresh"
                    )
                try:
                    async with listen_for_deliveries(settings, worker):
                        await worker.run(stop)
                finally:
                    audits.cancel()
                    if refresh is not None:
                        refresh.cancel()
    finally:
        await Tortoise.close_connections()


@contextlib.asynccontextmanager
async def listen_for_deliveries(settings: Settings, worker: OutboxWorker) -> AsyncIterator[None]:
    """On PostgreSQL, a dedicated connection LISTENs on the outbox channel, so a separate worker wakes the
    moment a notice is published instead of polling; elsewhere (or if LISTEN fails) it keeps polling."""
    if not worker.skip_locked:
        yield
        return
    import asyncpg

    try:
        conn = await asyncpg.connect(settings.database_url.replace("postgres://", "postgresql://", 1))
        await conn.add_listener(notices_domain.OUTBOX_CHANNEL, lambda *_: worker.wake.set())
    except (OSError, asyncpg.PostgresError) as exc:
        log.warning("LISTEN unavailable; polling the outbox", extra={"reason": type(exc).__name__})
        yield
        return
    worker.listening = True
    try:
        yield
    finally:
        worker.listening = False
        with contextlib.suppress(Exception):
            await conn.close()


__all__ = ["OutboxWorker", "WorkerConfig", "in_process_worker", "listen_for_deliveries", "run_standalone"]
