"""Offline place search over the area packs: postcodes, school names and street names.

Nothing is sent to a third-party geocoder, so what a young person types never leaves the deployment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from content.areas import AreaPack, normalise_postcode

OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?( ?[0-9][A-Z]?)?$")


@dataclass(frozen=True)
class Candidate:
    label: str
    kind: str  # "postcode" | "school" | "street"
    lat: float
    lon: float
    area: str
    ref: str  # what to pass as a route endpoint: "postcode:...", "school:URN" or "lat,lon"

    def as_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "kind": self.kind,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "area": self.area,
            "ref": self.ref,
        }


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _name_score(query_words: list[str], name: str) -> float:
    """0 when a query word matches no word of the name; higher for prefix and whole-word matches."""
    name_words = _words(name)
    score = 0.0
    for q in query_words:
        best = 0.0
        for w in name_words:
            if w == q:
                best = max(best, 2.0)
            elif w.startswith(q):
                best = max(best, 1.0)
        if best == 0.0:
            return 0.0
        score += best
    return score + (0.5 if name.lower().startswith(" ".join(query_words)) else 0.0)


def search(packs: list[AreaPack], query: str, *, limit: int = 8) -> list[Candidate]:
    text = query.strip()
    if not text:
        return []
    upper = re.sub(r"\s+", " ", text.upper())
    full = normalise_postcode(upper)
    results: list[tuple[float, Candidate]] = []
    if full is not None:
        for pack in packs:
            pc = pack.postcode(full)
            if pc is not None:
                results.append(
                    (
                        100.0,
                        Candidate(
                            pc.postcode, "postcode", pc.lat, pc.lon, pack.slug, f"postcode:{pc.postcode}"
                        ),
                    )
                )
    elif OUTWARD_RE.match(upper):
        prefix = upper if " " in upper else upper + " "
        for pack in packs:
            for code, pc in pack.postcodes.items():
                if code.startswith(prefix) or code.replace(" ", "").startswith(upper.replace(" ", "")):
                    results.append(
                        (
                            50.0 - len(code) / 100,
                            Candidate(code, "postcode", pc.lat, pc.lon, pack.slug, f"postcode:{code}"),
                        )
                    )
                if len(results) > 200:
                    break
    query_words = _words(text)
    if query_words:
        for pack in packs:
            for school in pack.schools:
                s = _name_score(query_words, school.name)
                if s:
                    results.append(
                        (
                            10 + s,
                            Candidate(
                                f"{school.name} ({school.postcode})",
                                "school",
                                school.lat,
                                school.lon,
                                pack.slug,
                                f"school:{school.urn}",
                            ),
                        )
                    )
            for row in _streets(pack):
                s = _name_score(query_words, row[0])
                if s:
                    results.append(
                        (
                            5 + s,
                            Candidate(
                                row[0], "street", row[1], row[2], pack.slug, f"{row[1]:.6f},{row[2]:.6f}"
                            ),
                        )
                    )
    results.sort(key=lambda pair: (-pair[0], pair[1].label))
    seen: set[tuple[str, str]] = set()
    unique = []
    for _, cand in results:
        key = (cand.ref, cand.area)
        if key not in seen:
            seen.add(key)
            unique.append(cand)
    return unique[:limit]


def _streets(pack: AreaPack) -> list[tuple[str, float, float]]:
    cached = pack._cache.get("street_names")
    if cached is None:
        path = pack.path / "street_names.csv"
        cached = (
            [(r["name"], float(r["lat"]), float(r["lon"])) for r in pack.read_rows("street_names.csv")]
            if path.exists()
            else []
        )
        pack._cache["street_names"] = cached
    return list(cached)
