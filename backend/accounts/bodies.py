"""The bodies staff send to sign in and look after their account: one type each (backend/bodies.py).

Passwords are never stripped or reshaped here: the password rules (`passwords.check_password_policy`) and the
hash see exactly what was typed. Lengths are bounds against abuse, not rules a person meets.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from backend.accounts.second_factor import valid_secret
from backend.bodies import Body, Says, refuse

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


class InvitationAcceptance(Body):
    """POST /api/v1/auth/accept-invitation."""

    token: Annotated[
        str, Field(min_length=10, max_length=200), Says("Open the link from your invitation email again.")
    ] = Field(title="Invitation link")
    password: Password = Field(title="Password")
    display_name: Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None,
        Says("Write the person's name in at most 120 characters."),
    ] = Field(None, title="Your name")
