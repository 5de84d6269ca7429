"""Recruiting and keeping CitySafe Havens: the public application, the officer's visit, publishing, re-checks.

A venue applies with no account; nothing it sends is public until an officer has visited, recorded the visit
and the signed agreement, and published it. The published Haven is verified on the visit date by that officer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from tortoise.transactions import in_transaction

from havens.applications.models import SafePlaceApplication, VenueReport
from havens.hours import LONDON, InvalidHours, validate_hours
from havens.index_cache import invalidate
from havens.models import Haven

# What staff agree to, in the words the form shows; every one must be ticked.
AGREEMENTS: dict[str, str] = {
    "welcome": "Any young person who asks for help can come in and stay until they feel safe.",
    "call_999": "Staff will call 999 if a young person is in danger or hurt, and 101 or a parent if asked.",
    "trusted_adult": "Staff will help a young person contact a parent, carer or trusted adult.",
    "sticker": "The safe place sign will be shown in the window while the venue is open.",
    "tell_changes": "The venue will tell the council if it closes or its hours change.",
}
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = dict(
    zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
VISIT_DAY = "Pick the day of the visit from the calendar: today or within the last year."
REVERIFY_AFTER = dt.timedelta(days=365)
REVERIFY_WARNING = dt.timedelta(days=30)
MAX_OPEN_APPLICATIONS = 500  # a flood stops here, whatever the rate limit lets through
TIME_RE = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
PHONE_RE = re.compile(r"\+?[0-9][0-9 ()-]{7,19}")
EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,}")

Locate = Callable[[str], "tuple[str, float, float] | None"]  # postcode -> (area, lat, lon)
Audit = Callable[[Any], Awaitable[None]] | None


class ApplicationInvalid(ValueError):
    """Bad input; `errors` maps a field to a sentence the applicant or officer can act on."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ApplicationConflict(ValueError):
    """The application is not in a state that allows this step."""


def _text(data: Mapping[str, Any], key: str) -> str:
    """A text answer, trimmed (its type, length and plain characters were checked by `bodies.py`)."""
    return str(data.get(key) or "").strip()


def build_hours(rows: list[Mapping[str, Any]], errors: dict[str, str]) -> str:
    """Weekday rows [{day: "Mo", opens: "09:00", closes: "18:00"}] -> OpenStreetMap opening_hours text."""
    parts: list[str] = []
    for row in rows:
        day = str(row["day"])
        opens, closes = str(row.get("opens") or ""), str(row.get("closes") or "")
        if not TIME_RE.fullmatch(opens):
            errors[f"hours.{day}.opens"] = (
                f"Type the time {DAY_NAMES[day]} opens as 24-hour time, like 09:00."
            )
            continue
        if not TIME_RE.fullmatch(closes) or closes == opens:
            errors[f"hours.{day}.closes"] = (
                f"Type the time {DAY_NAMES[day]} closes as 24-hour time, like 18:00, later than it opens."
            )
            continue
        parts.append(f"{day} {opens}-{closes}")
    if not parts and not any(k.startswith("hours") for k in errors):
        errors["hours"] = "Tick at least one day the venue is open, with its opening times."
    expr = "; ".join(parts)
    if parts:
        try:
            validate_hours(expr)
        except InvalidHours:
            errors["hours"] = "These opening times could not be read: check each day's times."
    return expr


def clean_application(data: Mapping[str, Any], *, locate: Locate) -> dict[str, Any]:
    """The model fields of a public application (shape checked by `bodies.SafePlaceApplicationBody`), or
    ApplicationInvalid listing every problem at once."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {key: _text(data, key) for key in ("venue_name", "address", "contact_name")}
    for key, sentence in (
        ("venue_name", "Give the venue's name."),
        ("address", "Give the street address, for example 12 High Road."),
        ("contact_name", "Give the name of a person we can contact."),
    ):
        if not out[key]:
            errors[key] = sentence
    phone, email = _text(data, "contact_phone"), _text(data, "contact_email")
    if phone and not PHONE_RE.fullmatch(phone):
        errors["contact_phone"] = "Give a phone number with digits only, like 020 7525 0000."
    if email and not EMAIL_RE.fullmatch(email):
        errors["contact_email"] = "Give an email address like name@example.co.uk."
    if not phone and not email:
        errors["contact_phone"] = "Give a phone number or an email address so an officer can arrange a visit."
    out["contact_phone"], out["contact_email"] = phone, email
    postcode = _text(data, "postcode").upper()
    place = locate(postcode) if postcode else None
    if place is None:
        errors["postcode"] = (
            "Give the venue's postcode, like N22 6XF. It must be in an area WayHome serves."
            if not postcode
            else "WayHome does not cover this postcode yet, or it is mistyped: check it."
        )
    else:
        out["postcode"] = postcode
        out["area"], out["lat"], out["lon"] = place
    out["opening_hours"] = build_hours(data.get("hours") or [], errors)
    if set(AGREEMENTS) - set(data.get("agreements") or []):
        errors["agreements"] = "A safe place must agree to every point: tick each one you agree to."
    out["agreements"] = sorted(AGREEMENTS)
    if errors:
        raise ApplicationInvalid(errors)
    return out


async def submit_application(*, data: Mapping[str, Any], locate: Locate) -> SafePlaceApplication:
    fields = clean_application(data, locate=locate)
    if await SafePlaceApplication.filter(status__in=("new", "visited")).count() >= MAX_OPEN_APPLICATIONS:
        raise ApplicationConflict("Too many applications are waiting for review. Please try again next week.")
    return await SafePlaceApplication.create(**fields)


async def list_applications(
    *, areas: Collection[str] | None, statuses: Collection[str] = ("new", "visited")
) -> list[SafePlaceApplication]:
    query = SafePlaceApplication.filter(status__in=list(statuses))
    if areas is not None:
        query = query.filter(area__in=list(areas))
    return await query.order_by("submitted_at")


async def record_visit(
    *,
    application: SafePlaceApplication,
    visit_date: dt.date,
    agreement_signed: bool,
    notes: str,
    staff_id: int,
    today: dt.date,
    audit: Audit = None,
) -> SafePlaceApplication:
    """The officer visited: the day (today or within the last year), the signed agreement, what they saw."""
    if application.status not in ("new", "visited"):
        raise ApplicationConflict("This application has already been published or declined.")
    errors: dict[str, str] = {}
    if visit_date > today or visit_date < today - dt.timedelta(days=365):
        errors["visit_date"] = VISIT_DAY
    if not agreement_signed:
        errors["agreement_signed"] = "Tick this once the venue has signed the safe place agreement."
    if errors:
        raise ApplicationInvalid(errors)
    application.visit_date, application.visited_by = visit_date, staff_id
    application.agreement_signed, application.status = True, "visited"
    application.review_notes = notes.strip()
    async with in_transaction(SafePlaceApplication._meta.default_connection):
        await application.save()
        if audit is not None:
            await audit(application)
    return application


async def publish(
    *, application: SafePlaceApplication, staff_id: int, now: dt.datetime, audit: Audit = None
) -> Haven:
    """Make the visited venue a public `citysafe_haven`, verified on the visit date by the visiting officer."""
    if application.status != "visited" or application.visit_date is None or not application.agreement_signed:
        raise ApplicationConflict("Record the visit and the signed agreement before publishing.")
    verified = dt.datetime.combine(application.visit_date, dt.time(12, 0), tzinfo=LONDON)
    async with in_transaction(Haven._meta.default_connection):
        haven = await Haven.create(
            area=application.area,
            name=application.venue_name,
            kind="citysafe_haven",
            address=application.address,
            postcode=application.postcode,
            lat=application.lat,
            lon=application.lon,
            opening_hours=application.opening_hours,
            status="active",
            verified_at=verified,
            verified_by=application.visited_by,
            contact=application.contact_phone or application.contact_email,
            source=f"Safe place application {application.id}; visited on {application.visit_date.isoformat()}.",
        )
        application.status, application.haven_id = "published", haven.id
        application.published_at, application.published_by = now, staff_id
        await application.save()
        if audit is not None:
            await audit(haven)
    invalidate(haven.area)
    return haven


async def decline(*, application: SafePlaceApplication, staff_id: int, audit: Audit = None) -> None:
    if application.status not in ("new", "visited"):
        raise ApplicationConflict("This application has already been published or declined.")
    application.status, application.published_by = "declined", staff_id
    async with in_transaction(SafePlaceApplication._meta.default_connection):
        await application.save()
        if audit is not None:
            await audit(application)


async def due_for_reverification(*, areas: Collection[str] | None, now: dt.datetime) -> list[Haven]:
    """Active CitySafe Havens not checked for a year (or within a month of it), oldest first."""
    cutoff = now - REVERIFY_AFTER + REVERIFY_WARNING
    query = Haven.filter(kind="citysafe_haven", status="active")
    if areas is not None:
        query = query.filter(area__in=list(areas))
    rows = await query
    due = [h for h in rows if h.verified_at is None or h.verified_at <= cutoff]
    return sorted(due, key=lambda h: h.verified_at or dt.datetime.min.replace(tzinfo=dt.UTC))


def reverify_by(haven: Haven) -> dt.date | None:
    return (haven.verified_at + REVERIFY_AFTER).date() if haven.verified_at else None


async def report_change(*, data: Mapping[str, Any]) -> VenueReport:
    """A venue says it has closed or changed its hours (public, no account); an officer follows it up.
    The shape was checked by `bodies.VenueChangeReport`; here, that the venue is a listed safe place and the rest."""
    errors: dict[str, str] = {}
    haven = await Haven.get_or_none(id=data["haven_id"], kind="citysafe_haven", status="active")
    if haven is None:
        errors["haven_id"] = "Choose your venue from the list of safe places."
    kind = data["kind"]
    new_hours = build_hours(data.get("hours") or [], errors) if kind == "hours_changed" else None
    message, contact = _text(data, "message"), _text(data, "contact")
    if not contact:
        errors["contact"] = "Give a phone number or email address so an officer can check with you."
    if errors or haven is None:
        raise ApplicationInvalid(errors)
    return await VenueReport.create(
        haven_id=haven.id, area=haven.area, kind=kind, new_hours=new_hours, message=message, contact=contact
    )


async def open_reports(*, areas: Collection[str] | None) -> list[VenueReport]:
    query = VenueReport.filter(resolved_at=None)
    if areas is not None:
        query = query.filter(area__in=list(areas))
    return await query.order_by("created_at")
