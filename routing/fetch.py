"""`wayhome data streets`: get an area's walking network from OpenStreetMap (online) or a local OSM file.

The result is cached under var/streets/<slug>.{osm,osm.bz2,graphml}; `cached_streets` finds it so the build uses
the full network instead of the pack's partial clips.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

CACHE_SUFFIXES = (".osm.bz2", ".osm", ".graphml")


class FetchError(Exception):
    """A one-line reason the streets could not be fetched (offline, bad file)."""


def cached_streets(cache_dir: Path, slug: str) -> Path | None:
    """The newest cached network for `slug`, if `wayhome data streets` has been run."""
    found = [cache_dir / f"{slug}{suffix}" for suffix in CACHE_SUFFIXES]
    found = [p for p in found if p.is_file() and p.stat().st_size > 0]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _clear(cache_dir: Path, slug: str) -> None:
    for suffix in CACHE_SUFFIXES:
        (cache_dir / f"{slug}{suffix}").unlink(missing_ok=True)


def _from_pbf(source: Path, target: Path) -> None:
    try:
        import osmium
    except ImportError:
        raise FetchError(".osm.pbf needs pyosmium (pip install osmium), or convert it to .osm.bz2") from None
    tmp = target.with_name(target.name + ".tmp.osm.bz2")
    try:
        with osmium.SimpleWriter(str(tmp), overwrite=True) as writer:
            for obj in osmium.FileProcessor(str(source)):
                writer.add(obj)
    except RuntimeError as exc:
        tmp.unlink(missing_ok=True)
        raise FetchError(f"could not read {source.name}: {exc}") from None
    tmp.replace(target)


def fetch_streets(*, slug: str, boundary: Any, buffer_m: float, cache_dir: Path, source: Path | None) -> Path:
    """Cache the area's streets under cache_dir: a copy of `source` (.osm/.osm.bz2/.osm.pbf), or a download."""
    from tqdm import tqdm

    cache_dir.mkdir(parents=True, exist_ok=True)
    if source is not None:
        name = source.name.lower()
        if not source.is_file():
            raise FetchError(f"{source} does not exist")
        if not name.endswith((".osm", ".osm.bz2", ".osm.pbf")):
            raise FetchError("give an OpenStreetMap file ending in .osm, .osm.bz2 or .osm.pbf")
        target = cache_dir / (slug + (".osm" if name.endswith(".osm") else ".osm.bz2"))
        tmp = cache_dir / f"{slug}.incoming"
        if name.endswith(".osm.pbf"):
            _from_pbf(source, tmp)
        else:
            shutil.copyfile(source, tmp)
        _clear(cache_dir, slug)
        tmp.replace(target)
        return target
    import osmnx as ox
    from pyproj import Transformer
    from shapely.ops import transform

    from routing.graph import configure_osmnx, walkable_component

    configure_osmnx()
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform
    to_wgs = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform
    polygon = transform(to_wgs, transform(to_bng, boundary).buffer(buffer_m))
    with tqdm(total=3, desc=f"streets {slug}", unit="step") as bar:
        bar.set_postfix_str("downloading from Overpass")
        try:
            graph = ox.graph_from_polygon(polygon, network_type="walk", simplify=True, retain_all=True)
        except Exception as exc:  # requests/overpass raise many types when offline
            raise FetchError(
                f"could not download streets for {slug} (offline?): {type(exc).__name__}"
            ) from None
        bar.update(1)
        bar.set_postfix_str("keeping walkable ways")
        graph = walkable_component(graph)
        bar.update(1)
        bar.set_postfix_str("saving")
        tmp = cache_dir / f"{slug}.incoming.graphml"
        ox.save_graphml(graph, tmp)
        _clear(cache_dir, slug)
        target = cache_dir / f"{slug}.graphml"
        tmp.replace(target)
        bar.update(1)
    return target
