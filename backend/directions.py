"""Per-area route engines held in the app state: build artefacts when inputs changed, load them, feed hotspots.

Loaded routers are cached per process by artefact hash and handed out as forks (shared arrays, own hotspot
state), so many apps in one process (tests) do not pay the load cost again.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend import surfaces
from backend.hotspots import service as hotspots
from routing.build import AreaSources, build_area, input_hash, is_current
from routing.fetch import FetchError, cached_streets
from routing.fetch import fetch_streets as fetch_area_streets
from routing.risk import RiskConfig
from routing.router import Router

if TYPE_CHECKING:
    from backend.hotspots.service import HotspotSync
    from backend.settings import Settings
    from content.areas import AreaPack

log = logging.getLogger("wayhome.directions")
_LOADED: dict[tuple[str, str, str], Router] = {}


def use_numba_cache_dir(settings: Settings) -> None:
    """Keep compiled route kernels next to the built artefacts (numba reads this once, when first imported).

    The kernels compile in ~2.5 s the first time; with the cache a cold start loads them in milliseconds.
    An explicit NUMBA_CACHE_DIR wins; without either numba caches beside the source (routing/__pycache__).
    """
    if "numba" not in sys.modules and not os.environ.get("NUMBA_CACHE_DIR"):
        path = Path(settings.build_dir) / "numba-cache"
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        os.environ["NUMBA_CACHE_DIR"] = str(path)


def streets_cache_dir(settings: Settings) -> Path:
    return Path(settings.var_dir) / "streets"


def street_files(*, settings: Settings | None, area: AreaPack) -> tuple[tuple[Path, ...], str]:
    """(OSM files to build from, effective coverage): a `wayhome data streets` download wins over the pack's clips."""
    cached = cached_streets(streets_cache_dir(settings), area.slug) if settings is not None else None
    if cached is not None:
        return (cached,), "full"
    return tuple(area.osm_files), str(area.streets_coverage)


def area_sources(area: AreaPack, *, settings: Settings | None = None) -> AreaSources:
    """Plain build inputs from a content AreaPack (and the settings' street cache, when given)."""
    as_of = area.data_as_of
    crime_month = as_of.get("crime", "") if isinstance(as_of, dict) else str(as_of)
    path: Path = area.path
    osm_files, _ = street_files(settings=settings, area=area)
    return AreaSources(
        slug=area.slug,
        osm_files=osm_files,
        lsoa_geojson=path / "lsoa.geojson",
        crime_lsoa_csv=path / "crime_lsoa_monthly.csv",
        street_crimes_csv=path / "street_crimes.csv",
        data_as_of=crime_month,
    )


def build_area_artefacts(*, settings: Settings, area: AreaPack, force: bool = False) -> dict[str, Any]:
    """Build (or keep, when the input hash matches) settings.build_dir/<slug>/ for `wayhome data build`."""
    use_numba_cache_dir(settings)
    sources = area_sources(area, settings=settings)
    if not sources.osm_files:
        return {}
    out_dir = Path(settings.build_dir) / area.slug
    result = build_area(sources, out_dir, config=RiskConfig(), force=force)
    warm_route_kernels(out_dir, slug=area.slug)
    return result


def warm_route_kernels(out_dir: Path, *, slug: str) -> None:
    """Compile the route kernels into numba's on-disk cache now (once), so `serve` starts in about a second."""
    cache = os.environ.get("NUMBA_CACHE_DIR")
    if cache is None or any(Path(cache).rglob("*.nbc")):
        return
    router = Router.load(out_dir, slug=slug)
    g, now = router.graph, dt.datetime.now(dt.UTC)
    ends = dict(from_lat=g.node_lat[0], from_lon=g.node_lon[0], to_lat=g.node_lat[-1], to_lon=g.node_lon[-1])
    router.routes(**ends, at=now)
    router.routes(**ends, at=now, fixed_origin=True)  # queues the per-origin trees
    router.wait_for_trees()
    router.routes(**ends, at=now, fixed_origin=True)  # reads them


def fetch_streets(*, settings: Settings, area: AreaPack, source: Path | None) -> Path:
    """`wayhome data streets <slug> [--osm FILE]`: cache the full network; raises FetchError with a reason."""
    return fetch_area_streets(
        slug=area.slug,
        boundary=area.boundary,
        buffer_m=float(area.manifest.get("streets", {}).get("buffer_m", 500)),
        cache_dir=streets_cache_dir(settings),
        source=source,
    )


def load_one(settings: Settings, area: AreaPack) -> Router | None:
    """One area's router, built first when its inputs changed and warmed in the calling thread (pyproj sets
    up its transformer per thread: not on the first request); None without street data."""
    sources = area_sources(area, settings=settings)
    _, coverage = street_files(settings=settings, area=area)
    if not sources.osm_files or not all(p.exists() for p in sources.osm_files):
        log.warning("no street data for %s: routes unavailable", area.slug)
        return None
    out_dir = Path(settings.build_dir) / area.slug
    config = RiskConfig()
    digest = input_hash(sources, config)
    key = (str(out_dir), digest, coverage)
    if key not in _LOADED:
        if not is_current(out_dir, digest):
            build_area(sources, out_dir, config=config)
        router = Router.load(out_dir, slug=area.slug, config=config, streets_coverage=coverage)
        _LOADED[key] = router
    router = _LOADED[key].fork()
    router.snap(*router.centre)
    return router


async def load_route_engines(
    *, settings: Settings, areas: Mapping[str, AreaPack], hotspot_sync: HotspotSync | None = None
) -> dict[str, Router]:
    """One router per area with street data, carrying the live hotspots and the published crime surface.

    `hotspot_sync` is the app's record of which hotspot revision each router carries (kept in the app state,
    so the first request does not reload them); None means there is no database (the tests' warm-up, CLI use
    without one): routers get the pack's surface and no hotspots.
    """
    use_numba_cache_dir(settings)
    routers: dict[str, Router] = {}
    for slug, area in areas.items():
        router = await asyncio.to_thread(load_one, settings, area)
        if router is not None:
            routers[slug] = router
    for slug, router in routers.items():
        if hotspot_sync is not None:
            await hotspots.refresh_router(router, area=slug, sync=hotspot_sync)
        await surfaces.load_current(
            settings=settings, area=slug, router=router, database=hotspot_sync is not None
        )
    return routers


# ---- command line ----------------------------------------------------------------------------------------


def cmd_streets(args: argparse.Namespace) -> int:
    from backend.settings import Settings
    from content.areas import load_area

    settings = Settings.from_env()
    try:
        area = load_area(args.slug, areas_dir=settings.areas_dir)
    except Exception:
        print(f"wayhome: no area pack called {args.slug!r}", file=sys.stderr)
        return 2
    try:
        path = fetch_streets(settings=settings, area=area, source=Path(args.osm) if args.osm else None)
    except FetchError as exc:
        print(f"wayhome: {exc}", file=sys.stderr)
        return 1
    print(f"{area.slug}: walking network saved to {path}; `wayhome data build` (or the next start) uses it")
    return 0


def add_commands(registry: Any) -> None:
    """`wayhome data streets` (the benchmarks and evaluations register themselves from `bench/`)."""
    streets = registry.group("data").add_parser("streets", help="fetch an area's walking network from OSM")
    streets.add_argument("slug")
    streets.add_argument("--osm", help="use a local .osm/.osm.bz2/.osm.pbf file instead of downloading")
    streets.set_defaults(func=cmd_streets)
