"""A route across Wood Green whose safer feature officer hotspots can move, and how far a route passes a point."""

from __future__ import annotations

import math
from typing import Any

import httpx

AREA = "north-london-demo"
ROUTE = {
    "from": "51.6010,-0.1105",
    "to": "51.6120,-0.1250",
    "at": "2026-11-26T12:00:00+00:00",
    "max_detour_pct": "100",
    "max_detour_m": "3000",
}


def min_distance_m(coords: list[list[float]], lat: float, lon: float) -> float:
    """The closest a route's [lon, lat] coordinates come to a point, in metres (equirectangular: short spans)."""
    k = math.cos(math.radians(lat))
    return min(math.hypot((c[0] - lon) * k, c[1] - lat) * 111_195 for c in coords)


async def safer_feature(client: httpx.AsyncClient) -> dict[str, Any]:
    """The `safer` feature of ROUTE as the API serves it now."""
    r = await client.get("/api/v1/routes", params=ROUTE)
    assert r.status_code == 200, r.text
    feature: dict[str, Any] = r.json()["features"][1]
    return feature
