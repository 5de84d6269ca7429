"""A real Web Push service on 127.0.0.1 for tests and benchmarks.

It does what FCM/Mozilla do to us: checks the VAPID JWT (signature, aud, exp, sub), decrypts the aes128gcm
body with the subscriber's private key (so a test sees exactly what a phone would), records it, and can be
scripted to answer 404/410/413/429 (+Retry-After)/500 or slowly.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import http_ece
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt as vapid_jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backend.alerts.vapid import b64url

_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@dataclass(frozen=True)
class Reply:
    status: int = 201
    retry_after: str | None = None
    delay_s: float = 0.0


@dataclass(frozen=True)
class Received:
    token: str
    plaintext: bytes
    ttl: str | None
    urgency: str | None
    topic: str | None
    at: float


@dataclass
class _Keys:
    private: ec.EllipticCurvePrivateKey
    auth: bytes


def derived_keys(seed: bytes, token: str) -> _Keys:
    """Deterministic subscriber keys, so a benchmark's service process and its sender agree without IPC."""
    digest = hashlib.sha256(seed + b"/" + token.encode()).digest()
    scalar = int.from_bytes(digest, "big") % (_P256_ORDER - 1) + 1
    auth = hashlib.sha256(b"auth/" + seed + token.encode()).digest()[:16]
    return _Keys(ec.derive_private_key(scalar, ec.SECP256R1()), auth)


def subscription_json(base_url: str, token: str, keys: _Keys) -> dict[str, Any]:
    public = keys.private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "endpoint": f"{base_url}/push/{token}",
        "keys": {"p256dh": b64url(public), "auth": b64url(keys.auth)},
    }


@dataclass
class LoopbackPushService:
    """Use `with LoopbackPushService() as svc:`; `svc.subscribe()` gives a browser-like subscription."""

    expected_vapid_key: str | None = None
    seed: bytes | None = None
    verify: bool = True
    received: list[Received] = field(default_factory=list)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    answered: list[tuple[str, int, float]] = field(default_factory=list)  # every push: token, status, time
    default_reply: Reply = field(default_factory=Reply)
    _keys: dict[str, _Keys] = field(default_factory=dict)
    _script: dict[str, deque[Reply]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _sock: socket.socket | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def subscribe(self, token: str | None = None) -> dict[str, Any]:
        token = token or secrets.token_urlsafe(12)
        keys = _Keys(ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16))
        self._keys[token] = keys
        return subscription_json(self.base_url, token, keys)

    def script(self, token_or_endpoint: str, *replies: Reply) -> None:
        token = token_or_endpoint.rsplit("/", 1)[-1]
        with self._lock:
            self._script.setdefault(token, deque()).extend(replies)

    def plaintexts(self, token_or_endpoint: str) -> list[bytes]:
        token = token_or_endpoint.rsplit("/", 1)[-1]
        return [r.plaintext for r in self.received if r.token == token]

    def _keys_for(self, token: str) -> _Keys | None:
        if token in self._keys:
            return self._keys[token]
        if self.seed is not None:
            return derived_keys(self.seed, token)
        return None

    def _next_reply(self, token: str) -> Reply:
        with self._lock:
            queue = self._script.get(token)
            if queue:
                return queue.popleft()
        return self.default_reply

    def _check_vapid(self, auth: str) -> str | None:
        scheme, _, rest = auth.partition(" ")
        if scheme.lower() != "vapid":
            return "authorization scheme is not vapid"
        parts = dict(p.split("=", 1) for p in rest.split(",") if "=" in p)
        token, key = parts.get("t"), parts.get("k")
        if not token or not key:
            return "missing t or k"
        if self.expected_vapid_key and key != self.expected_vapid_key:
            return "unexpected VAPID public key"
        try:
            claims = vapid_jwt.decode(token, key)
        except Exception:
            return "bad JWT signature"
        now = time.time()
        if claims.get("aud") != self.base_url:
            return "aud does not match this push service"
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= now or exp > now + 86400:
            return "exp missing, past or more than 24 h ahead"
        sub = str(claims.get("sub", ""))
        if not (sub.startswith("mailto:") or sub.startswith("https://")):
            return "sub is not mailto: or https:"
        return None

    async def _push(self, request: Request) -> Response:
        token = request.path_params["token"]
        body = await request.body()
        keys = self._keys_for(token)
        if keys is None:
            return Response(status_code=404)
        if self.verify:
            problem = self._check_vapid(request.headers.get("authorization", ""))
            if problem:
                self.rejected.append((token, 403, problem))
                return JSONResponse({"reason": problem}, status_code=403)
            if request.headers.get("content-encoding") != "aes128gcm" or "ttl" not in request.headers:
                self.rejected.append((token, 400, "encoding or TTL"))
                return JSONResponse({"reason": "need Content-Encoding aes128gcm and TTL"}, status_code=400)
        reply = self._next_reply(token)
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        self.answered.append((token, reply.status, time.time()))
        if reply.status >= 300:
            headers = {"Retry-After": reply.retry_after} if reply.retry_after else {}
            return Response(status_code=reply.status, headers=headers)
        if self.verify:
            try:
                plaintext = http_ece.decrypt(
                    body, private_key=keys.private, auth_secret=keys.auth, version="aes128gcm"
                )
            except Exception:
                self.rejected.append((token, 400, "decrypt failed"))
                return JSONResponse({"reason": "could not decrypt"}, status_code=400)
        else:
            plaintext = b""
        self.received.append(
            Received(
                token,
                plaintext,
                request.headers.get("ttl"),
                request.headers.get("urgency"),
                request.headers.get("topic"),
                time.time(),
            )
        )
        return Response(
            status_code=reply.status, headers={"Location": f"{self.base_url}/msg/{len(self.received)}"}
        )

    async def _stats(self, request: Request) -> Response:
        return JSONResponse({"received": len(self.received), "rejected": len(self.rejected)})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/push/{token}", self._push, methods=["POST"]),
                Route("/_stats", self._stats, methods=["GET"]),
            ]
        )

    def start(self) -> LoopbackPushService:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(
            self.app(),
            log_level="warning",
            access_log=False,
            lifespan="off",
            backlog=2048,
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.time() + 10
        while not self._server.started:
            if time.time() > deadline:
                raise RuntimeError("loopback push service did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> LoopbackPushService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """Run as its own process (benchmarks): keys are derived from --seed; prints the port, then serves."""
    parser = argparse.ArgumentParser(prog="loopback_push")
    parser.add_argument("--seed", required=True)
    parser.add_argument("--vapid-key", default=None)
    parser.add_argument("--delay-ms", type=float, default=0.0, help="added latency per push, like a real RTT")
    args = parser.parse_args()
    service = LoopbackPushService(
        expected_vapid_key=args.vapid_key,
        seed=args.seed.encode(),
        default_reply=Reply(201, delay_s=args.delay_ms / 1000),
    )
    service.start()
    print(service.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        service.stop()


if __name__ == "__main__":
    main()
