"""What an officer sends to the staggering planner (backend/bodies.py): the area and day, and per school the
finish-time shifts it may accept."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from backend.bodies import Body, Day, OneOf, Says

SCHOOLS_WRONG = "For each school, give the earliest and latest shift in whole minutes, or pin it to its time."
Minutes = Annotated[int, Field(ge=-180, le=180), Says(SCHOOLS_WRONG, code="invalid_schools")]


class ShiftLimits(Body):
    """How far one school's finish may move, in minutes (negative: earlier), or pinned to its current time."""

    earliest_min: Minutes = Field(default=-15, title="Earliest shift (minutes)")
    latest_min: Minutes = Field(default=30, title="Latest shift (minutes)")
    pinned: Annotated[bool, Says(SCHOOLS_WRONG, code="invalid_schools")] = Field(
        default=False, title="Keep its time"
    )


class PlannerRequest(Body):
    """POST /api/v1/admin/insights/planner."""

    unknown_fields_say = "This form sent something WayHome does not use: reload the page and try again."

    area: Annotated[
        str, StringConstraints(min_length=1, max_length=64), Says("Choose an area from the list.")
    ] = Field(title="Area")
    date: Annotated[Day | None, Says("Pick the day from the calendar.", code="invalid_date")] = Field(
        default=None, title="Day", description="Left out: the next school day."
    )
    method: Annotated[
        str,
        OneOf(("auto", "exact", "local")),
        Says("Choose how to search: automatic, exact or local.", code="invalid_method"),
    ] = Field(default="auto", title="Search method")
    schools: Annotated[
        dict[Annotated[str, StringConstraints(min_length=1, max_length=16)], ShiftLimits],
        Field(max_length=100),
        Says(SCHOOLS_WRONG, code="invalid_schools"),
    ] = Field(
        default_factory=dict,
        title="Schools",
        description="Per school URN: the shifts it may accept; a school left out may move from -15 to +30 minutes.",
    )
