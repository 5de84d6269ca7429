"""Turning what a person typed (a point, a school, a postcode) into a place inside a served area."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.errors import ApiError
from backend.state import AppState
from content.areas import normalise_postcode

LATLON_RE = re.compile(r"^\s*(-?\d{1,3}(?:\.\d{1,15})?)\s*,\s*(-?\d{1,3}(?:\.\d{1,15})?)\s*\Z", re.ASCII)


@dataclass(frozen=True)
class ResolvedPoint:
    area: str
    lat: float
    lon: float
    label: str
    kind: str


def area_for_point(state: AppState, lat: float, lon: float) -> str | None:
    for slug, pack in state.areas.items():
        if pack.contains(lat, lon):
            return slug
    return None


def _outside(label: str) -> ApiError:
    return ApiError(422, "outside_areas", f"{label} is outside the areas WayHome covers.", {"areas": []})


def resolve_point(state: AppState, text: str, *, field: str = "point") -> ResolvedPoint:
    """`lat,lon`, `school:URN` or `postcode:SE15 5JR` -> a point in a served area, or a 422."""
    text = (text or "").strip()
    if len(text) > 100:
        raise ApiError(422, "invalid_point", f"'{field}' is too long.", {"param": field})
    lowered = text.lower()
    if lowered.startswith("school:"):
        urn = text.split(":", 1)[1].strip()
        for pack in state.areas.values():
            school = pack.school(urn)
            if school is not None:
                return ResolvedPoint(pack.slug, school.lat, school.lon, school.name, "school")
        raise ApiError(
            422,
            "unknown_school",
            f"No school with URN {urn[:12]!r} in the areas WayHome covers.",
            {"param": field},
        )
    if lowered.startswith("postcode:"):
        raw = text.split(":", 1)[1]
        normal = normalise_postcode(raw)
        if normal is None:
            raise ApiError(
                422,
                "invalid_postcode",
                "That does not look like a UK postcode (e.g. SE15 5JR).",
                {"param": field},
            )
        for pack in state.areas.values():
            found = pack.postcode(normal)
            if found is not None:
                return ResolvedPoint(pack.slug, found.lat, found.lon, found.postcode, "postcode")
        raise ApiError(
            422,
            "unknown_postcode",
            f"{normal} is not a postcode in the areas WayHome covers.",
            {"param": field},
        )
    match = LATLON_RE.match(text)
    if match is None:
        raise ApiError(
            422,
            "invalid_point",
            f"'{field}' must be 'lat,lon', 'school:URN' or 'postcode:SE15 5JR'.",
            {"param": field},
        )
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ApiError(
            422, "invalid_point", f"'{field}' has a latitude or longitude out of range.", {"param": field}
        )
    area = area_for_point(state, lat, lon)
    if area is None:
        raise _outside("That point")
    return ResolvedPoint(area, lat, lon, f"{lat:.5f},{lon:.5f}", "point")
