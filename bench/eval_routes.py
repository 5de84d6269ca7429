"""`wayhome eval routes`: do the safer routes avoid the crime that happens afterwards?

The router's surface is built from the training months only (as `wayhome eval risk`); a few hundred seeded
school trips (school -> postcode 0.7-3.5 km away) and random pairs are routed, and every route is scored on the
held-out months against the exact shortest route. The safer choice (risk weights, minimum saving, detour cap,
risk cap) is tuned on one set of trips and reported on another; baselines and the PyPI `saferoute` peer run in
the same process on the same graph, trips and training months.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from bench.benchmarks_file import write_section
from bench.eval_risk import TEST, TRAIN
from bench.eval_routes_core import (
    MaybeRoute,
    Row,
    main_road_routes,
    score_routes,
    shortest_routes,
    summarise,
    wayhome_routes,
)
from bench.eval_routes_data import (
    Trips,
    heldout_density,
    join,
    lsoa_counts,
    month_range,
    random_trips,
    school_trips,
    training_surface,
)
from bench.eval_routes_peer import saferoute_routes
from bench.eval_routes_render import render
from bench.eval_routes_tune import (
    MAX_MEAN_EXTRA_PCT,
    RISK_CAPS,
    Candidate,
    all_alphas,
    alpha_routes,
    best_within,
    choose,
    frontier,
    replay,
    search,
)
from routing.build import AreaSources, assign_lsoa, build_area
from routing.graph import FloatArray, StreetGraph
from routing.risk import RiskConfig
from routing.router import DetourCap, Router, SaferChoice

ROOT = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")
DAY = dt.datetime(2025, 11, 26, 12, 0, tzinfo=LONDON)  # a school day at noon: neither after-school nor dark
AFTER_SCHOOL_DARK = dt.datetime(2025, 11, 26, 16, 45, tzinfo=LONDON)  # after sunset (15:56)
AFTER_SCHOOL_LIGHT = dt.datetime(2025, 6, 18, 16, 30, tzinfo=LONDON)
# The safer choice before this evaluation existed (set by reasoning), kept as a row of the table.
BEFORE = (SaferChoice(alphas=(0.5, 2.0, 8.0), min_saving_pct=5.0), DetourCap(max_pct=35.0, max_m=800.0), 6.0)
MIN_TRIPS = 50  # fewer trips than this in the band: the area's streets are too small to evaluate


@dataclass
class AreaInputs:
    slug: str
    sources: AreaSources
    graph: StreetGraph
    config: RiskConfig
    heldout: FloatArray
    surface: Any  # TrainingSurface
    edge_lsoa: list[str | None]
    schools_csv: Path
    postcodes_csv: Path

    def router(self, *, risk_cap: float | None = None, safer: SaferChoice | None = None) -> Router:
        """A router on the training surface (its own engine: landmark tables depend on the surface)."""
        config = self.config if risk_cap is None else replace(self.config, risk_cap=risk_cap)
        return Router(
            slug=self.slug, graph=self.graph, base_risk=self.surface.base(config), config=config, safer=safer
        )


def load_inputs(slug: str) -> AreaInputs:
    from backend.directions import area_sources
    from backend.settings import Settings
    from content.areas import load_area

    settings = Settings.from_env()
    area = load_area(slug, areas_dir=settings.areas_dir)
    sources = area_sources(area, settings=settings)
    out_dir = Path(settings.build_dir) / slug
    config = RiskConfig()
    build_area(sources, out_dir, config=config)
    graph = StreetGraph.load(out_dir / "graph.npz")
    edge_lsoa = assign_lsoa(graph, sources.lsoa_geojson)
    assert sources.crime_lsoa_csv is not None
    crimes = pd.read_csv(sources.crime_lsoa_csv, dtype={"month": str})
    counts = lsoa_counts(crimes, months=month_range(*TEST), minor_categories=list(config.lsoa_minor_weights))
    surface = training_surface(
        graph, sources=sources, edge_lsoa=edge_lsoa, config=config, months=month_range(*TRAIN)
    )
    return AreaInputs(
        slug=slug,
        sources=sources,
        graph=graph,
        config=config,
        heldout=heldout_density(graph, edge_lsoa=edge_lsoa, counts=counts),
        surface=surface,
        edge_lsoa=edge_lsoa,
        schools_csv=area.path / "schools.csv",
        postcodes_csv=area.path / "postcodes.csv",
    )


def make_trips(inputs: AreaInputs, router: Router, *, n: int, seed: int) -> Trips:
    """n school trips + n random pairs (seeded), keeping those the streets connect."""
    trips = join(
        school_trips(
            router, schools_csv=inputs.schools_csv, postcodes_csv=inputs.postcodes_csv, n=n, seed=seed
        ),
        random_trips(inputs.graph, n=n, seed=seed + 1),
    )
    ok = np.asarray([r is not None for r in shortest_routes(router, trips)], dtype=bool)
    return Trips(trips.src[ok], trips.dst[ok], trips.school[ok])


def tune(inputs: AreaInputs, trips: Trips) -> tuple[list[Candidate], float]:
    """Every grid candidate on the tuning trips, and the share of trips where the replay matches the router."""
    tables = {}
    for risk_cap in RISK_CAPS:
        router = inputs.router(risk_cap=risk_cap)
        tables[risk_cap] = alpha_routes(
            router, trips, risk=router.base_risk, heldout=inputs.heldout, alphas=all_alphas()
        )
    candidates = search(tables)
    best = choose(candidates, current_risk_cap=inputs.config.risk_cap)
    router = inputs.router(risk_cap=best.risk_cap, safer=best.safer)
    safer, _ = wayhome_routes(router, trips, at=DAY, cap=best.cap)
    short = score_routes(
        inputs.graph, shortest_routes(router, trips), train_risk=router.base_risk, heldout=inputs.heldout
    )
    real = score_routes(inputs.graph, safer, train_risk=router.base_risk, heldout=inputs.heldout)
    replayed, _ = replay(tables[best.risk_cap], safer=best.safer, cap=best.cap)
    held_real = np.where(
        short.heldout_exposure > 0,
        100.0 * (short.heldout_exposure - real.heldout_exposure) / np.maximum(short.heldout_exposure, 1e-12),
        0.0,
    )
    agreement = 100.0 * float(np.mean(np.abs(held_real - replayed) < 1e-6))
    return candidates, agreement


def short_choice(c: Candidate) -> str:
    weights = "/".join(f"{a:g}" for a in c.safer.alphas)
    return f"{weights}, {c.safer.min_saving_pct:g}%, {c.cap.max_pct:g}%/{c.cap.max_m:g} m, risk cap {c.risk_cap:g}"


def evaluate_area(slug: str, *, n: int, seed: int, with_peer: bool = True) -> dict[str, Any] | str:
    """Rows of the report for one area, or why the area cannot be evaluated."""
    started = time.perf_counter()
    inputs = load_inputs(slug)
    defaults = inputs.router()
    cap = DetourCap()
    tuning_trips = make_trips(inputs, defaults, n=n, seed=seed)
    trips = make_trips(inputs, defaults, n=n, seed=seed + 100)
    if min(int(trips.school.sum()), int(tuning_trips.school.sum())) < MIN_TRIPS:
        return (
            f"only {int(trips.school.sum())} school trips of 0.7-3.5 km fit its {inputs.graph.n_nodes:,}-node "
            f"street graph (partial streets until `wayhome data streets {slug}` fetches the full network)"
        )
    candidates, agreement = tune(inputs, tuning_trips)
    best = best_within(candidates)
    chosen = choose(candidates, current_risk_cap=inputs.config.risk_cap)
    train_risk = defaults.base_risk

    def row(label: str, routes: Sequence[MaybeRoute]) -> Row:
        scored = score_routes(inputs.graph, routes, train_risk=train_risk, heldout=inputs.heldout)
        return summarise(label, scored, short, cap=cap, school=trips.school)

    short_routes = shortest_routes(defaults, trips)
    short = score_routes(inputs.graph, short_routes, train_risk=train_risk, heldout=inputs.heldout)
    safer, balanced = wayhome_routes(defaults, trips, at=DAY, cap=cap)
    rows = [row("shortest (exact, by length)", short_routes), row("WayHome safer (defaults)", safer)]
    rows.append(row("WayHome balanced (defaults)", balanced))
    for label, c in (("chosen by", chosen), ("best saving on", best)):
        if (c.risk_cap, c.safer, c.cap) != (defaults.config.risk_cap, defaults.safer, cap):
            tuned = inputs.router(risk_cap=c.risk_cap, safer=c.safer)
            rows.append(
                row(
                    f"WayHome safer ({label} this run's tuning: {short_choice(c)})",
                    wayhome_routes(tuned, trips, at=DAY, cap=c.cap)[0],
                )
            )
    if (defaults.safer, cap, defaults.config.risk_cap) != BEFORE:
        before = inputs.router(risk_cap=BEFORE[2], safer=BEFORE[0])
        rows.append(
            row(
                "WayHome safer (before this evaluation: 0.5/2/8, 5%, 35%/800 m, risk cap 6)",
                wayhome_routes(before, trips, at=DAY, cap=BEFORE[1])[0],
            )
        )
    rows.append(
        row("stay on main roads (A/B roads preferred, same cap)", main_road_routes(defaults, trips, cap=cap))
    )
    peer_note = ""
    if with_peer:
        with tempfile.TemporaryDirectory() as cache:
            peer = saferoute_routes(
                defaults, trips, sources=inputs.sources, months=month_range(*TRAIN), cache_dir=Path(cache)
            )
        if isinstance(peer, str):
            peer_note = f"PyPI `saferoute` rows skipped: saferoute {peer}."
        else:
            version, safest, peer_balanced = peer
            rows.append(row(f"PyPI saferoute {version} safest (eps 0, training months)", safest))
            rows.append(row(f"PyPI saferoute {version} balanced (eps 0, training months)", peer_balanced))
    time_rows = [
        row(
            "WayHome safer, school day 16:45, after dark (Nov)",
            wayhome_routes(defaults, trips, at=AFTER_SCHOOL_DARK, cap=cap)[0],
        ),
        row(
            "WayHome safer, school day 16:30, daylight (Jun)",
            wayhome_routes(defaults, trips, at=AFTER_SCHOOL_LIGHT, cap=cap)[0],
        ),
    ]
    codes = np.asarray([c or "" for c in inputs.edge_lsoa])
    street_km = pd.Series(inputs.graph.length_m / 2000.0).groupby(codes).sum()  # both directions: halve
    return {
        "nodes": inputs.graph.n_nodes,
        "lsoas": int((street_km.index != "").sum()),
        "lsoa_street_km": float(street_km[street_km.index != ""].median()),
        "trips": len(trips),
        "school_trips": int(trips.school.sum()),
        "tuning_trips": len(tuning_trips),
        "rows": rows,
        "time_rows": time_rows,
        "best": best,
        "chosen": chosen,
        "frontier": frontier(candidates),
        "candidates": len(candidates),
        "agreement_pct": agreement,
        "peer_note": peer_note,
        "defaults": (defaults.safer, cap, defaults.config.risk_cap),
        "seconds": time.perf_counter() - started,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("areas", nargs="*", help="area slugs (default: every area with an LSOA layer)")
    parser.add_argument("--trips", type=int, default=200, help="school trips and random pairs, each (200)")
    parser.add_argument("--seed", type=int, default=19, help="seed of the trips (tuning: seed, report: +100)")
    parser.add_argument("--no-peer", action="store_true", help="skip the PyPI saferoute rows")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="wayhome eval routes")
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def run(args: argparse.Namespace) -> int:
    areas_dir = ROOT / "content" / "areas"
    slugs = list(args.areas) or sorted(p.name for p in areas_dir.iterdir() if (p / "lsoa.geojson").exists())
    results = {s: evaluate_area(s, n=args.trips, seed=args.seed, with_peer=not args.no_peer) for s in slugs}
    command = "wayhome eval routes" + (f" --trips {args.trips}" if args.trips != 200 else "")
    text = render(results, command=command, max_extra_pct=MAX_MEAN_EXTRA_PCT)
    print(text)
    if not args.no_write:
        write_section(ROOT / "BENCHMARKS.md", "Route evaluation (held-out crime)", text)
    return 0


def add_commands(registry: Any) -> None:
    """`wayhome eval routes` (registered from backend/cli.py COMMAND_MODULES)."""
    ev = registry.group("eval").add_parser(
        "routes", help="score safer routes on held-out months against shortest, main roads and saferoute"
    )
    add_arguments(ev)
    ev.set_defaults(func=run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
