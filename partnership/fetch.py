"""Fetch police.uk street-level crimes for an area from the police.uk API, through the outbound guard.

`GET /crimes-street-dates` lists the months available; `POST /crimes-street/all-crime` with
`poly=lat,lng:lat,lng:...` and `date=YYYY-MM` returns one month for a polygon (police.uk answers 503 above
10,000 crimes; a London borough month is well under that). Responses are returned as text and imported exactly
like an uploaded API JSON file.

Every request goes through `outbound.GuardedTransport` (scheme, port, host list, every resolved address not
private or loopback, re-checked on each redirect hop), like every other fetch the server makes. Tests pass a
policy that opens one loopback port, the same switch the push and website-audit tests use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from outbound import GuardedTransport, OutboundPolicy, UrlRefused

DEFAULT_API = "https://data.police.uk/api"
MAX_POLY_POINTS = 100
MAX_REDIRECTS = 3


class FetchUnavailable(Exception):
    """police.uk answered but not with the data (an error status, unreadable JSON); a sentence for the operator."""


class Offline(FetchUnavailable):
    """police.uk could not be reached at all (no DNS answer, connection refused, timeout): the server is offline."""


class FetchRefused(FetchUnavailable):
    """The outbound guard refused the address (a private or loopback address, a port or host not allowed)."""


def policy_for(api_base: str, *, allow_loopback: bool = False) -> OutboundPolicy:
    """The guard's policy for the police.uk API: only its host; loopback only on its own port, when allowed."""
    parts = urlsplit(api_base)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return OutboundPolicy(
        schemes=("https", "http") if allow_loopback else ("https",),
        allowed_hosts=(host,),
        allow_loopback=allow_loopback,
        loopback_ports=(port,) if allow_loopback else (),
    )


def make_client(
    api_base: str,
    *,
    policy: OutboundPolicy,
    timeout_s: float = 60.0,
    inner: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An httpx client whose every request (and every redirect hop) passes the outbound guard."""
    return httpx.AsyncClient(
        base_url=api_base.rstrip("/"),
        transport=GuardedTransport(policy=policy, inner=inner),
        timeout=timeout_s,
        follow_redirects=True,  # each hop is a new request through the guarded transport
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
    )


def poly_param(boundary: Any) -> str:
    """The area's outer ring as police.uk's `lat,lng:lat,lng` (simplified to at most MAX_POLY_POINTS points)."""
    geom = boundary.convex_hull if boundary.geom_type != "Polygon" else boundary
    tolerance = 0.0002
    ring = list(geom.exterior.coords)
    while len(ring) > MAX_POLY_POINTS:
        ring = list(geom.simplify(tolerance, preserve_topology=True).exterior.coords)
        tolerance *= 2
    return ":".join(f"{lat:.5f},{lon:.5f}" for lon, lat in ring)


def _failure(exc: Exception, what: str) -> FetchUnavailable:
    if isinstance(exc, UrlRefused):
        if exc.code == "unresolvable":
            return Offline("police.uk cannot be reached (its name does not resolve)")
        return FetchRefused(f"the outbound guard refused the police.uk address: {exc.message}")
    if isinstance(exc, httpx.TooManyRedirects):
        return FetchUnavailable(f"police.uk redirected too many times for {what}")
    if isinstance(exc, httpx.TransportError):  # connect errors, timeouts, dropped connections
        return Offline(f"police.uk cannot be reached ({type(exc).__name__})")
    return FetchUnavailable(f"police.uk did not answer for {what} ({type(exc).__name__})")


async def latest_months(client: httpx.AsyncClient, n: int) -> list[str]:
    """The newest `n` months police.uk holds (newest first)."""
    try:
        r = await client.get("/crimes-street-dates")
    except (UrlRefused, httpx.HTTPError) as exc:
        raise _failure(exc, "its list of months") from None
    if r.status_code != 200:
        raise FetchUnavailable(f"police.uk answered {r.status_code} when asked for its list of months")
    try:
        data = r.json()
    except ValueError:
        raise FetchUnavailable("police.uk's list of months was not readable JSON") from None
    months = sorted(
        (str(d.get("date", "")) for d in data if isinstance(d, dict)) if isinstance(data, list) else (),
        reverse=True,
    )
    return months[:n]


async def fetch_month(client: httpx.AsyncClient, boundary: Any, month: str) -> str:
    """One month of the area's street-level crimes as the API's JSON text."""
    try:
        r = await client.post("/crimes-street/all-crime", data={"poly": poly_param(boundary), "date": month})
    except (UrlRefused, httpx.HTTPError) as exc:
        raise _failure(exc, month) from None
    if r.status_code == 503:
        raise FetchUnavailable(f"police.uk says {month} has too many crimes for one request in this area")
    if r.status_code != 200:
        raise FetchUnavailable(f"police.uk answered {r.status_code} for {month}")
    return str(r.text)


def months_to_fetch(available: Sequence[str], held: Sequence[str]) -> list[str]:
    """Months police.uk has that this area does not hold yet, oldest first."""
    return sorted(set(available) - set(held))
