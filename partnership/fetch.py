"""Fetch police.uk street-level crimes for an area from the police.uk API (the only host this module calls).

`https://data.police.uk/api/crimes-street-dates` lists the months available; `POST /api/crimes-street/all-crime`
with `poly=lat,lng:lat,lng:...` and `date=YYYY-MM` returns one month for a polygon (police.uk answers 503 above
10,000 crimes; a London borough month is well under that). Responses are returned as text and imported exactly
like an uploaded API JSON file.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

# WAYHOME_POLICEUK_API points elsewhere only for tests and mirrors; the default is police.uk itself.
API_BASE = os.environ.get("WAYHOME_POLICEUK_API", "https://data.police.uk/api").rstrip("/")
API_HOST = urlsplit(API_BASE).hostname or ""
API_PORT = urlsplit(API_BASE).port or 443
MAX_POLY_POINTS = 100


class FetchUnavailable(Exception):
    """police.uk could not be reached or refused the request; the message is a sentence for the operator."""


def reachable(timeout_s: float = 3.0) -> bool:
    try:
        with socket.create_connection((API_HOST, API_PORT), timeout=timeout_s):
            return True
    except OSError:
        return False


def poly_param(boundary: Any) -> str:
    """The area's outer ring as police.uk's `lat,lng:lat,lng` (simplified to at most MAX_POLY_POINTS points)."""
    geom = boundary.convex_hull if boundary.geom_type != "Polygon" else boundary
    tolerance = 0.0002
    ring = list(geom.exterior.coords)
    while len(ring) > MAX_POLY_POINTS:
        ring = list(geom.simplify(tolerance, preserve_topology=True).exterior.coords)
        tolerance *= 2
    return ":".join(f"{lat:.5f},{lon:.5f}" for lon, lat in ring)


def _client(timeout_s: float) -> Any:
    import httpx

    return httpx.Client(base_url=API_BASE, timeout=timeout_s, follow_redirects=False)


def latest_months(n: int, *, timeout_s: float = 20.0) -> list[str]:
    """The newest `n` months police.uk holds (newest first)."""
    import httpx

    try:
        with _client(timeout_s) as http:
            r = http.get("/crimes-street-dates")
            r.raise_for_status()
            data = r.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise FetchUnavailable(f"police.uk did not list its months ({type(exc).__name__}).") from None
    months = sorted((str(d.get("date", "")) for d in data if isinstance(d, dict)), reverse=True)
    return months[:n]


def fetch_month(boundary: Any, month: str, *, timeout_s: float = 60.0) -> str:
    """One month of the area's street-level crimes as the API's JSON text."""
    import httpx

    try:
        with _client(timeout_s) as http:
            r = http.post("/crimes-street/all-crime", data={"poly": poly_param(boundary), "date": month})
    except httpx.HTTPError as exc:
        raise FetchUnavailable(f"police.uk did not answer for {month} ({type(exc).__name__}).") from None
    if r.status_code == 503:
        raise FetchUnavailable(f"police.uk says {month} has too many crimes for one request in this area.")
    if r.status_code != 200:
        raise FetchUnavailable(f"police.uk answered {r.status_code} for {month}.")
    return str(r.text)


def months_to_fetch(available: Sequence[str], held: Sequence[str]) -> list[str]:
    """Months police.uk has that this area does not hold yet, oldest first."""
    return sorted(set(available) - set(held))
