"""SSRF guard for push endpoints: only HTTPS on known push-service hosts, checked by the shared `outbound` guard."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from outbound import OutboundPolicy, UrlRefused, check_url

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


def outbound_policy(policy: PushEndpointPolicy) -> OutboundPolicy:
    """The shared outbound guard's policy for push: HTTPS on port 443 to listed hosts (loopback for tests)."""
    return OutboundPolicy(
        schemes=("https", "http") if policy.allow_loopback else ("https",),
        ports=(443,),
        allow_loopback=policy.allow_loopback,
        allowed_hosts=policy.allowed_hosts,
    )


def check_endpoint(url: str, *, policy: PushEndpointPolicy) -> str:
    """Return the endpoint unchanged when it is safe to POST to, else raise EndpointRefused."""
    if not isinstance(url, str) or not url:
        raise EndpointRefused("invalid_endpoint", "The push endpoint must be a non-empty URL.")
    if len(url) > MAX_ENDPOINT_LEN:
        raise EndpointRefused(
            "invalid_endpoint", f"The push endpoint is longer than {MAX_ENDPOINT_LEN} characters."
        )
    host = (urlsplit(url).hostname or "").lower().rstrip(".") if "://" in url else ""
    if (
        policy.allow_loopback
        and host == "localhost"
        and url.startswith(("http://localhost", "https://localhost"))
    ):
        return url
    try:
        parts = check_url(url, policy=outbound_policy(policy))
    except UrlRefused as exc:
        code = "invalid_endpoint" if exc.code == "invalid_url" else "endpoint_not_allowed"
        raise EndpointRefused(code, f"This push endpoint is refused. {exc.message}") from exc
    loopback = policy.allow_loopback and host.startswith(("127.", "[::1]", "::1"))
    if parts.scheme != "https" and not loopback:
        raise EndpointRefused("endpoint_not_allowed", "Push endpoints must use HTTPS.")
    return url
