"""The finish-time rules officers send for a school, as one typed body (backend/bodies.py).

These check each row's shape (a field left out or empty is not stored); `finish_times.validate_rules` then checks what needs the rows together (real
dates, a term's end after its start, one time per group and day).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from backend.bodies import Body, OneOf, Says, refuse
from input_types import HHMM

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_YMD = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # ASCII digits only; the calendar check is in validate_rules
_PLAIN = r"^[^\x00-\x1f\x7f]*$"  # no control characters (PostgreSQL JSON refuses NUL)

Time = Annotated[
    str,
    StringConstraints(pattern=HHMM),
    Says("Type the time as 24-hour hours and minutes, for example 14:30."),
]
OptionalTime = Annotated[
    str | None,
    StringConstraints(pattern=HHMM),
    Says("Type the time as 24-hour hours and minutes, for example 13:30, or leave it empty."),
]
Group = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80, pattern=_PLAIN),
    Says("Name the group in 1 to 80 characters of plain text, for example Year 7."),
]

FirstDay = Annotated[str, StringConstraints(pattern=_YMD), Says("Pick the first day from the calendar.")]
LastDay = Annotated[str, StringConstraints(pattern=_YMD), Says("Pick the last day from the calendar.")]
OneDay = Annotated[str, StringConstraints(pattern=_YMD), Says("Pick the day from the calendar.")]


class WeeklyFinish(Body):
    """A normal finish time on some weekdays; rows with a `group` give staggered finishes."""

    group: Group | None = Field(
        default=None,
        title="Group",
        description="Left out: all pupils (several groups give staggered finishes).",
    )
    days: Annotated[
        list[Annotated[str, OneOf(WEEKDAYS)]], Field(min_length=1), Says("Tick at least one weekday.")
    ] = Field(title="Days")
    finish: Time = Field(title="Finish time")

    @field_validator("days")
    @classmethod
    def _each_day_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise refuse("Tick at least one weekday.")
        return value


class Term(Body):
    """A term's dates; a last-day finish applies to every group on the term's last day."""

    name: Annotated[
        str | None,
        StringConstraints(min_length=1, max_length=80, pattern=_PLAIN),
        Says("Name the term in 1 to 80 characters of plain text, for example Autumn term."),
    ] = Field(default=None, title="Term name")
    start: FirstDay = Field(title="First day")
    end: LastDay = Field(title="Last day")
    last_day_finish: OptionalTime = Field(default=None, title="Last-day finish time")


class ChangedDay(Body):
    """One day that differs: an early finish (for a group or everyone), or the school closed."""

    date: OneDay = Field(title="Day")
    group: Group | None = Field(default=None, title="Group", description="Left out: every group.")
    finish: OptionalTime = Field(default=None, title="Finish time")
    closed: Annotated[bool | None, Says("Choose whether the school is closed that day.")] = Field(
        default=None, title="Closed"
    )
    note: Annotated[
        str | None,
        StringConstraints(max_length=200, pattern=_PLAIN),
        Says("Keep the note to 200 characters of plain text."),
    ] = Field(default=None, title="Note")


class FinishTimeRules(Body):
    """PUT /api/v1/admin/schools/{urn}/finish-times: the whole set of a school's rules, replacing the old."""

    invalid_code = "invalid_finish_times"
    unknown_fields_say = "This form sent something WayHome does not use: reload the page and try again."

    weekly: Annotated[list[WeeklyFinish], Field(max_length=40)] = Field(title="Finish-time rows")
    terms: Annotated[list[Term], Field(max_length=12)] = Field(default_factory=list, title="Terms")
    exceptions: Annotated[list[ChangedDay], Field(max_length=200)] = Field(
        default_factory=list, title="Changed days"
    )
