"""Errors of the notices domain, in the domain's words; `backend/api` maps each class to an HTTP status.

`code` is stable for clients, `message` is a sentence the officer can act on, `details` names the form field.
"""

from __future__ import annotations

from backend.domain_errors import DomainError


class NoticeError(DomainError):
    """Anything the notices domain refuses."""


class NoticeInvalid(NoticeError):
    """What was sent cannot become a notice (a field to fix)."""


class NoticeConflict(NoticeError):
    """The notice is not in a state that allows this (sent, cancelled, changed meanwhile)."""


class SubscriptionInvalid(DomainError):
    """A push subscription's endpoint, keys or topics cannot be used (the browser or the app sent them wrong)."""
