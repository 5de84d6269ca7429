"""An httpx transport that checks every request with the guard and connects to the checked address.

The request goes to the resolved IP while `Host` and TLS SNI (and certificate checks) keep the site name, so a
DNS answer that changes between the check and the connection (rebinding) cannot redirect it. Redirects are
never followed by the client: `fetch_following_redirects` follows them hop by hop, each hop through this
transport, so each one is checked again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from outbound.guard import OutboundPolicy, UrlRefused, check_url, resolve_allowed

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})


class GuardedTransport(httpx.AsyncBaseTransport):
    def __init__(self, *, policy: OutboundPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self._inner = inner or httpx.AsyncHTTPTransport(retries=0, trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        parts = check_url(str(request.url), policy=self.policy)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = await resolve_allowed(host, port, policy=self.policy)
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=str(addresses[0])),
            headers=request.headers,  # keeps Host: <site name>
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": host},
        )
        response = await self._inner.handle_async_request(pinned)
        response.request = request
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class FetchOutcome:
    """What one guarded GET found, after following redirects."""

    url: str
    final_url: str
    status: int | None = None
    hops: list[tuple[int, str]] = field(default_factory=list)  # (status, location) per redirect
    content_sha256: str | None = None
    refused: UrlRefused | None = None
    error: str | None = None

    @property
    def moved_permanently(self) -> bool:
        return any(status in PERMANENT_REDIRECTS for status, _ in self.hops)


async def fetch_following_redirects(
    client: httpx.AsyncClient, url: str, *, max_hops: int = 5, max_body_bytes: int = 2_000_000
) -> FetchOutcome:
    """GET `url` through `client` (a GuardedTransport, follow_redirects=False), re-checking every hop.

    Hashes at most `max_body_bytes` of the final body so a change of content can be noticed.
    """
    outcome = FetchOutcome(url=url, final_url=url)
    current = url
    try:
        for _ in range(max_hops + 1):
            async with client.stream("GET", current) as response:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    nxt = urljoin(current, location)
                    outcome.hops.append((response.status_code, nxt))
                    current = nxt
                    outcome.final_url = nxt
                    continue
                outcome.status = response.status_code
                outcome.final_url = current
                digest = hashlib.sha256()
                read = 0
                async for chunk in response.aiter_bytes():
                    digest.update(chunk[: max(0, max_body_bytes - read)])
                    read += len(chunk)
                    if read >= max_body_bytes:
                        break
                outcome.content_sha256 = digest.hexdigest()
                return outcome
        outcome.error = "too_many_redirects"
    except UrlRefused as exc:
        outcome.refused = exc
    except httpx.TimeoutException:
        outcome.error = "timeout"
    except httpx.HTTPError as exc:
        outcome.error = type(exc).__name__
    return outcome
