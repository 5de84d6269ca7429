"""The bodies officers send to write a notice: a new draft, or changes to one (backend/bodies.py).

These check each field's shape; `notices.validate_notice` checks what needs the served areas or the notice as
it stands (schools and areas served, an audience, the end after the start, the size of the push payload).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from backend.alerts.models import NOTICE_KINDS
from backend.alerts.sender import URGENCIES
from backend.bodies import Body, Changes, Moment, OneOf, Says, refuse
from content.messages import TIERS as AGE_TIERS

EVERY_NOTICE_ENDS = "Say until when the notice is shown: every notice ends."
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Kind = Annotated[
    str,
    OneOf(NOTICE_KINDS),
    Says("Choose the type of notice from the list.", missing="Choose the type of notice."),
]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    Says("Write the title in 1 to 120 characters.", missing="Write a title."),
]
Message = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1000),
    Says("Write the message in 1 to 1000 characters.", missing="Write the message."),
]


class _NoticeFields(Body):
    """What a draft and a change share; a draft's defaults are the notice's own."""

    invalid_code = "invalid_notice"
    unknown_fields_say = "This form sent something WayHome does not use: reload the page and try again."

    schools: Annotated[
        list[Code], Field(max_length=200), Says("Choose up to 200 schools from the list offered.")
    ] = Field(default_factory=list, title="Schools")
    areas: Annotated[
        list[Code], Field(max_length=20), Says("Choose up to 20 areas from the list offered.")
    ] = Field(default_factory=list, title="Areas")
    age_tiers: Annotated[
        list[Annotated[str, OneOf(AGE_TIERS)]], Says("Choose the age groups from the list.")
    ] = Field(default_factory=list, title="Age groups", description="None chosen: every age.")
    urgency: Annotated[str, OneOf(URGENCIES), Says("Choose the urgency from the list.")] = Field(
        default="normal", title="Urgency"
    )
    send_at: Annotated[Moment | None, Says("Pick a date and a time.")] = Field(
        default=None, title="Send at", description="Empty: send when an officer presses send."
    )
    expires_at: Annotated[Moment | None, Says(EVERY_NOTICE_ENDS)] = Field(
        default=None, title="Shown until", description="Left out of a draft: a day after it is sent."
    )

    @field_validator("expires_at")
    @classmethod
    def _every_notice_ends(cls, value: dt.datetime | None) -> dt.datetime:
        if value is None:
            raise refuse(EVERY_NOTICE_ENDS)
        return value

    @field_validator("title", "body", check_fields=False)
    @classmethod
    def _plain_text(cls, value: str) -> str:
        if CONTROL_CHARS.search(value):
            raise refuse("This text has hidden characters: retype it as plain text.")
        return value

    @field_validator("schools", "areas", "age_tiers")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return sorted(set(value))


class NoticeDraft(_NoticeFields):
    """POST /api/v1/admin/notices: a new draft (nothing reaches a phone until it is sent or scheduled)."""

    kind: Kind = Field(title="Type of notice")
    title: Title = Field(title="Title")
    body: Message = Field(title="Message")


class NoticeChanges(_NoticeFields, Changes):
    """PATCH /api/v1/admin/notices/{id}: 'draft' unschedules it, 'cancelled' withdraws it."""

    kind: Kind = Field(default="patrol", title="Type of notice")
    title: Title = Field(default="", title="Title")
    body: Message = Field(default="", title="Message")
    status: Annotated[
        str, OneOf(("draft", "cancelled")), Says("A saved notice can only be put back to draft or cancelled.")
    ] = Field(default="draft", title="Status")
