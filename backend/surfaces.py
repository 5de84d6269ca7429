"""Serving the crime surface: compose it from dated layers, publish a new one beside the old, swap it everywhere.

Like officer hotspots, every web worker keeps its routers in step with the database: the worker that imports
builds the new surface (in a thread), writes `surface-<revision>.npz` next to the previous one, bumps the area's
`SurfaceRevision` and swaps its own router; other workers notice the revision on their next route request
(checked at most once a second) and load the file. A failed import never reaches this module, so the served
surface stays as it was; `rollback` puts the previous file back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from routing.build import META_FILE, RISK_FILE
from routing.risk import PLAN_POINT_CATEGORIES, RiskConfig, recency_weights
from routing.surface import (
    OFFICER_LAYERS,
    Layer,
    Surface,
    SurfacePolicy,
    compose,
    grid_count_layer,
    load_surface,
    lsoa_count_layer,
    point_layer,
    save_surface,
)

log = logging.getLogger("wayhome.surfaces")


# The surface revision each router carries (weak: forks and test apps come and go).
_CARRIED: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


@dataclass
class SurfaceSync:
    """When the database was last asked, per area (the carried revision lives with the router)."""

    min_interval_s: float = 1.0
    checked_at: dict[str, float] = field(default_factory=dict)


def carried_revision(router: Any) -> int:
    return _CARRIED.get(router, 0)


def policy_for(settings: Any) -> SurfacePolicy:
    return SurfacePolicy(
        max_point_age_months=int(getattr(settings, "point_data_max_age_months", 24)),
        allow_shared=bool(getattr(settings, "partnership_data_sharing", False)),
    )


def surfaces_dir(settings: Any, slug: str) -> Path:
    return Path(settings.var_dir) / "surfaces" / slug


def pack_layers(build_dir: Path) -> tuple[list[Layer], list[str]]:
    """The MPS LSOA and pack police.uk layers built with the street artefacts, and each edge's LSOA code."""
    import json

    meta = json.loads((build_dir / META_FILE).read_text())
    months = meta.get("layer_months", {})
    with np.load(build_dir / RISK_FILE) as risk:
        lsoa = np.asarray(risk["lsoa"], dtype=np.float64)
        points = np.asarray(risk["points"], dtype=np.float64)
        edge_lsoa = [str(c) for c in risk["edge_lsoa"]] if "edge_lsoa" in risk else []
    lsoa_m = months.get("mps_lsoa") or ["", ""]
    point_m = months.get("policeuk_points") or ["", ""]
    return [
        Layer("mps_lsoa", lsoa, lsoa_m[0], lsoa_m[1], kind="counts"),
        Layer("policeuk_points", points, point_m[0], point_m[1], kind="points"),
    ], edge_lsoa


def default_surface(router: Any, *, build_dir: Path, policy: SurfacePolicy) -> Surface:
    """The surface from the area pack alone (what serves before any import)."""
    layers, _ = pack_layers(build_dir)
    return compose(layers, n_edges=router.graph.n_edges, policy=policy)


def _pack_points(area: Any) -> list[tuple[str, str, float, float]]:
    import pandas as pd

    path = Path(area.path) / "street_crimes.csv"
    if not path.exists():
        return []
    df = pd.read_csv(path, dtype={"month": str})
    return [
        (str(m), str(c), float(la), float(lo))
        for m, c, la, lo in df[["month", "category", "lat", "lon"]].itertuples(index=False)
    ]


def build_surface(router: Any, *, policy: SurfacePolicy, **inputs: Any) -> Surface:
    """The surface of `surface_layers` composed under `policy`. CPU work: call it in a thread."""
    return compose(surface_layers(router, **inputs), n_edges=router.graph.n_edges, policy=policy)


def surface_layers(
    router: Any,
    *,
    area: Any,
    build_dir: Path,
    imported: list[tuple[str, str, float, float]],
    aggregates: dict[str, tuple[dict[str, float], str, str]],
    config: RiskConfig,
    perceived: Any = None,
) -> list[Layer]:
    """Pack layers + imported police.uk points (an imported month replaces the pack's copy of that month) +
    aggregate LSOA layers + the survey's perceived-safety squares (`backend.surveys.perceived.Squares`, used only
    when the policy turns it on), ready to `compose` under any policy. CPU work: call it in a thread."""
    layers, edge_lsoa = pack_layers(build_dir)
    if imported:
        imported_months = {m for m, *_ in imported}
        points = [p for p in _pack_points(area) if p[0] not in imported_months] + imported
        layers[1] = point_layer(
            router.graph,
            months=[p[0] for p in points],
            categories=[p[1] for p in points],
            lats=[p[2] for p in points],
            lons=[p[3] for p in points],
            config=config,
        )
    for key, (counts, first, last) in sorted(aggregates.items()):
        if edge_lsoa:
            layers.append(
                lsoa_count_layer(
                    router.graph,
                    key=key,
                    edge_lsoa=edge_lsoa,
                    counts=counts,
                    first_month=first,
                    last_month=last,
                )
            )
    if perceived is not None and perceived.counts:
        layers.append(
            grid_count_layer(
                router.graph,
                key="perceived_grid",
                cells=perceived.counts,
                cell_m=100.0,
                first_month=perceived.first_month,
                last_month=perceived.last_month,
            )
        )
    return layers


async def surface_inputs(*, settings: Any, area: Any, router: Any) -> dict[str, Any]:
    """Everything a surface is built from, read from the database (then build_surface in a thread)."""
    from backend.surveys import perceived
    from partnership.service import crime_points

    points = await crime_points(area=area.slug, categories=list(PLAN_POINT_CATEGORIES))
    on = await perceived.is_on(area=area.slug)
    return {
        "area": area,
        "build_dir": Path(settings.build_dir) / area.slug,
        "imported": [(p.month, p.category, p.lat, p.lon) for p in points],
        "aggregates": await _aggregates(area.slug, router.config),
        "perceived": await perceived.squares(area=area.slug),
        "policy": replace(policy_for(settings), officer_layers_on=OFFICER_LAYERS if on else frozenset()),
        "config": router.config,
    }


async def _aggregates(area: str, config: RiskConfig) -> dict[str, tuple[dict[str, float], str, str]]:
    """Aggregate cells by LSOA per layer, recency-weighted (cells under 5 are used only in the surface)."""
    from partnership.aggregates import LAYER_OF_SOURCE, lsoa_cells

    out: dict[str, tuple[dict[str, float], str, str]] = {}
    for source, layer_key in LAYER_OF_SOURCE.items():
        cells = await lsoa_cells(area=area, source=source)
        if not cells:
            continue
        months = [c.period for c in cells]
        latest = max(months)
        rec = recency_weights(months, latest=latest, half_life_months=config.recency_half_life_months)
        counts: dict[str, float] = {}
        for cell, w in zip(cells, rec.tolist(), strict=True):
            counts[cell.place_code] = counts.get(cell.place_code, 0.0) + cell.count * w
        out[layer_key] = (counts, min(months), latest)
    return out


async def publish(*, settings: Any, area: Any, router: Any, sync: SurfaceSync) -> dict[str, Any]:
    """Build the area's surface from everything imported, save it beside the old one, bump the revision and
    swap this worker's router. Raises on failure, leaving the served surface and the revision as they were."""
    from tortoise.transactions import in_transaction

    from partnership.models import SurfaceRevision

    inputs = await surface_inputs(settings=settings, area=area, router=router)
    surface = await asyncio.to_thread(build_surface, router, **inputs)
    async with in_transaction() as conn:
        row = await SurfaceRevision.select_for_update().using_db(conn).get_or_none(area=area.slug)
        if row is None:
            row = await SurfaceRevision.create(area=area.slug, revision=0, using_db=conn)
        path = surfaces_dir(settings, area.slug) / f"surface-{row.revision + 1}.npz"
        await asyncio.to_thread(save_surface, path, surface)
        row.previous_file, row.surface_file = row.surface_file, str(path)
        row.revision += 1
        row.layers = list(surface.layers)
        row.built_at = dt.datetime.now(dt.UTC)
        await row.save(using_db=conn)
    _forget_old_files(path.parent, keep={path.name, Path(row.previous_file).name})
    router.set_surface(surface.base, layers=surface.layers)
    _CARRIED[router] = row.revision
    sync.checked_at[area.slug] = time.monotonic()
    log.info("new risk surface for %s (revision %d)", area.slug, row.revision)
    return {"revision": row.revision, "layers": list(surface.layers)}


def _forget_old_files(folder: Path, *, keep: set[str]) -> None:
    """Keep the current and the previous surface (for rollback); older ones go."""
    for old in folder.glob("surface-*.npz"):
        if old.name not in keep and not old.name.endswith(".tmp.npz"):
            old.unlink(missing_ok=True)


async def rollback(*, area: str) -> int:
    """Serve the previous surface again (every worker follows the revision bump). Returns the new revision."""
    from tortoise.transactions import in_transaction

    from partnership.models import SurfaceRevision

    async with in_transaction() as conn:
        row = await SurfaceRevision.select_for_update().using_db(conn).get_or_none(area=area)
        if (
            row is None
            or not row.previous_file
            or not await asyncio.to_thread(Path(row.previous_file).exists)
        ):
            raise LookupError("There is no previous surface to go back to.")
        row.surface_file, row.previous_file = row.previous_file, row.surface_file
        row.revision += 1
        row.layers = list(await asyncio.to_thread(lambda: load_surface(Path(row.surface_file)).layers))
        await row.save(using_db=conn)
    return row.revision


async def _revision(area: str) -> tuple[int, str]:
    from partnership.models import SurfaceRevision

    row = await SurfaceRevision.get_or_none(area=area)
    return (row.revision, row.surface_file) if row else (0, "")


async def load_current(*, settings: Any, area: str, router: Any, database: bool = True) -> None:
    """At start-up: the published surface when there is one, else the pack's default (stale points left out).

    `database=False` (no database: the tests' warm-up, CLI use) serves the pack's surface.
    """
    rev, path = await _revision(area) if database else (0, "")
    surface: Surface | None = None
    if rev and path:
        try:
            surface = await asyncio.to_thread(load_surface, Path(path))
        except (OSError, ValueError, KeyError):
            log.warning("published surface of %s is unreadable: serving the pack's surface", area)
    if surface is None or surface.base.shape != (router.graph.n_edges,):
        build_dir = Path(settings.build_dir) / area
        surface = await asyncio.to_thread(
            default_surface, router, build_dir=build_dir, policy=policy_for(settings)
        )
    router.set_surface(surface.base, layers=surface.layers)
    _CARRIED[router] = rev


async def sync_if_stale(router: Any, *, settings: Any, area: str, sync: SurfaceSync) -> None:
    """At most once per interval, compare the area's surface revision with the database and swap on change."""
    now = time.monotonic()
    if now - sync.checked_at.get(area, -1e9) < sync.min_interval_s:
        return
    sync.checked_at[area] = now
    rev, path = await _revision(area)
    if rev == _CARRIED.get(router, 0):
        return
    try:
        surface = await asyncio.to_thread(load_surface, Path(path))
        router.set_surface(surface.base, layers=surface.layers)
    except (OSError, ValueError, KeyError):
        log.warning("surface revision %d of %s could not be loaded: keeping the current one", rev, area)
        return
    _CARRIED[router] = rev


def route_data_as_of(pack_dates: Any, router: Any) -> dict[str, Any]:
    """The route envelope's `data_as_of`: the pack's dates plus each risk layer with its own date and use."""
    out: dict[str, Any] = dict(pack_dates) if isinstance(pack_dates, dict) else {"crime": str(pack_dates)}
    out["risk_layers"] = [dict(layer) for layer in getattr(router, "surface_layers", ())]
    return out


def _month_words(month: str) -> str:
    """ "2026-02" -> "February 2026" (a reader's date, not a machine's); anything else as it is."""
    try:
        return dt.datetime.strptime(month, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return month


def _months(layer: dict[str, Any]) -> str:
    first, last = layer.get("from") or "", layer.get("to") or ""
    if not last:
        return "no date"
    return _month_words(last) if first == last else f"{_month_words(first)} to {_month_words(last)}"


def layer_notes(router: Any) -> list[str]:
    """One plain sentence per risk source: what the route's risk is based on, and what was left out and why."""
    layers = list(getattr(router, "surface_layers", ()))
    used = [f"{layer['name']} ({_months(layer)})" for layer in layers if layer.get("in_use")]
    notes = [f"Risk is based on: {'; '.join(used)}."] if used else []
    for layer in layers:
        reason = layer.get("not_used_because")
        if reason and reason != "no data on these streets" and layer.get("to"):
            notes.append(f"Not used: {layer['name']} ({_months(layer)}), {reason}.")
    return notes
