"""Retention periods from docs/DPIA.md, applied by `wayhome users purge` (run it daily from cron/systemd); survey data by backend/surveys/service.py:purge_expired in the same command."""

from __future__ import annotations

import datetime as dt
import time

from backend.accounts.models import AuditEvent, Invitation, RateCounter, Session, User
from backend.accounts.sessions import utcnow

ENDED_SESSION_DAYS = 30
INVITATION_DAYS = 30
AUDIT_DAYS = 730
DISABLED_USER_DAYS = 365


async def purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete data past its retention period; returns how many rows of each kind went."""
    now = now or utcnow()
    session_cutoff = now - dt.timedelta(days=ENDED_SESSION_DAYS)
    counts = {
        "sessions": await Session.filter(expires_at__lt=session_cutoff).delete()
        + await Session.filter(revoked_at__lt=session_cutoff).delete(),
        "invitations": await Invitation.filter(
            expires_at__lt=now - dt.timedelta(days=INVITATION_DAYS)
        ).delete(),
        "audit_events": await AuditEvent.filter(at__lt=now - dt.timedelta(days=AUDIT_DAYS)).delete(),
        "rate_counters": await RateCounter.filter(expires_at__lt=int(time.time())).delete(),
    }
    stale_users = User.filter(is_active=False, updated_at__lt=now - dt.timedelta(days=DISABLED_USER_DAYS))
    counts["disabled_users"] = await stale_users.delete()
    return counts
