"""What a venue sends to become a safe place, or to say it has changed, as typed bodies (`input_types`).

These check only the shape (text of a sane length, the days and agreement keys offered, a whole-number venue id),
so that `service.py` can check the meaning of every answer at once, per weekday and with the postcode lookup,
and the applicant sees all that needs fixing in one go.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from havens.applications.models import REPORT_KINDS
from havens.applications.service import AGREEMENTS, DAYS
from input_types import Body, OneOf, Says, refuse

AGREEMENT_KEYS = tuple(AGREEMENTS)
CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # a newline is fine in the address and the message
PLAIN = "This answer has hidden characters: retype it as plain text."


class _Form(Body):
    invalid_code = "invalid_application"
    unknown_fields_say = "This form sent something WayHome does not use: reload the page and try again."

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: object) -> object:
        if isinstance(value, str) and CONTROL_RE.search(value):
            raise refuse(PLAIN)
        return value


class OpeningRow(_Form):
    """One day the venue is open, 24-hour times (checked as times by the service, per day)."""

    day: Annotated[str, OneOf(DAYS), Says("Give the opening times for the days the venue is open.")] = Field(
        title="Day"
    )
    opens: Annotated[str, StringConstraints(max_length=8), Says("Type the opening time like 09:00.")] = Field(
        default="", title="Opens"
    )
    closes: Annotated[str, StringConstraints(max_length=8), Says("Type the closing time like 18:00.")] = (
        Field(default="", title="Closes")
    )


Hours = Annotated[
    list[OpeningRow],
    Field(max_length=len(DAYS)),
    Says("Give the opening times for the days the venue is open."),
]


class SafePlaceApplicationBody(_Form):
    """POST /api/v1/safe-place-applications: the public "Become a safe place" form."""

    venue_name: Annotated[
        str, StringConstraints(max_length=200), Says("Give the venue's name, up to 200 characters.")
    ] = Field(default="", title="Venue name")
    address: Annotated[
        str, StringConstraints(max_length=300), Says("Give the street address, up to 300 characters.")
    ] = Field(default="", title="Address")
    postcode: Annotated[
        str, StringConstraints(max_length=10), Says("Give the venue's postcode, like N22 6XF.")
    ] = Field(default="", title="Postcode")
    contact_name: Annotated[
        str,
        StringConstraints(max_length=120),
        Says("Give the name of a person we can contact, up to 120 characters."),
    ] = Field(default="", title="Person to contact")
    contact_phone: Annotated[
        str,
        StringConstraints(max_length=40),
        Says("Give a phone number with digits only, like 020 7525 0000."),
    ] = Field(default="", title="Phone")
    contact_email: Annotated[
        str, StringConstraints(max_length=200), Says("Give an email address like name@example.co.uk.")
    ] = Field(default="", title="Email")
    hours: Hours = Field(default_factory=list, title="Opening times")
    agreements: Annotated[
        list[Annotated[str, OneOf(AGREEMENT_KEYS)]],
        Field(max_length=len(AGREEMENT_KEYS)),
        Says("A safe place must agree to every point: tick each one you agree to."),
    ] = Field(default_factory=list, title="Agreements", description="Every key of the form's agreements.")
    company: Annotated[str, StringConstraints(max_length=200), Says("Leave this box empty.")] = Field(
        default="", title="Leave empty", description="A trap for automated spam: people never see it."
    )


class VenueChangeReport(_Form):
    """POST /api/v1/safe-place-reports: a CitySafe Haven says it has closed or changed its hours."""

    haven_id: Annotated[
        int, Field(ge=1, le=2**31 - 1), Says("Choose your venue from the list of safe places.")
    ] = Field(title="Venue")
    kind: Annotated[
        str,
        OneOf(REPORT_KINDS),
        Says("Say whether the venue has closed, changed its hours, or something else."),
    ] = Field(title="What changed")
    hours: Hours = Field(default_factory=list, title="New opening times")
    message: Annotated[
        str, StringConstraints(max_length=1000), Says("Keep the message to 1,000 characters.")
    ] = Field(default="", title="Message")
    contact: Annotated[
        str,
        StringConstraints(max_length=200),
        Says("Give a phone number or email address, up to 200 characters."),
    ] = Field(default="", title="Phone or email")
