"""Errors of the pupil-flow insights domain (`backend/errors.py:DOMAIN_STATUS` maps them to HTTP)."""

from __future__ import annotations

from backend.domain_errors import DomainError


class InsightsError(DomainError):
    """Anything the insights domain refuses."""


class CountsInvalid(InsightsError):
    """An uploaded file of pupil counts cannot be imported (rows to fix)."""


class InsightsNotReady(InsightsError):
    """The analysis needs something first: finish times for the day, or the area's streets."""
