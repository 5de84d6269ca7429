"""Audit log: who did what to which object, when, and from where (coarsened address only).

Append-only through the API: there is no endpoint that updates or deletes an AuditEvent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.requests import Request
from tortoise.transactions import in_transaction

from backend.accounts.addresses import client_host, coarsen_address
from backend.accounts.models import AuditEvent

log = logging.getLogger("wayhome.accounts.audit")

MAX_DETAILS_CHARS = 8_000
_SECRET_KEYS = frozenset({"password", "new_password", "current_password", "token", "totp", "csrf_token"})


def _clean(details: dict[str, Any] | None) -> dict[str, Any]:
    """Drop secrets and anything not JSON-serialisable; cap the size."""
    if not details:
        return {}
    cleaned = {str(k): v for k, v in details.items() if str(k).lower() not in _SECRET_KEYS}
    text = json.dumps(cleaned, default=str, sort_keys=True)
    if len(text) > MAX_DETAILS_CHARS:
        return {"truncated": True, "keys": sorted(cleaned)[:50]}
    result: dict[str, Any] = json.loads(text)
    return result


async def record_audit(
    request: Request | None,
    staff: Any,
    *,
    action: str,
    object_type: str,
    object_id: str | int | None,
    details: dict[str, Any] | None = None,
    actor_email: str | None = None,
) -> AuditEvent:
    """Append one audit event. `staff` is a guard.Staff (or None for anonymous login attempts)."""
    address = coarsen_address(client_host(request)) if request is not None else "cli"
    actor_id = getattr(staff, "id", None)
    email = actor_email if actor_email is not None else str(getattr(staff, "email", "") or "")
    event = await AuditEvent.create(
        actor_id=actor_id,
        actor_email=email[:254],
        action=action[:64],
        object_type=object_type[:64],
        object_id=None if object_id is None else str(object_id)[:128],
        details=_clean(details),
        address=address,
    )
    log.info("audit", extra={"action": action, "object_type": object_type})
    return event


AuditFn = Callable[..., Awaitable[None]]


@asynccontextmanager
async def audited_write(
    request: Request | None, staff: Any, *, action: str, object_type: str
) -> AsyncIterator[AuditFn]:
    """The one way a staff write is audited: the write and its audit event commit together, or neither does.

    Every model shares the one database connection, so one transaction covers the domain row and the audit row:

        async with audited_write(request, staff, action="notice.create", object_type="notice") as audit:
            notice = await Notice.create(...)
            await audit(notice.id, {"fields": [...]})
    """
    async with in_transaction(AuditEvent._meta.default_connection):

        async def audit(object_id: str | int | None, details: dict[str, Any] | None = None) -> None:
            await record_audit(
                request, staff, action=action, object_type=object_type, object_id=object_id, details=details
            )

        yield audit
