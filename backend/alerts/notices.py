"""Notices: validation, audience, the exact push payload, publishing into the outbox in one transaction."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from backend.alerts.bodies import NoticeChanges, NoticeDraft
from backend.alerts.errors import NoticeConflict, NoticeInvalid
from backend.alerts.models import Delivery, Notice, SubscriptionTopic
from backend.alerts.sender import MAX_PLAINTEXT_BYTES
from content.areas import AreaPack

IDLE_SUBSCRIPTION_DAYS = 60
OUTBOX_CHANNEL = "wayhome_outbox"  # PostgreSQL LISTEN/NOTIFY channel: new deliveries are waiting
MAX_TTL_S = 28 * 24 * 3600
DEFAULT_LIFETIME = dt.timedelta(hours=24)


def _bad(field: str, message: str) -> NoticeInvalid:
    return NoticeInvalid("invalid_notice", message, {"field": field})


def school_area(areas: Mapping[str, AreaPack], urn: str) -> str | None:
    for slug, pack in areas.items():
        if pack.school(urn) is not None:
            return slug
    return None


def validate_notice(
    fields: NoticeDraft | NoticeChanges,
    *,
    areas: Mapping[str, AreaPack],
    current: Notice | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """Check a new draft (current None) or changes to `current` against the served areas and the notice as it
    would stand; returns the fields to write. All-or-nothing."""
    out = fields.sent()
    missing = [u for u in out.get("schools", ()) if school_area(areas, u) is None]
    if missing:
        raise NoticeInvalid(
            "unknown_school",
            "One of the schools is not served here: pick it again from the search.",
            {"field": "schools", "urns": missing},
        )
    missing = [a for a in out.get("areas", ()) if a not in areas]
    if missing:
        raise NoticeInvalid(
            "unknown_area",
            "One of the areas is not served here: choose from the list.",
            {"field": "areas", "areas": missing},
        )
    merged = {**(notice_fields(current) if current else {}), **out}
    if not merged.get("schools") and not merged.get("areas"):
        raise _bad("schools", "Choose at least one school or a whole area to send this to.")
    start = merged.get("send_at") or now
    if current is None and "expires_at" not in out:
        out["expires_at"] = merged["expires_at"] = start + DEFAULT_LIFETIME
    if merged["expires_at"] <= start:
        raise _bad("expires_at", "The end must be after the send time.")
    if merged["expires_at"] - start > dt.timedelta(seconds=MAX_TTL_S):
        raise _bad("expires_at", "A notice can run for at most 28 days.")
    size = len(payload_bytes(merged))
    if size > MAX_PLAINTEXT_BYTES:
        raise NoticeInvalid(
            "payload_too_large",
            "This notice is too long for a phone notification; shorten the text.",
            {"payload_bytes": size, "max_payload_bytes": MAX_PLAINTEXT_BYTES},
        )
    return out


def notice_fields(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.id,
        "kind": notice.kind,
        "title": notice.title,
        "body": notice.body,
        "schools": list(notice.schools),
        "areas": list(notice.areas),
        "age_tiers": list(notice.age_tiers),
        "urgency": notice.urgency,
        "send_at": notice.send_at,
        "expires_at": notice.expires_at,
    }


def payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What the service worker receives; `id` lets the PWA show a notice once even if delivered twice."""
    expires = fields["expires_at"]
    return {
        "v": 1,
        "id": fields.get("id"),
        "kind": fields["kind"],
        "title": fields["title"],
        "body": fields["body"],
        "urgency": fields.get("urgency", "normal"),
        "schools": list(fields.get("schools") or []),
        "areas": list(fields.get("areas") or []),
        "age_tiers": list(fields.get("age_tiers") or []),
        "expires_at": expires.astimezone(dt.UTC).isoformat() if expires else None,
        "url": f"/?notice={fields.get('id')}",
    }


def payload_bytes(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(payload(fields), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def notice_payload_bytes(notice: Notice) -> bytes:
    return payload_bytes(notice_fields(notice))


def topic_header(notice: Notice) -> str | None:
    """One Topic per finish-time audience: a newer change replaces an undelivered older one."""
    if notice.kind != "finish_time_change":
        return None
    key = json.dumps([sorted(notice.schools), sorted(notice.areas)]).encode()
    return "ft" + base64.urlsafe_b64encode(hashlib.sha256(key).digest()).decode()[:30]


def ttl_s(notice: Notice, *, now: dt.datetime) -> int:
    return max(0, min(MAX_TTL_S, int((notice.expires_at - now).total_seconds())))


def audience_topics(notice: Notice, *, areas: Mapping[str, AreaPack]) -> list[str]:
    """Subscriber topics reached: each school, each area, and every school inside each area."""
    topics = {f"school:{u}" for u in notice.schools} | {f"area:{a}" for a in notice.areas}
    for slug in notice.areas:
        pack = areas.get(slug)
        if pack is not None:
            topics |= {f"school:{s.urn}" for s in pack.schools}
    return sorted(topics)


def notice_json(notice: Notice) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        **notice_fields(notice),
        "status": notice.status,
        "send_at": iso(notice.send_at),
        "expires_at": iso(notice.expires_at),
        "sent_at": iso(notice.sent_at),
    }


def public_notice_json(notice: Notice) -> dict[str, Any]:
    data = notice_json(notice)
    for key in ("status", "send_at"):
        data.pop(key)
    return data


EDITABLE = (
    "draft",
    "scheduled",
)  # draft -> scheduled -> sent -> (expired | superseded); draft/scheduled -> cancelled


async def create_draft(*, values: dict[str, Any], created_by_id: int | None) -> Notice:
    """A new notice starts as a draft: nothing reaches a phone until it is sent or scheduled."""
    return await Notice.create(**values, status="draft", created_by_id=created_by_id)


def ensure_editable(notice: Notice) -> None:
    """Only a draft or a scheduled notice can change (checked before its changes are read: a sent notice's
    fields are not the point)."""
    if notice.status not in EDITABLE:
        raise NoticeConflict("notice_not_editable", f"A {notice.status} notice cannot be changed.")


async def update(notice: Notice, *, values: dict[str, Any]) -> Notice:
    """Change a draft or scheduled notice (`status` may put it back to draft or cancel it)."""
    ensure_editable(notice)
    changed = await Notice.filter(id=notice.id, status=notice.status).update(**values)
    if not changed:
        raise NoticeConflict("notice_changed", "The notice was sent or changed meanwhile; reload it.")
    return await Notice.get(id=notice.id)


def check_sendable(notice: Notice, *, now: dt.datetime) -> bool:
    """Whether sending now schedules it (True: its send time is still ahead) or publishes it (False)."""
    if notice.status not in EDITABLE:
        raise NoticeConflict("notice_not_sendable", f"A {notice.status} notice cannot be sent.")
    if notice.expires_at <= now:
        raise NoticeInvalid(
            "notice_expired",
            "This notice has already ended: set a later end time first.",
            {"field": "expires_at"},
        )
    return notice.send_at is not None and notice.send_at > now


async def schedule(notice: Notice) -> Notice:
    """Leave it for the worker to publish at its send time."""
    changed = await Notice.filter(id=notice.id, status=notice.status).update(status="scheduled")
    if not changed:
        raise NoticeConflict("notice_changed", "The notice was sent or changed meanwhile; reload it.")
    return await Notice.get(id=notice.id)


async def publish(
    notice_id: int,
    *,
    areas: Mapping[str, AreaPack],
    now: dt.datetime,
    from_statuses: tuple[str, ...] = ("draft", "scheduled"),
    audit: Callable[[Notice, int], Awaitable[Any]] | None = None,
) -> tuple[Notice, int] | None:
    """Mark sent and write one outbox row per matching live subscription, in ONE transaction.

    The conditional UPDATE makes a double send (two officers, two workers) a no-op: returns None then.
    """
    async with in_transaction(Notice._meta.default_connection) as conn:
        changed = await Notice.filter(id=notice_id, status__in=list(from_statuses)).update(
            status="sent", sent_at=now
        )
        if not changed:
            return None
        notice = await Notice.get(id=notice_id)
        await _supersede_older(notice)
        sub_ids = await live_subscription_ids(topics=audience_topics(notice, areas=areas), now=now)
        await Delivery.bulk_create(
            [Delivery(notice_id=notice.id, subscription_id=s, next_attempt_at=now) for s in sorted(sub_ids)],
            batch_size=1000,
        )
        if audit is not None:
            await audit(notice, len(sub_ids))
        if sub_ids and conn.capabilities.dialect == "postgres":
            await conn.execute_script(f"NOTIFY {OUTBOX_CHANNEL}")  # delivered on commit: wakes idle workers
    return notice, len(sub_ids)


async def send(
    notice: Notice,
    *,
    areas: Mapping[str, AreaPack],
    now: dt.datetime,
    audit: Callable[[str, Notice, int | None], Awaitable[Any]],
) -> tuple[Notice, int | None]:
    """An officer's send: scheduled when its send time is still ahead (recipients None), else sent now to its
    live subscriptions. `audit(action, notice, recipients)` runs in the same transaction as the change."""
    if check_sendable(notice, now=now):
        async with in_transaction(Notice._meta.default_connection):
            scheduled = await schedule(notice)
            await audit("notice.schedule", scheduled, None)
        return scheduled, None
    result = await publish(
        notice.id, areas=areas, now=now, audit=lambda sent, recipients: audit("notice.send", sent, recipients)
    )
    if result is None:
        raise NoticeConflict("notice_changed", "The notice was sent or changed meanwhile; reload it.")
    return result


async def _supersede_older(notice: Notice) -> int:
    """A newer finish-time change replaces older ones still waiting in our own outbox (the Topic header does the
    same inside the push service). Rows a worker holds right now are left alone: they are already on their way."""
    topic = topic_header(notice)
    if topic is None:
        return 0
    older = (
        await Notice.filter(kind="finish_time_change", status="sent", id__lt=notice.id)
        .order_by("-id")
        .limit(200)
    )
    ids = [n.id for n in older if topic_header(n) == topic]
    if not ids:
        return 0
    return await Delivery.filter(notice_id__in=ids, status="pending", claimed_until=None).update(
        status="superseded"
    )


async def delivery_counts(notice_id: int) -> dict[str, int]:
    rows = (
        await Delivery.filter(notice_id=notice_id)
        .group_by("status")
        .annotate(n=Count("id"))
        .values("status", "n")
    )
    return {str(r["status"]): int(r["n"]) for r in rows}


async def due_notice_ids(*, now: dt.datetime) -> list[int]:
    rows = (
        await Notice.filter(status="scheduled", send_at__lte=now)
        .order_by("send_at")
        .values_list("id", flat=True)
    )
    return [int(r) for r in rows]  # type: ignore[call-overload]


async def current_notices(
    *, areas: Mapping[str, AreaPack], now: dt.datetime, school: str | None = None, area: str | None = None
) -> list[Notice]:
    """Sent, unexpired notices reaching a school (directly or via its area) or an area (or its schools)."""
    notices = await Notice.filter(status="sent", expires_at__gt=now).order_by("-sent_at", "-id").limit(500)
    result = []
    for notice in notices:
        if school is not None:
            slug = school_area(areas, school)
            if school in notice.schools or (slug is not None and slug in notice.areas):
                result.append(notice)
        elif area is not None:
            pack = areas.get(area)
            urns = {s.urn for s in pack.schools} if pack else set()
            if area in notice.areas or urns.intersection(notice.schools):
                result.append(notice)
    return result


async def live_subscription_ids(*, topics: list[str], now: dt.datetime) -> set[int]:
    """Subscriptions on any of `topics` that have not gone idle (60 days without a successful delivery)."""
    cutoff = now - dt.timedelta(days=IDLE_SUBSCRIPTION_DAYS)
    ids: set[int] = set()
    for i in range(0, len(topics), 500):
        rows = await SubscriptionTopic.filter(
            topic__in=topics[i : i + 500], subscription__last_ok_at__gte=cutoff
        ).values_list("subscription_id", flat=True)
        ids.update(int(r) for r in rows)  # type: ignore[call-overload]
    return ids
