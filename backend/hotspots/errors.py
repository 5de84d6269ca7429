"""Errors of the hotspots domain (`backend/errors.py:DOMAIN_STATUS` maps them to HTTP)."""

from __future__ import annotations

from backend.domain_errors import DomainError


class HotspotInvalid(DomainError):
    """A hotspot's place, size, weight or times cannot be used (a field to fix)."""
