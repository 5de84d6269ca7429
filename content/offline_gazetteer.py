"""A compact copy of an area's schools and postcodes for the phone, so school and postcode search work offline.

Coordinates are whole numbers of 1e-5 degree (about a metre) from the area's south-west corner; postcodes are
grouped by sector ("SE5 7") so the shared part is written once. `pwa/js/gazetteer.js` reads this format.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from content.areas import AreaPack

SCALE = 100_000
FORMAT = 1


def compact_gazetteer(pack: AreaPack) -> dict[str, Any]:
    """The area's schools and postcodes in the compact offline format (deterministic for the same pack)."""
    min_lon, min_lat = pack.bbox[0], pack.bbox[1]
    origin = [round(min_lat, 5), round(min_lon, 5)]

    def offset(lat: float, lon: float) -> list[int]:
        return [round((lat - origin[0]) * SCALE), round((lon - origin[1]) * SCALE)]

    schools = [
        [s.urn, s.name, s.postcode, s.phase, *offset(s.lat, s.lon)]
        for s in sorted(pack.schools, key=lambda s: s.urn)
    ]
    sectors: dict[str, list[list[Any]]] = {}
    for code in sorted(pack.postcodes):
        pc = pack.postcodes[code]
        sectors.setdefault(code[:-2], []).append([code[-2:], *offset(pc.lat, pc.lon)])
    body: dict[str, Any] = {
        "format": FORMAT,
        "area": pack.slug,
        "scale": SCALE,
        "origin": origin,
        "schools": schools,
        "postcodes": sectors,
    }
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    body["version"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return body
