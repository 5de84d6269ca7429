"""The bodies officers send to place a hotspot, change one, or try one before saving (backend/bodies.py).

These check each field's shape; `service.validate` checks what needs the fields together or the clock (one
shape, a circle or a drawn area; the drawn area's geometry; an end in the future), and the API checks the area.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator

from backend.bodies import Body, Changes, Moment, Says, refuse
from input_types import HHMM

MAX_RADIUS_M, MIN_RADIUS_M = 2000.0, 10.0
AREA_IS_FIXED = "A hotspot's area cannot change; delete and recreate it."
Time = Annotated[
    str, StringConstraints(pattern=HHMM), Says("Type the start and end as 24-hour times, like 15:00.")
]


class Window(Body):
    """When a hotspot applies: some weekdays (1 = Monday), from a start time to an end time."""

    days: Annotated[
        list[Annotated[int, Field(ge=1, le=7)]],
        Field(min_length=1, max_length=7),
        Says("Tick at least one day the hotspot applies."),
    ] = Field(default=[1, 2, 3, 4, 5], title="Days", description="1 is Monday; left out: Monday to Friday.")
    start: Time = Field(title="From")
    end: Time = Field(title="Until")

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if self.start == self.end:
            raise refuse("The start and end times must be different.")
        return self


class _HotspotFields(Body):
    """What a new hotspot and a change share."""

    invalid_code = "invalid_hotspot"
    unknown_fields_say = "This form sent something WayHome does not use: reload the page and try again."

    lat: Annotated[
        float | None, Field(ge=-90, le=90), Says("Give the latitude as a number between -90 and 90.")
    ] = Field(default=None, title="Latitude")
    lon: Annotated[
        float | None, Field(ge=-180, le=180), Says("Give the longitude as a number between -180 and 180.")
    ] = Field(default=None, title="Longitude")
    radius_m: Annotated[
        float | None,
        Field(ge=MIN_RADIUS_M, le=MAX_RADIUS_M),
        Says(f"Give the radius as a number between {MIN_RADIUS_M:g} and {MAX_RADIUS_M:g} metres."),
    ] = Field(default=None, title="Radius (metres)")
    polygon: Annotated[dict[str, Any] | None, Says("The drawn area could not be read: draw it again.")] = (
        Field(
            default=None, title="Drawn area", description="A GeoJSON Polygon geometry (instead of a circle)."
        )
    )
    weight: Annotated[
        float, Field(ge=0.1, le=10), Says("Give the weight as a number between 0.1 and 10.")
    ] = Field(default=1.0, title="Weight", description="How strongly routes keep away: 1 is normal.")
    windows: Annotated[
        list[Window], Field(max_length=14), Says("Give at most 14 times of day when the hotspot applies.")
    ] = Field(default_factory=list, title="Times", description="None: at all times.")
    expires_at: Annotated[Moment | None, Says("Pick the end date and time from the calendar.")] = Field(
        default=None, title="Ends", description="Empty: until an officer removes it."
    )
    notes: Annotated[str, StringConstraints(max_length=2000), Says("Keep the label to 2,000 characters.")] = (
        Field(default="", title="Label")
    )


class HotspotDraft(_HotspotFields):
    """POST /api/v1/admin/hotspots (and /preview): a circle (lat, lon, radius_m) or a drawn polygon."""

    area: Annotated[
        str, StringConstraints(min_length=1, max_length=64), Says("Choose an area from the list.")
    ] = Field(title="Area")


class HotspotChanges(_HotspotFields, Changes):
    """PATCH /api/v1/admin/hotspots/{id}: only the fields sent change; the area stays."""

    area: Annotated[str | None, Says(AREA_IS_FIXED)] = Field(default=None, title="Area")

    @field_validator("area")
    @classmethod
    def _fixed(cls, value: str | None) -> str | None:
        raise refuse(AREA_IS_FIXED)
