"""ASGI middleware: request ids, the access log, security headers, size limits and the client's address.

The access log records the route template (e.g. /api/v1/schools/{urn}), never the query string or the
client's address, so coordinates and postcodes typed by young people never reach a log. An unexpected error is
answered here too, so a 500 carries the same headers and request id as every other response.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.accounts.addresses import forwarded_client, parse_networks
from backend.errors import error_response, handle_unexpected
from backend.params import whole_number
from backend.settings import Settings

access_log = logging.getLogger("wayhome.access")
MAX_PATH_CHARS = 512


def content_security_policy(settings: Settings) -> str:
    img = "'self' data: blob:"
    if settings.tile_url:
        from urllib.parse import urlsplit

        parts = urlsplit(settings.tile_url.replace("{s}", "a"))
        img += f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {img}",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


class SecurityMiddleware:
    """Adds a request id, security headers, no-store on API responses, and refuses oversized requests."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.headers = {
            "content-security-policy": content_security_policy(settings),
            "referrer-policy": "no-referrer",
            "permissions-policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
            "interest-cohort=(), browsing-topics=()",
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "cross-origin-opener-policy": "same-origin",
            "cross-origin-resource-policy": "same-origin",
        }
        self.trusted_proxies = parse_networks(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        self._resolve_client(scope)
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500, "started": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                self._decorate(MutableHeaders(scope=message), scope, request_id)
            await send(message)

        rejection = self._reject(scope)
        try:
            if rejection is not None:
                await error_response(*rejection)(scope, receive, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if status_holder["started"]:
                raise  # half a response is out: nothing sensible left to send
            response = await handle_unexpected(Request(scope), exc)
            await response(scope, receive, send_wrapper)
        access_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": scope["method"],
                "route": _route_template(scope),
                "status": status_holder["status"],
                "duration_ms": round(1000 * (time.perf_counter() - started), 2),
            },
        )

    def _resolve_client(self, scope: Scope) -> None:
        """Behind a trusted proxy, the client is the right-most untrusted X-Forwarded-For hop (and the scheme is
        the proxy's X-Forwarded-Proto); otherwise the TCP peer, whatever headers the client sent."""
        if not self.trusted_proxies or not scope.get("client"):
            return
        headers = scope.get("headers", [])
        forwarded = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
        client = forwarded_client(scope["client"][0], forwarded, trusted=self.trusted_proxies)
        if client is None:
            return
        scope["client"] = (client, 0)
        proto = [v.decode("latin-1").split(",")[-1].strip() for k, v in headers if k == b"x-forwarded-proto"]
        if proto and proto[-1] in ("http", "https"):
            scope["scheme"] = proto[-1]

    def _reject(self, scope: Scope) -> tuple[int, str, str, dict[str, Any]] | None:
        query = scope.get("query_string", b"")
        path = scope.get("path", "")
        if b"%00" in query or b"\x00" in query or "\x00" in path:
            # No field anywhere takes a NUL character, and PostgreSQL cannot store one in text.
            return (400, "invalid_characters", "The address contains a NUL character.", {})
        if len(path) > MAX_PATH_CHARS:
            # Also keeps 4,300-digit ids away from int() in the router's {id:int} converter.
            return (414, "uri_too_long", f"The address must be at most {MAX_PATH_CHARS} characters long.", {})
        if path.startswith("/api/") and not (path.isascii() and path.isprintable()):
            # Every id, URN and slug in an API path is plain ASCII: "²" or "١٢" is never one of them.
            return (
                404,
                "not_found",
                "Nothing here: WayHome addresses use only plain letters and digits.",
                {},
            )
        if len(query) > self.settings.max_query_bytes:
            return (
                414,
                "query_too_long",
                f"The query string must be at most {self.settings.max_query_bytes} bytes.",
                {"max_bytes": self.settings.max_query_bytes},
            )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                length = whole_number(
                    value, saturate_at=self.settings.max_body_bytes + 1
                )  # 5,000 digits: too large
                if length is None:
                    return (400, "bad_content_length", "Content-Length must be a whole number.", {})
                if length > self.settings.max_body_bytes:
                    return (
                        413,
                        "body_too_large",
                        f"The request body must be at most {self.settings.max_body_bytes} bytes.",
                        {"max_bytes": self.settings.max_body_bytes},
                    )
        return None

    def _decorate(self, headers: MutableHeaders, scope: Scope, request_id: str) -> None:
        for name, value in self.headers.items():
            headers.setdefault(name, value)
        headers["x-request-id"] = request_id
        if scope.get("scheme") == "https":
            headers.setdefault("strict-transport-security", "max-age=63072000; includeSubDomains")
        if scope["path"].startswith("/api/") and "cache-control" not in headers:
            headers["cache-control"] = "no-store"


def _route_template(scope: Scope) -> str:
    """The matched route's path template, so logs never carry identifiers typed into a URL."""
    app = scope.get("app")
    router = getattr(app, "router", None)
    if router is None:
        return "?"
    for route in router.routes:
        try:
            match, _ = route.matches(scope)
        except ValueError:  # a converter refused the value; the router answers 404 for it
            continue
        if match == Match.FULL:
            return str(getattr(route, "path", "?")) or "/"
    return "(unmatched)"
