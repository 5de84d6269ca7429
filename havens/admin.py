"""Staff write side: create/update/delete havens and services, verify them, edit and publish key messages.

These functions validate, write and keep the nearest-haven index fresh; the HTTP layer does auth and audit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from content.messages import LAW_SECTION_URL_RE, LAW_TOPICS, REVIEWER_ROLES, next_review, review_due
from havens.hours import LONDON
from havens.index_cache import invalidate
from havens.models import Haven, HelpService, KeyMessage, KeyMessageVersion
from havens.validation import AGES_IN_ORDER, Invalid, clean_haven, clean_message, clean_service

STALE_AFTER = timedelta(days=183)  # six months


class NeedsSecondPerson(Exception):
    """A law message may not be published by the account that last edited it."""


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(LONDON).isoformat() if value is not None else None


def haven_staff(h: Haven) -> dict[str, Any]:
    """Everything staff see about a haven."""
    return {
        "id": h.id, "area": h.area, "name": h.name, "kind": h.kind, "address": h.address, "postcode": h.postcode,
        "lat": h.lat, "lon": h.lon, "opening_hours": h.opening_hours, "status": h.status,
        "verified_at": _iso(h.verified_at), "verified_by": h.verified_by, "contact": h.contact, "website": h.website,
        "accessibility": h.accessibility, "source": h.source, "notes": h.notes, "sample": h.sample,
        "source_date": h.source_date, "source_name": h.source_name, "caveat": h.caveat,
        "needs_verification": h.needs_verification, "stale": is_stale(h.verified_at),
        "created_at": _iso(h.created_at), "updated_at": _iso(h.updated_at),
    }  # fmt: skip


def service_staff(s: HelpService) -> dict[str, Any]:
    return {
        "id": s.id, "name": s.name, "description": s.description, "needs": list(s.needs),
        "channels": list(s.channels), "age_min": s.age_min, "age_max": s.age_max, "area": s.area,
        "website": s.website, "verified_at": _iso(s.verified_at), "verified_by": s.verified_by, "source": s.source,
        "evidence": s.evidence, "source_date": s.source_date, "status": s.status,
        "stale": is_stale(s.verified_at), "updated_at": _iso(s.updated_at),
    }  # fmt: skip


def message_staff(m: KeyMessage, versions: list[KeyMessageVersion] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.id, "tier": m.tier, "topic": m.topic, "title": m.title, "body_markdown": m.body_markdown,
        "status": m.status, "version": m.version, "author_id": m.author_id, "updated_at": _iso(m.updated_at),
        "owner": m.owner, "sources": list(m.sources), "reviewed_by": m.reviewed_by,
        "reviewed_on": m.reviewed_on.isoformat() if m.reviewed_on else None,
        "review_by": m.review_by.isoformat() if m.review_by else None,
        "review_due": review_due(reviewed_on=m.reviewed_on, review_by=m.review_by, today=_today()),
        "last_edited_by": m.last_edited_by, "law": m.topic in LAW_TOPICS,
    }  # fmt: skip
    if versions is not None:
        out["versions"] = [
            {"version": v.version, "title": v.title, "body_markdown": v.body_markdown, "author_id": v.author_id,
             "published_at": _iso(v.published_at)}
            for v in sorted(versions, key=lambda v: v.version, reverse=True)
        ]  # fmt: skip
    return out


def _today() -> date:
    return datetime.now(LONDON).date()


def is_stale(verified_at: datetime | None, *, now: datetime | None = None) -> bool:
    """Never verified, or verified more than six months ago."""
    if verified_at is None:
        return True
    return verified_at < (now or datetime.now(UTC)) - STALE_AFTER


# ---- havens -------------------------------------------------------------------------------------------


async def create_haven(data: Mapping[str, Any], *, areas: Collection[str]) -> Haven:
    fields = clean_haven(data, areas=areas)
    haven = await Haven.create(**fields)
    invalidate(haven.area)
    return haven


async def update_haven(haven: Haven, data: Mapping[str, Any], *, areas: Collection[str]) -> dict[str, Any]:
    """Apply a partial update; returns {field: [old, new]} for the audit log."""
    fields = clean_haven(data, areas=areas, partial=True)
    changes = {k: [getattr(haven, k), v] for k, v in fields.items() if getattr(haven, k) != v}
    old_area = haven.area
    for key, value in fields.items():
        setattr(haven, key, value)
    if changes:
        await haven.save()
    invalidate(old_area)
    invalidate(haven.area)
    return changes


async def delete_haven(haven: Haven) -> None:
    await haven.delete()
    invalidate(haven.area)


async def verify_haven(haven: Haven, *, staff_id: int, now: datetime | None = None) -> Haven:
    """A person has checked the details: record when and who, and clear the re-verify flag."""
    haven.verified_at = now or datetime.now(UTC)
    haven.verified_by = staff_id
    haven.needs_verification = False
    await haven.save()
    invalidate(haven.area)
    return haven


async def list_havens(
    *,
    areas: Collection[str] | None,
    stale: bool = False,
    status: str | None = None,
    now: datetime | None = None,
) -> list[Haven]:
    """Havens in the given areas (None = all); `stale` keeps those unverified for six months or never."""
    query = Haven.all().order_by("area", "name", "id")
    if areas is not None:
        query = query.filter(area__in=list(areas))
    if status is not None:
        query = query.filter(status=status)
    rows = await query
    if stale:
        rows = [h for h in rows if is_stale(h.verified_at, now=now)]
    return rows


# ---- services -----------------------------------------------------------------------------------------


async def create_service(data: Mapping[str, Any], *, areas: Collection[str]) -> HelpService:
    fields = clean_service(data, areas=areas)
    if fields.get("status") == "checked":
        fields["verified_at"] = datetime.now(UTC)
    return await HelpService.create(**fields)


async def update_service(
    service: HelpService, data: Mapping[str, Any], *, areas: Collection[str]
) -> dict[str, Any]:
    fields = clean_service(data, areas=areas, partial=True)
    merged_min = fields.get("age_min", service.age_min)
    merged_max = fields.get("age_max", service.age_max)
    if merged_min is not None and merged_max is not None and merged_min > merged_max:
        raise Invalid({"age_max": AGES_IN_ORDER})
    changes = {k: [getattr(service, k), v] for k, v in fields.items() if getattr(service, k) != v}
    for key, value in fields.items():
        setattr(service, key, value)
    if changes:
        await service.save()
    return changes


async def verify_service(service: HelpService, *, staff_id: int, now: datetime | None = None) -> HelpService:
    """A person has checked the details: record when and who; a needs_check service becomes public."""
    service.verified_at = now or datetime.now(UTC)
    service.verified_by = staff_id
    service.status = "checked"
    await service.save()
    return service


# ---- key messages -------------------------------------------------------------------------------------


async def create_message(data: Mapping[str, Any], *, author_id: int) -> KeyMessage:
    """A new message starts as a draft unless `status: published` is given, which publishes version 1."""
    fields = clean_message(data)
    if await KeyMessage.exists(tier=fields["tier"], topic=fields["topic"]):
        raise Invalid(
            {"topic": "A message for this age group and topic already exists: edit that one instead."}
        )
    publish = fields.pop("status") == "published"
    msg = await KeyMessage.create(
        **fields, status="draft", version=0, author_id=author_id, last_edited_by=author_id
    )
    if publish:
        await publish_message(msg, author_id=author_id)
    return msg


async def update_message(msg: KeyMessage, data: Mapping[str, Any], *, author_id: int) -> dict[str, Any]:
    """Edit the working copy (it becomes a draft); `status: published` publishes it as a new version."""
    fields = clean_message(data, partial=True)
    if "tier" in fields or "topic" in fields:
        tier, topic = fields.get("tier", msg.tier), fields.get("topic", msg.topic)
        if (tier, topic) != (msg.tier, msg.topic) and await KeyMessage.exists(tier=tier, topic=topic):
            raise Invalid(
                {"topic": "A message for this age group and topic already exists: edit that one instead."}
            )
    status = fields.pop("status", None)
    changes = {k: [getattr(msg, k), v] for k, v in fields.items() if getattr(msg, k) != v}
    topic = fields.get("topic", msg.topic)
    if status == "published" and topic in LAW_TOPICS and (changes or msg.last_edited_by == author_id):
        raise NeedsSecondPerson()
    for key, value in fields.items():
        setattr(msg, key, value)
    if changes:
        msg.status = "draft"
        msg.seeded = False
        msg.author_id = author_id
        msg.last_edited_by = author_id
    if status == "published":
        await msg.save()
        await publish_message(msg, author_id=author_id)
        changes["status"] = ["draft", "published"]
    elif status is not None and status != msg.status:
        changes["status"] = [msg.status, status]
        msg.status = status
        msg.seeded = False
    await msg.save()
    return changes


async def publish_message(
    msg: KeyMessage, *, author_id: int, now: datetime | None = None
) -> KeyMessageVersion:
    """Snapshot the working copy as the next version; earlier versions are kept.

    A law message needs a second person: the account that last edited it may not publish it.
    """
    if msg.topic in LAW_TOPICS and msg.last_edited_by is not None and msg.last_edited_by == author_id:
        raise NeedsSecondPerson()
    if msg.topic in LAW_TOPICS and not any(LAW_SECTION_URL_RE.match(s) for s in msg.sources):
        raise Invalid(
            {"sources": "A message about the law must cite at least one legislation.gov.uk section link."}
        )
    msg.version += 1
    msg.status = "published"
    msg.author_id = author_id
    await msg.save()
    return await KeyMessageVersion.create(
        message=msg, version=msg.version, title=msg.title, body_markdown=msg.body_markdown, author_id=author_id,
        published_at=now or datetime.now(UTC),
    )  # fmt: skip


async def review_message(
    msg: KeyMessage, *, reviewer_role: str, staff_id: int, today: date | None = None
) -> dict[str, Any]:
    """Record that a person in a named role reviewed the message today; the next review is due in 12 months.

    Law messages: the account that last edited the text may not be its reviewer either.
    """
    if reviewer_role not in REVIEWER_ROLES:
        raise Invalid({"reviewed_by": "Choose the role you reviewed the message in from the list."})
    if msg.topic in LAW_TOPICS and msg.last_edited_by is not None and msg.last_edited_by == staff_id:
        raise NeedsSecondPerson()
    day = today or _today()
    before = {
        "reviewed_by": msg.reviewed_by,
        "reviewed_on": msg.reviewed_on.isoformat() if msg.reviewed_on else None,
    }
    msg.reviewed_by, msg.reviewed_on, msg.review_by = reviewer_role, day, next_review(day)
    await msg.save()
    return {"before": before, "reviewed_by": reviewer_role, "reviewed_on": day.isoformat()}
