"""Errors of the accounts domain, in its own words; `backend/errors.py:DOMAIN_STATUS` maps each class to HTTP.

Sign-in, sessions, roles and user management raise these, so the domain never names a status code; a class that
asks the person to wait carries `retry_after_s`, which the API turns into a Retry-After header.
"""

from __future__ import annotations

from typing import Any

from backend.domain_errors import DomainError


class AccountInvalid(DomainError):
    """What was sent cannot be used (a field to fix)."""


class AccountConflict(DomainError):
    """The change clashes with an existing account (an email already in use)."""


class InvitationNotValid(DomainError):
    """The invitation link is unknown, used or expired."""


class NotSignedIn(DomainError):
    """No valid session, or the credentials or second step were not right."""


class NotAllowed(DomainError):
    """Signed in, but this role, scope or request may not do this."""


class TooManyAttempts(DomainError):
    """Sign-in throttled: wait `retry_after_s` seconds."""

    def __init__(
        self, code: str, message: str, details: dict[str, Any] | None = None, *, retry_after_s: int
    ) -> None:
        super().__init__(code, message, details)
        self.retry_after_s = retry_after_s


class HashingBusy(DomainError):
    """More sign-ins are waiting for a password check than the pool will queue; try again in a moment."""

    retry_after_s = 2

    def __init__(self) -> None:
        super().__init__("busy", "Many people are signing in right now. Try again in a few seconds.")
