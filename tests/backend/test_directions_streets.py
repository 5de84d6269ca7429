"""`wayhome data streets --osm FILE` end to end, offline: the cached network replaces the pack's partial clips."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.directions import load_route_engines, street_files
from backend.settings import Settings
from content.areas import load_area
from routing.fetch import FetchError, cached_streets, fetch_streets
from routing.graph import freeze, graph_from_osm_files

ROOT = Path(__file__).resolve().parents[2]


def _cli(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WAYHOME_VAR_DIR": str(var_dir), "WAYHOME_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "data", "streets", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_streets_from_one_clip_reach_the_router(settings: Settings, tmp_path: Path) -> None:
    area = load_area("southwark")
    assert area.streets_coverage == "partial" and len(area.osm_files) >= 2
    clip = area.osm_files[-1]
    settings = settings.with_changes(artefacts_dir=tmp_path / "build")

    before = await load_route_engines(settings=settings, areas={"southwark": area})
    assert before["southwark"].streets_coverage == "partial"
    nodes_from_all_clips = before["southwark"].graph.n_nodes

    done = _cli(settings.var_dir, "southwark", "--osm", str(clip))
    assert done.returncode == 0, done.stderr
    assert cached_streets(settings.var_dir / "streets", "southwark") is not None
    files, coverage = street_files(settings=settings, area=area)
    assert coverage == "full" and files[0].parent == settings.var_dir / "streets"

    after = (await load_route_engines(settings=settings, areas={"southwark": area}))["southwark"]
    assert after.streets_coverage == "full"
    # built from the one cached clip only, not from the pack's clips
    expected = freeze(graph_from_osm_files([clip])).n_nodes
    assert after.graph.n_nodes == expected != nodes_from_all_clips
    g = after.graph
    result = after.routes(
        from_lat=float(g.node_lat[0]),
        from_lon=float(g.node_lon[0]),
        to_lat=float(g.node_lat[-1]),
        to_lon=float(g.node_lon[-1]),
        at=__import__("datetime").datetime(2026, 11, 26, 16, tzinfo=__import__("datetime").UTC),
    )
    assert result["features"][0]["properties"]["length_m"] > 0


def test_streets_accepts_pbf_and_rejects_bad_files(tmp_path: Path) -> None:
    osmium = pytest.importorskip("osmium")
    area = load_area("southwark")
    pbf = tmp_path / "clip.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(area.osm_files[0])):
            writer.add(obj)
    cache = tmp_path / "streets"
    out = fetch_streets(slug="southwark", boundary=area.boundary, buffer_m=0, cache_dir=cache, source=pbf)
    assert out == cache / "southwark.osm.bz2" and out.stat().st_size > 1000
    assert cached_streets(cache, "southwark") == out

    bad = tmp_path / "streets.csv"
    bad.write_text("x")
    with pytest.raises(FetchError, match=r"\.osm"):
        fetch_streets(slug="southwark", boundary=area.boundary, buffer_m=0, cache_dir=cache, source=bad)
    done = _cli(tmp_path / "var", "southwark", "--osm", str(tmp_path / "missing.osm"))
    assert done.returncode == 1 and "does not exist" in done.stderr
