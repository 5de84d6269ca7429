"""The one outbound-URL guard for everything the server fetches (push endpoints, website audits, ...).

Pure: imports no web framework, database or WayHome package, so `backend` and `havens` can both use it.
"""

from __future__ import annotations

from outbound.guard import (
    OutboundPolicy,
    UrlRefused,
    address_refusal,
    check_url,
    resolve_allowed,
)
from outbound.transport import GuardedTransport, fetch_following_redirects

__all__ = [
    "GuardedTransport",
    "OutboundPolicy",
    "UrlRefused",
    "address_refusal",
    "check_url",
    "fetch_following_redirects",
    "resolve_allowed",
]
