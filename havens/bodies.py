"""What staff send to write a Haven, a help service or a key message, as typed bodies (`input_types`).

The console's JSON and the CSV import's rows (`csv_io` turns cells into numbers, yes/no and lists first) are
checked by these same types. `validation.py` then checks what needs more than the body: the areas served, and for
a change, the stored row it changes.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from content.messages import REVIEWER_ROLES, TIERS, TOPIC_RE
from content.services import CHANNEL_KINDS, NEEDS, valid_channel_value
from havens.hours import InvalidHours, validate_hours
from havens.models import HAVEN_KINDS, HAVEN_STATUSES, MESSAGE_STATUSES, SERVICE_STATUSES
from input_types import Body, Changes, OneOf, Says, refuse

# fullmatch, ASCII: `$` would let a trailing newline through and `\d` would take "١٢".
POSTCODE_RE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")
WEBSITE_RE = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
SOURCE_DATE_RE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
MESSAGE_SOURCE_RE = re.compile(r"(https://[^\s]+|services:[a-z0-9-]+|claims:[a-z0-9-]+)")
WEBSITE_SAYS = "Give the website as a link starting with https://, or leave it empty."
CHANNEL_VALUE_SAYS = {
    "phone": "Give a UK phone number such as 0800 1111 or 101.",
    "text": "Give a text short code such as 85258, or a UK number.",
    "web": "Give a link starting with https://.",
    "walk_in": "Give the address to walk in at.",
}


def trimmed(max_len: int, *, required: bool = False) -> StringConstraints:
    """At most `max_len` characters once trimmed (and not empty when `required`)."""
    return StringConstraints(strip_whitespace=True, min_length=1 if required else 0, max_length=max_len)


def _hours(value: str | None) -> str | None:
    try:
        return validate_hours(value)
    except InvalidHours as exc:
        raise refuse(str(exc)) from None


def _website(value: str) -> str:
    if value and not WEBSITE_RE.fullmatch(value):
        raise refuse(WEBSITE_SAYS)
    return value


Name = Annotated[str, trimmed(200, required=True), Says("Give the name, up to 200 characters.")]
Area = Annotated[str, StringConstraints(min_length=1, max_length=64), Says("Choose an area from the list.")]
Website = Annotated[str, trimmed(500), Says(WEBSITE_SAYS)]
Hours = Annotated[
    str | None,
    StringConstraints(max_length=500),
    Says("Write the opening hours the OpenStreetMap way, or leave them empty when unknown."),
]
LongText = Annotated[str, trimmed(2000), Says("Keep this to 2,000 characters.")]


Latitude = Annotated[float, Field(ge=-90, le=90), Says("Give the latitude as a number between -90 and 90.")]
Longitude = Annotated[
    float, Field(ge=-180, le=180), Says("Give the longitude as a number between -180 and 180.")
]
HavenKind = Annotated[str, OneOf(HAVEN_KINDS), Says("Choose the type of place from the list.")]


class HavenDraft(Body):
    """POST /api/v1/admin/havens (and a new row of the CSV import). Fields in the console form's order, so the
    problems are listed as the form shows them; the defaults are the stored row's."""

    name: Name = Field(title="Name")
    area: Area = Field(title="Area")
    kind: HavenKind = Field(title="Type of place")
    status: Annotated[
        str, OneOf(HAVEN_STATUSES), Says("Choose whether the place is shown from the list.")
    ] = Field(
        default="pending", title="Status", description="pending: not shown until an editor makes it active."
    )
    address: Annotated[str, trimmed(300), Says("Keep the address to 300 characters.")] = Field(
        default="", title="Address"
    )
    postcode: Annotated[str, trimmed(10), Says("Give a UK postcode like SE15 5JR, or leave it empty.")] = (
        Field(default="", title="Postcode")
    )
    lat: Latitude = Field(title="Latitude")
    lon: Longitude = Field(title="Longitude")
    opening_hours: Hours = Field(
        default=None, title="Opening hours", description="OpenStreetMap opening_hours; empty: not known."
    )
    contact: Annotated[str, trimmed(200), Says("Keep the contact to 200 characters.")] = Field(
        default="", title="Contact"
    )
    website: Website = Field(default="", title="Website")
    accessibility: LongText = Field(default="", title="Accessibility")
    source: LongText = Field(default="", title="Source")
    source_name: Annotated[str, trimmed(120), Says("Keep the source's name to 120 characters.")] = Field(
        default="", title="Source name"
    )
    source_date: Annotated[
        str,
        trimmed(10),
        Says("Give the source's date as a year, month or day, like 2022 or 2026-11-25."),
    ] = Field(default="", title="Source date")
    caveat: LongText = Field(default="", title="Caveat", description="Shown to the public.")
    notes: LongText = Field(default="", title="Notes for staff")
    needs_verification: Annotated[bool, Says("Choose whether the place still needs checking.")] = Field(
        default=False, title="Needs checking"
    )
    sample: Annotated[bool, Says("Choose whether this is a sample place.")] = Field(
        default=False, title="Sample"
    )

    @field_validator("postcode")
    @classmethod
    def _uk_postcode(cls, value: str) -> str:
        value = value.upper()
        if value and not POSTCODE_RE.fullmatch(value):
            raise refuse("Give a UK postcode like SE15 5JR, or leave it empty.")
        return value

    @field_validator("source_date")
    @classmethod
    def _year_month_or_day(cls, value: str) -> str:
        if value and not SOURCE_DATE_RE.fullmatch(value):
            raise refuse("Give the source's date as a year, month or day, like 2022 or 2026-11-25.")
        return value

    _opening_hours = field_validator("opening_hours")(_hours)
    _site = field_validator("website")(_website)


class HavenChanges(HavenDraft, Changes):
    """PATCH /api/v1/admin/havens/{id}."""

    name: Name = Field(default="", title="Name")
    area: Area = Field(default="", title="Area")
    kind: HavenKind = Field(default="other", title="Type of place")
    lat: Latitude = Field(default=0.0, title="Latitude")
    lon: Longitude = Field(default=0.0, title="Longitude")


class Channel(Body):
    """One way to reach a help service, with its hours when known."""

    kind: Annotated[str, OneOf(CHANNEL_KINDS), Says("Choose how people reach the service from the list.")] = (
        Field(title="Way to reach it")
    )
    value: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=500),
        Says("Give the number, link or address."),
    ] = Field(title="Number, link or address")
    hours: Hours = Field(default=None, title="Hours")

    @field_validator("value")
    @classmethod
    def _looks_right(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind in CHANNEL_VALUE_SAYS and not valid_channel_value(kind, value):
            raise refuse(CHANNEL_VALUE_SAYS[kind])
        return value

    _opening_hours = field_validator("hours")(_hours)


Age = Annotated[
    int | None, Field(ge=0, le=120), Says("Give the age as a whole number from 0 to 120, or leave it empty.")
]


Needs = Annotated[
    list[Annotated[str, OneOf(NEEDS)]],
    Field(min_length=1, max_length=len(NEEDS)),
    Says("Tick at least one need the service helps with."),
]
Channels = Annotated[
    list[Channel], Field(min_length=1, max_length=20), Says("Give at least one way to reach the service.")
]


class ServiceDraft(Body):
    """POST /api/v1/admin/services (and a new row of the CSV import), in the console form's order."""

    name: Name = Field(title="Name")
    area: Area = Field(default="national", title="Area", description="national: shown in every area.")
    status: Annotated[str, OneOf(SERVICE_STATUSES), Says("Choose whether the service has been checked.")] = (
        Field(default="needs_check", title="Status")
    )
    description: Annotated[str, trimmed(4000), Says("Keep the description to 4,000 characters.")] = Field(
        default="", title="Description"
    )
    needs: Needs = Field(title="Needs it helps with")
    channels: Channels = Field(title="Ways to reach it")
    age_min: Age = Field(default=None, title="Youngest age")
    age_max: Age = Field(default=None, title="Oldest age")
    website: Website = Field(default="", title="Website")
    source: LongText = Field(default="", title="Source")

    _site = field_validator("website")(_website)

    @field_validator("needs")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class ServiceChanges(ServiceDraft, Changes):
    """PATCH /api/v1/admin/services/{id}."""

    name: Name = Field(default="", title="Name")
    needs: Needs = Field(default_factory=list, title="Needs it helps with")
    channels: Channels = Field(default_factory=list, title="Ways to reach it")


Source = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


Tier = Annotated[str, OneOf(TIERS), Says("Choose who the message is for from the list.")]
Topic = Annotated[
    str,
    trimmed(64, required=True),
    Says("Write the topic in lower-case words joined by hyphens, like getting-home-safely."),
]
Title = Annotated[str, trimmed(200, required=True), Says("Give the title, up to 200 characters.")]
Markdown = Annotated[str, trimmed(20_000, required=True), Says("Write the message, up to 20,000 characters.")]


class MessageDraft(Body):
    """POST /api/v1/admin/messages, in the console form's order."""

    title: Title = Field(title="Title")
    tier: Tier = Field(title="Who it is for")
    topic: Topic = Field(title="Topic")
    status: Annotated[str, OneOf(MESSAGE_STATUSES), Says("Choose the message's status from the list.")] = (
        Field(default="draft", title="Status")
    )
    body_markdown: Markdown = Field(title="Message")
    sources: Annotated[
        list[Source],
        Field(max_length=40),
        Says(
            "Give up to 40 sources, one per line, each an https:// link (for the law, a legislation.gov.uk section)."
        ),
    ] = Field(default_factory=list, title="Sources")

    @field_validator("topic")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not TOPIC_RE.fullmatch(value):
            raise refuse("Write the topic in lower-case words joined by hyphens, like getting-home-safely.")
        return value

    @field_validator("sources")
    @classmethod
    def _links(cls, value: list[str]) -> list[str]:
        if not all(MESSAGE_SOURCE_RE.fullmatch(v) for v in value):
            raise refuse("Give each source as an https:// link (for the law, a legislation.gov.uk section).")
        return value


class MessageChanges(MessageDraft, Changes):
    """PATCH /api/v1/admin/messages/{id}."""

    tier: Tier = Field(default="14-17", title="Who it is for")
    topic: Topic = Field(default="", title="Topic")
    title: Title = Field(default="", title="Title")
    body_markdown: Markdown = Field(default="", title="Message")


class MessageReview(Body):
    """POST /api/v1/admin/messages/{id}/review: the role the reviewer reviewed the message in."""

    reviewed_by: Annotated[
        str, OneOf(REVIEWER_ROLES), Says("Choose the role you reviewed the message in from the list.")
    ] = Field(title="Reviewed as")
