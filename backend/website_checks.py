"""The worker's daily website audit (Havens', services' and partner pages), behind the outbound guard."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from backend.api.admin.partner_websites import audit_policy
from backend.settings import Settings
from havens.website_audit import latest_run, run_audit

log = logging.getLogger("wayhome.website_checks")
AUDIT_EVERY = timedelta(hours=24)
CHECK_EVERY_S = 600.0


async def audit_if_due(settings: Settings, *, now: datetime | None = None) -> bool:
    """Run the audit when the last run is older than a day (or there is none); True when it ran."""
    now = now or datetime.now(UTC)
    last = await latest_run()
    if last is not None and now - last.finished_at < AUDIT_EVERY:
        return False
    await run_audit(policy=audit_policy(settings))
    return True


async def audit_websites_periodically(settings: Settings, stop: asyncio.Event) -> None:
    """Until `stop`: every ten minutes, run the audit if a day has passed since the last one."""
    while not stop.is_set():
        try:
            await audit_if_due(settings)
        except Exception:  # the push worker must keep running whatever a website does
            log.exception("website audit failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=CHECK_EVERY_S)
