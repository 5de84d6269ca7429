"""The area packs are complete, consistent with their manifests, and rebuild deterministically."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backend.settings import ROOT
from content.areas import available_areas, load_area, normalise_postcode

SHARED = ROOT.parent / "shared" / "data"


def test_both_areas_are_available() -> None:
    assert {"southwark", "north-london-demo"} <= set(available_areas())


@pytest.mark.parametrize("slug", ["southwark", "north-london-demo"])
def test_pack_rows_lie_inside_the_area(slug: str) -> None:
    pack = load_area(slug)
    assert pack.schools, "every pack has schools"
    assert all(pack.contains(s.lat, s.lon) for s in pack.schools)
    assert all(f.exists() for f in pack.osm_files)
    attribution = (pack.path / "ATTRIBUTION.md").read_text()
    assert "© OpenStreetMap contributors, ODbL 1.0" in attribution
    assert "Contains OS data © Crown copyright" in attribution
    counts = pack.manifest["counts"]
    assert counts["schools"] == len(pack.schools)
    assert counts["postcodes"] == len(pack.postcodes)


def test_southwark_has_its_crime_points_and_peckham_postcode() -> None:
    pack = load_area("southwark")
    assert pack.postcode("se155jr") is not None
    with (pack.path / "street_crimes.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert sum(r["category"] == "possession-of-weapons" for r in rows) == 39
    assert pack.streets_coverage == "partial"


def test_postcode_normalisation() -> None:
    assert normalise_postcode(" se15  5jr ") == "SE15 5JR"
    assert normalise_postcode("SE15") is None
    assert normalise_postcode("12345") is None
    assert normalise_postcode("'; drop table") is None


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data")
def test_rebuilding_packs_from_sources_is_deterministic(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", copy / "scripts")
    (copy / "content" / "areas").mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            str(copy / "scripts" / "build_area_packs.py"),
            "--source",
            str(SHARED),
            "--only",
            "north-london-demo",
        ],
        check=True,
        capture_output=True,
    )

    def digest(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    assert digest(copy / "content" / "areas" / "north-london-demo") == digest(
        ROOT / "content" / "areas" / "north-london-demo"
    )
