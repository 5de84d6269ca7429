"""An httpx transport on aiohttp's connection pool, for the push fan-out.

httpx's own pool costs ~2 ms of CPU per request here and its throughput falls as concurrency rises
(encode/httpx#3215), which makes a concurrent fan-out slower than a sequential one. The sender keeps the
httpx.AsyncClient API (timeouts, no redirects, one shared client) and swaps only the transport.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from outbound import OutboundPolicy, address_refusal

MAX_RESPONSE_BYTES = 64_000  # push services answer with a few bytes; never buffer more


class GuardedResolver(AbstractResolver):
    """Resolves with aiohttp's threaded resolver and drops every address the outbound guard refuses,
    so the push connection goes only to a checked address (no DNS rebinding to an internal host)."""

    def __init__(self, policy: OutboundPolicy) -> None:
        self._policy = policy
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        allowed = [
            a for a in answers
            if address_refusal(ipaddress.ip_address(a["host"]), port=port, policy=self._policy) is None
        ]  # fmt: skip
        if not allowed:
            raise OSError(f"no allowed address for {host}")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    def __init__(
        self, *, max_connections: int = 100, keepalive_s: float = 30.0, policy: OutboundPolicy | None = None
    ) -> None:
        self._policy = policy
        self._limit = max_connections
        self._keepalive_s = keepalive_s
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._limit,
                limit_per_host=self._limit,
                keepalive_timeout=self._keepalive_s,
                resolver=GuardedResolver(self._policy) if self._policy is not None else None,
            )
            self._session = aiohttp.ClientSession(connector=connector, auto_decompress=False, trust_env=False)
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        t: dict[str, Any] = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None, connect=t.get("pool"), sock_connect=t.get("connect"), sock_read=t.get("read")
        )
        body = await request.aread()
        try:
            async with self._get_session().request(
                request.method,
                str(request.url),
                headers=[(k, v) for k, v in request.headers.multi_items() if k.lower() != "host"],
                data=body,
                allow_redirects=False,
                timeout=timeout,
            ) as response:
                content = await response.content.read(MAX_RESPONSE_BYTES)
                return httpx.Response(
                    status_code=response.status,
                    headers=[(k, v) for k, v in response.headers.items()],
                    content=content,
                    request=request,
                )
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise httpx.TimeoutException(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.NetworkError(str(exc), request=request) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
