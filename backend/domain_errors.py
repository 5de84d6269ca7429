"""The base of every domain's errors: a stable `code`, a sentence the person can act on, and form `details`.

Domains raise their own subclasses (notices, hotspots, ...); `backend/errors.py:DOMAIN_STATUS` is the one place
that says which HTTP status each class means, so domain code never speaks HTTP.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}
