"""SSRF guard for push endpoints: only HTTPS on known push-service hosts may receive our requests."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PUSH_HOSTS: tuple[str, ...] = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
    "*.push.apple.com",
)
MAX_ENDPOINT_LEN = 1024


class EndpointRefused(ValueError):
    """The endpoint is not one we will ever send to; `code` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PushEndpointPolicy:
    """Which push-service hosts are allowed; loopback HTTP only for tests and benchmarks."""

    allowed_hosts: tuple[str, ...] = DEFAULT_PUSH_HOSTS
    allow_loopback: bool = False


def _host_allowed(host: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        pattern = pattern.lower().strip()
        if pattern.startswith("*."):
            suffix = pattern[1:]
            if host.endswith(suffix) and len(host) > len(suffix):
                return True
        elif host == pattern:
            return True
    return False


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # Integer and dotted-octal/hex forms such as 2852039166 or 0xA9.0xFE.0xA9.0xFE are IPs too.
    parts = host.split(".")
    if parts and all(p and (p.isdigit() or p.lower().startswith("0x")) for p in parts):
        return ipaddress.IPv4Address(0)
    return None


def check_endpoint(url: str, *, policy: PushEndpointPolicy) -> str:
    """Return the endpoint unchanged when it is safe to POST to, else raise EndpointRefused."""
    if not isinstance(url, str) or not url:
        raise EndpointRefused("invalid_endpoint", "The push endpoint must be a non-empty URL.")
    if len(url) > MAX_ENDPOINT_LEN:
        raise EndpointRefused(
            "invalid_endpoint", f"The push endpoint is longer than {MAX_ENDPOINT_LEN} characters."
        )
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise EndpointRefused(
            "invalid_endpoint", "The push endpoint contains whitespace or control characters."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise EndpointRefused("invalid_endpoint", "The push endpoint is not a valid URL.") from exc
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise EndpointRefused("invalid_endpoint", "The push endpoint has no host.")
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused("endpoint_not_allowed", "Push endpoints with user credentials are refused.")
    ip = _ip_literal(host)
    if policy.allow_loopback and parts.scheme in ("http", "https") and ip is not None and ip.is_loopback:
        return url
    if policy.allow_loopback and parts.scheme in ("http", "https") and host == "localhost":
        return url
    if ip is not None:
        raise EndpointRefused(
            "endpoint_not_allowed", "Push endpoints must name a push service host, not an IP address."
        )
    if parts.scheme != "https":
        raise EndpointRefused("endpoint_not_allowed", "Push endpoints must use HTTPS.")
    if port not in (None, 443):
        raise EndpointRefused("endpoint_not_allowed", "Push endpoints must use the standard HTTPS port.")
    if not _host_allowed(host, policy.allowed_hosts):
        raise EndpointRefused(
            "endpoint_not_allowed",
            "This push service is not on the allowed list; use a current Chrome, Firefox, Edge or Safari.",
        )
    return url
