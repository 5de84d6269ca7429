"""Rate limits for public endpoints that cost work, as ASGI middleware keyed by path prefix + address.

The address is coarsened (/24, /48) and HMAC'd with the installation secret before it is used as a key, so
neither the database nor Redis ever holds it. Disabled when settings.rate_limits_enabled is False. A broken
counter store fails open (logged): losing the limit is better than hiding a Haven from a child.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.accounts.addresses import address_key, client_host, secret_key
from backend.ratelimit.counters import CounterStore, counter_store, hit

log = logging.getLogger("wayhome.accounts.ratelimit")


@dataclass(frozen=True)
class Rule:
    prefix: str
    limit: int
    window_s: int
    methods: frozenset[str] = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


# Generous: a whole school leaving at 15:20 shares one address (and one /24), and a 429 must never hide a Haven
# from a child in a hurry; these stop scraping loops and floods, not busy afternoons.
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("/api/v1/routes", limit=600, window_s=60),
    Rule("/api/v1/havens", limit=1200, window_s=60),
    Rule("/api/v1/geocode", limit=1200, window_s=60),
    Rule("/api/v1/push/subscriptions", limit=120, window_s=60),
    Rule("/api/v1/auth/accept-invitation", limit=10, window_s=600),
    # i12: public forms that store what they are sent (spam and abuse limits)
    Rule("/api/v1/safe-place-applications", limit=5, window_s=3600, methods=frozenset({"POST"})),
    Rule("/api/v1/safe-place-reports", limit=10, window_s=3600, methods=frozenset({"POST"})),
    # Anonymous survey answers: a class answering from one school network fits; a flood of fake answers does not.
    Rule("/api/v1/surveys", limit=300, window_s=3600, methods=frozenset({"POST"})),
)


def rule_for(path: str, method: str, rules: tuple[Rule, ...]) -> Rule | None:
    for rule in rules:
        if (path == rule.prefix or path.startswith(rule.prefix + "/")) and method in rule.methods:
            return rule
    return None


def too_many_body(retry_after_s: int, *, what: str) -> bytes:
    return json.dumps(
        {
            "error": {
                "code": "rate_limited",
                "message": f"Too many requests to {what}. Please wait {retry_after_s} seconds and try again.",
                "details": {"retry_after_s": retry_after_s},
            }
        }
    ).encode()


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Any = None, rules: tuple[Rule, ...] = DEFAULT_RULES) -> None:
        self.app = app
        self.settings = settings
        self.rules = rules
        self._stores: dict[str, CounterStore] = {}

    def _rules(self, settings: Any) -> tuple[Rule, ...]:
        """DEFAULT_RULES, with limits overridden by settings.rate_limits = {prefix: (limit, window_s)}."""
        overrides = getattr(settings, "rate_limits", None) or {}
        if not overrides:
            return self.rules
        rules = {rule.prefix: rule for rule in self.rules}
        for prefix, (limit, window_s) in overrides.items():
            methods = rules[prefix].methods if prefix in rules else Rule.methods
            rules[prefix] = Rule(prefix, limit=int(limit), window_s=int(window_s), methods=methods)
        return tuple(sorted(rules.values(), key=lambda r: -len(r.prefix)))

    def _store(self, settings: Any) -> CounterStore:
        url = getattr(settings, "redis_url", None) or ""
        store = self._stores.get(url)
        if store is None:
            store = self._stores[url] = counter_store(url or None)
        return store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = self.settings
        if settings is None and "app" in scope:
            settings = getattr(getattr(scope["app"].state, "wayhome", None), "settings", None)
        rule = rule_for(scope.get("path", ""), scope.get("method", "GET"), self._rules(settings))
        if rule is None or settings is None or not getattr(settings, "rate_limits_enabled", False):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        key = address_key(client_host(conn), secret=secret_key(conn), purpose=f"rl|{rule.prefix}")
        try:
            result = await hit(self._store(settings), key, limit=rule.limit, window_s=rule.window_s)
        except Exception as exc:
            log.warning(
                "rate limit store unavailable", extra={"reason": type(exc).__name__, "route": rule.prefix}
            )
            await self.app(scope, receive, send)
            return
        if result.allowed:
            await self.app(scope, receive, send)
            return
        body = too_many_body(result.retry_after_s, what=rule.prefix)
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(result.retry_after_s).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
