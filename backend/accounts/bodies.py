"""The bodies staff send to sign in and look after their account: one type each (backend/bodies.py).

Passwords are never stripped or reshaped here: the password rules (`passwords.check_password_policy`) and the
hash see exactly what was typed. Lengths are bounds against abuse, not rules a person meets.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from backend.accounts.models import ROLES, Role
from backend.accounts.second_factor import valid_secret
from backend.bodies import Body, Changes, Says, refuse

Password = Annotated[str, Field(min_length=1, max_length=1024)]
Code = Annotated[str, Field(max_length=24)]
SCAN_AGAIN = "Start the set-up again: the code to scan was not right."


class Credentials(Body):
    """POST /api/v1/auth/login."""

    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=254),
        Says("Give your email address."),
    ] = Field(title="Email address")
    password: Annotated[Password, Says("Give your password.")] = Field(title="Password")
    totp: Annotated[Code | None, Says("Enter the 6-digit code or a recovery code.")] = Field(
        None, title="Code from your authenticator app"
    )
    totp_secret: Annotated[str | None, Says(SCAN_AGAIN)] = Field(
        None,
        title="Set-up secret",
        description="The secret of a first-time set-up, sent with its first code.",
    )

    @field_validator("totp_secret")
    @classmethod
    def _scannable(cls, value: str | None) -> str | None:
        if value is not None and valid_secret(value) is None:
            raise refuse(SCAN_AGAIN)
        return value


class PasswordChange(Body):
    """POST /api/v1/auth/password."""

    current_password: Password = Field(title="Current password")
    new_password: Password = Field(title="New password")


class SecondFactorChange(Body):
    """POST /api/v1/auth/totp: turn the second factor on (secret + code) or off (enabled=false)."""

    password: Password = Field(title="Your password")
    secret: Annotated[str | None, Field(max_length=64)] = Field(None, title="Set-up secret")
    code: Code | None = Field(None, title="Code from your authenticator app")
    current_code: Code | None = Field(
        None, title="Current code", description="Needed to change or turn off a second factor already set up."
    )
    enabled: Annotated[bool, Says("Choose whether the second step at sign-in is on or off.")] = Field(
        True, title="Second step at sign-in"
    )


NAME = StringConstraints(strip_whitespace=True, max_length=120)
NAME_SAYS = Says("Write the person's name in at most 120 characters.")
DisplayName = Annotated[str, NAME, NAME_SAYS]


class InvitationAcceptance(Body):
    """POST /api/v1/auth/accept-invitation."""

    token: Annotated[
        str, Field(min_length=10, max_length=200), Says("Open the link from your invitation email again.")
    ] = Field(title="Invitation link")
    password: Password = Field(title="Password")
    display_name: Annotated[Annotated[str, NAME] | None, NAME_SAYS] = Field(None, title="Your name")


EMAIL_RE = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}")
MAX_SCOPE_ITEMS = 200
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Urn = Annotated[str, StringConstraints(pattern=r"^[0-9]{5,8}$")]
CHOOSE_ROLE = f"Choose at least one role: {', '.join(ROLES)}."
Roles = Annotated[list[Role], Field(min_length=1, max_length=MAX_SCOPE_ITEMS), Says(CHOOSE_ROLE)]


class StaffScope(Body):
    """Roles, areas and schools, as an invitation gives them and an admin changes them (each entry once)."""

    roles: Roles = Field(default_factory=list, title="Roles")
    areas: Annotated[
        list[Slug],
        Field(max_length=MAX_SCOPE_ITEMS),
        Says("One of the areas is not one we know. Choose from the list."),
    ] = Field(default_factory=list, title="Areas")
    schools: Annotated[
        list[Urn],
        Field(max_length=MAX_SCOPE_ITEMS),
        Says("One of the schools is not one we know. Choose from the list."),
    ] = Field(default_factory=list, title="Schools")

    @field_validator("roles", "areas", "schools")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class StaffInvitation(StaffScope):
    """POST /api/v1/admin/invitations: who is invited, with which roles and scope."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254)] = Field(
        title="Email address"
    )
    roles: Roles = Field(title="Roles")
    display_name: DisplayName = Field("", title="Name")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_RE.fullmatch(value):
            raise refuse("Give a valid email address.")
        return value


class StaffChanges(StaffScope, Changes):
    """PATCH /api/v1/admin/users/{id}: only the fields sent are changed."""

    display_name: DisplayName = Field("", title="Name")
    is_active: Annotated[bool, Says("Choose whether the account is active.")] = Field(True, title="Active")
