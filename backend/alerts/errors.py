"""Errors of the notices domain, in the domain's words; `backend/api` maps each class to an HTTP status.

`code` is stable for clients, `message` is a sentence the officer can act on, `details` names the form field.
"""

from __future__ import annotations

from typing import Any


class NoticeError(Exception):
    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}


class NoticeInvalid(NoticeError):
    """What was sent cannot become a notice (a field to fix)."""


class NoticeConflict(NoticeError):
    """The notice is not in a state that allows this (sent, cancelled, changed meanwhile)."""
