"""Area data packs: `content/areas/<slug>/` loaded into plain objects.

A pack is a polygon with its own schools, postcodes, crime counts and street extracts, so one deployment can
serve several areas. Packs are built from open data by `scripts/build_area_packs.py`; nothing here touches the
web or a database.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

AREAS_DIR = Path(__file__).resolve().parent / "areas"
POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")


class AreaPackError(ValueError):
    """A pack is missing or malformed."""


def normalise_postcode(text: str) -> str | None:
    """'se155jr' -> 'SE15 5JR'; None when it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", text.upper())
    if not 5 <= len(compact) <= 7:
        return None
    spaced = f"{compact[:-3]} {compact[-3:]}"
    return spaced if POSTCODE_RE.fullmatch(spaced) else None


@dataclass(frozen=True)
class School:
    urn: str
    name: str
    phase: str
    type: str
    gender: str
    postcode: str
    lat: float
    lon: float
    website: str
    area: str


@dataclass(frozen=True)
class Postcode:
    postcode: str
    lat: float
    lon: float
    lsoa11cd: str
    area: str


@dataclass
class AreaPack:
    """One area's data pack. Heavy tables are read lazily and cached."""

    slug: str
    path: Path
    manifest: dict[str, Any]
    boundary: BaseGeometry
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    @property
    def bbox(self) -> list[float]:
        return [float(v) for v in self.manifest["bbox"]]

    @property
    def data_as_of(self) -> dict[str, str]:
        return dict(self.manifest["data_as_of"])

    @property
    def streets_coverage(self) -> str:
        return str(self.manifest["streets"]["coverage"])

    @property
    def osm_files(self) -> list[Path]:
        return [self.path / rel for rel in self.manifest["streets"]["osm_files"]]

    @property
    def attribution_markdown(self) -> str:
        return (self.path / "ATTRIBUTION.md").read_text(encoding="utf-8")

    def contains(self, lat: float, lon: float) -> bool:
        return bool(self.boundary.contains(shapely.Point(lon, lat)))

    def read_rows(self, name: str) -> list[dict[str, str]]:
        """Rows of one of the pack's CSV files, as strings."""
        with (self.path / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def read_csv(self, name: str) -> Any:
        """A pack CSV as a pandas DataFrame (pandas is imported only when needed)."""
        import pandas as pd

        return pd.read_csv(self.path / name, dtype={"urn": str})

    @property
    def schools(self) -> list[School]:
        if "schools" not in self._cache:
            self._cache["schools"] = [
                School(
                    urn=r["urn"],
                    name=r["name"],
                    phase=r["phase"],
                    type=r["type"],
                    gender=r["gender"],
                    postcode=r["postcode"],
                    lat=float(r["lat"]),
                    lon=float(r["lon"]),
                    website=r["website"],
                    area=self.slug,
                )
                for r in self.read_rows("schools.csv")
            ]
        return list(self._cache["schools"])

    def school(self, urn: str) -> School | None:
        if "schools_by_urn" not in self._cache:
            self._cache["schools_by_urn"] = {s.urn: s for s in self.schools}
        found: School | None = self._cache["schools_by_urn"].get(urn.strip())
        return found

    @property
    def postcodes(self) -> dict[str, Postcode]:
        if "postcodes" not in self._cache:
            self._cache["postcodes"] = {
                r["postcode"]: Postcode(
                    r["postcode"], float(r["lat"]), float(r["lon"]), r["lsoa11cd"], self.slug
                )
                for r in self.read_rows("postcodes.csv")
            }
        return dict(self._cache["postcodes"])

    def postcode(self, text: str) -> Postcode | None:
        normal = normalise_postcode(text)
        if normal is None:
            return None
        self.postcodes  # noqa: B018  (fills the cache)
        found: Postcode | None = self._cache["postcodes"].get(normal)
        return found

    def lsoa_of_postcode(self, text: str) -> str | None:
        """The LSOA of a postcode in this pack, as partnership imports place a row given by postcode."""
        found = self.postcode(text)
        return found.lsoa11cd if found else None

    @property
    def lsoa_codes(self) -> frozenset[str]:
        """Codes of every LSOA in the pack's `lsoa.geojson` (its own and those along its edge)."""
        if "lsoa_codes" not in self._cache:
            features = json.loads((self.path / "lsoa.geojson").read_text(encoding="utf-8"))["features"]
            self._cache["lsoa_codes"] = frozenset(str(f["properties"].get("LSOA11CD")) for f in features)
        codes: frozenset[str] = self._cache["lsoa_codes"]
        return codes


def load_area(slug: str, *, areas_dir: Path = AREAS_DIR) -> AreaPack:
    path = areas_dir / slug
    manifest_path = path / "manifest.json"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", slug) or not manifest_path.is_file():
        raise AreaPackError(f"no area pack named {slug!r} in {areas_dir}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    boundary = shape(json.loads((path / "boundary.geojson").read_text(encoding="utf-8"))["geometry"])
    shapely.prepare(boundary)
    return AreaPack(slug=slug, path=path, manifest=manifest, boundary=boundary)


def available_areas(*, areas_dir: Path = AREAS_DIR) -> list[str]:
    return sorted(p.name for p in areas_dir.iterdir() if (p / "manifest.json").is_file())


@functools.cache
def _cached_load(slug: str, areas_dir: Path) -> AreaPack:
    return load_area(slug, areas_dir=areas_dir)


def load_all_areas(
    slugs: tuple[str, ...] | None = None, *, areas_dir: Path = AREAS_DIR
) -> dict[str, AreaPack]:
    """All requested packs (every available one when `slugs` is None), shared across app instances."""
    chosen = slugs if slugs else tuple(available_areas(areas_dir=areas_dir))
    return {slug: _cached_load(slug, areas_dir) for slug in chosen}
