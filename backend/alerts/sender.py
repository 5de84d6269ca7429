"""Web Push sender: encrypt (aes128gcm), sign (VAPID) and POST over one shared httpx client."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from dataclasses import dataclass
from typing import Protocol

import httpx
from pywebpush import WebPusher

from backend.alerts.endpoints import PushEndpointPolicy, outbound_policy
from backend.alerts.transport import AiohttpTransport
from backend.alerts.vapid import VapidSigner
from backend.params import whole_number

MAX_PLAINTEXT_BYTES = 3993  # 4096-byte record - 86-byte aes128gcm header - 16-byte tag - 1 delimiter
URGENCIES = ("very-low", "low", "normal", "high")
MAX_RETRY_AFTER_S = 86_400.0
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=10.0, write=10.0, pool=30.0)


class PayloadTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class PushTarget:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class PushResult:
    """What the push service said; status None means no HTTP answer (timeout or connection error)."""

    status: int | None
    retry_after_s: float | None = None
    error: str | None = None
    elapsed_s: float = 0.0


class PushSender(Protocol):
    async def send(
        self, *, target: PushTarget, payload: bytes, ttl_s: int, urgency: str, topic: str | None
    ) -> PushResult: ...


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Retry-After is delta-seconds or an HTTP date (seconds from now, 0 for a past date; capped at a day)."""
    if not value:
        return None
    value = value.strip()
    seconds = whole_number(value, saturate_at=int(MAX_RETRY_AFTER_S))
    if seconds is not None:
        return float(seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return min(MAX_RETRY_AFTER_S, max(0.0, (when - now).total_seconds()))


def encrypt(*, target: PushTarget, payload: bytes) -> bytes:
    if len(payload) > MAX_PLAINTEXT_BYTES:
        raise PayloadTooLarge(f"payload is {len(payload)} bytes; Web Push allows {MAX_PLAINTEXT_BYTES}")
    info = {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
    return bytes(WebPusher(info).encode(payload, content_encoding="aes128gcm")["body"])


class WebPushSender:
    """The real sender. One instance (and so one connection pool) per worker."""

    def __init__(self, *, client: httpx.AsyncClient, signer: VapidSigner) -> None:
        self.client = client
        self.signer = signer

    async def send(
        self, *, target: PushTarget, payload: bytes, ttl_s: int, urgency: str, topic: str | None
    ) -> PushResult:
        started = time.perf_counter()
        body = encrypt(target=target, payload=payload)  # ~0.2 ms: cheaper than a thread hop
        headers = {
            "Authorization": self.signer.authorization(target.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(max(0, int(ttl_s))),
            "Urgency": urgency if urgency in URGENCIES else "normal",
        }
        if topic:
            headers["Topic"] = topic
        try:
            response = await self.client.post(target.endpoint, content=body, headers=headers)
        except httpx.TimeoutException:
            return PushResult(None, error="timeout", elapsed_s=time.perf_counter() - started)
        except httpx.HTTPError as exc:
            return PushResult(None, error=type(exc).__name__, elapsed_s=time.perf_counter() - started)
        return PushResult(
            response.status_code,
            retry_after_s=parse_retry_after(response.headers.get("Retry-After")),
            elapsed_s=time.perf_counter() - started,
        )


def make_client(
    *,
    max_connections: int = 100,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    policy: PushEndpointPolicy | None = None,
) -> httpx.AsyncClient:
    """Explicit timeouts, no redirects (a redirect could point anywhere), bounded pool on aiohttp's transport.

    With `policy`, every resolved address is checked by the shared outbound guard before connecting.
    """
    guard = outbound_policy(policy) if policy is not None else None
    return httpx.AsyncClient(
        transport=AiohttpTransport(max_connections=max_connections, policy=guard),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
