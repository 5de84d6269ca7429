"""Insights speed: the whole analysis for all of an area's secondaries (flows, conflicts, planner) and a patrol
plan, against a same-run baseline of one networkx search per postcode.

    .venv/bin/python -m bench.insights [--area north-london-demo] [--baseline-sample 150]

Finish times are benchmark inputs (15:00-15:15, five minutes apart); school sizes are GIAS numbers. The
baseline routes each school's pupils with networkx: one Dijkstra search per (school, postcode) on the safer
weight. It times a sample of postcodes and scales to all of them (said in the output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from zoneinfo import ZoneInfo

import networkx as nx
import numpy as np

from backend.directions import area_sources
from backend.insights.service import gias_pupil_numbers, secondary_schools
from backend.settings import Settings
from content.areas import load_area
from insights.analysis import SchoolDay, analyse
from insights.patrol import plan_patrol
from insights.population import snap_homes
from insights.staggering import plan
from routing.build import build_area
from routing.router import Router

LONDON = ZoneInfo("Europe/London")


def _networkx_graph(router: Router, weight: np.ndarray) -> nx.DiGraph:
    graph = nx.DiGraph()
    src, dst = router.sources, router.graph.indices
    graph.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True))
    return graph


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--area", default="north-london-demo")
    parser.add_argument("--baseline-sample", type=int, default=150, help="postcodes timed per school")
    args = parser.parse_args(argv)
    pack = load_area(args.area)
    out = Settings.from_env().build_dir / pack.slug
    build_area(area_sources(pack), out)
    router = Router.load(out, slug=pack.slug)
    day = dt.date(2026, 12, 4)
    gias = gias_pupil_numbers(pack)
    schools = [
        SchoolDay(urn=s.urn, name=s.name, lat=s.lat, lon=s.lon, gias_pupils=gias.get(s.urn),
                  finishes=(("All pupils", dt.datetime.combine(day, dt.time(15, 5 * (i % 4)), tzinfo=LONDON)),))
        for i, s in enumerate(secondary_schools(pack))
    ]  # fmt: skip
    router.engine.tree(router.graph.length_m, 0)  # compile the kernels outside the timing
    pcs = pack.postcodes
    nodes, snap_m = router.snap_many([p.lat for p in pcs.values()], [p.lon for p in pcs.values()])
    homes = snap_homes(list(zip(pcs, nodes, snap_m, strict=True)))

    t0 = time.perf_counter()
    analysis = analyse(router, area=pack.slug, day=day, schools=schools, homes=homes)
    report = plan(analysis, {})
    whole_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    start = min(t for s in schools for _, t in s.finishes)
    patrol = plan_patrol(analysis, start=start, end=start + dt.timedelta(minutes=105))
    patrol_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    analysis2 = analyse(router, area=pack.slug, day=day, schools=schools, homes=homes)
    plan_patrol(analysis2, start=start, end=start + dt.timedelta(minutes=105))
    patrol_cold_s = time.perf_counter() - t2

    risk = router.risk_for(start)
    graph = _networkx_graph(router, router.graph.length_m * (1.0 + 2.0 * risk))
    school_nodes, _ = router.snap_many([s.lat for s in schools], [s.lon for s in schools])
    sample = random.Random(1).sample(range(len(nodes)), min(args.baseline_sample, len(nodes)))
    t3 = time.perf_counter()
    for s in school_nodes:
        for i in sample:
            try:
                nx.dijkstra_path(graph, s, nodes[i], weight="weight")
            except nx.NetworkXNoPath:
                pass
    per_search_s = (time.perf_counter() - t3) / (len(school_nodes) * len(sample))
    baseline_s = per_search_s * len(school_nodes) * len(nodes)

    print(f"area {pack.slug}: {len(schools)} secondary schools, {len(nodes)} postcodes, "
          f"{router.graph.n_nodes} nodes, {router.graph.n_edges} edges")  # fmt: skip
    print(f"whole analysis (trees, flows, conflicts, {report['method']} planner over {report['combinations']:,} "
          f"combinations): {whole_s:.2f} s; objective {report['before']:.0f} -> {report['after']:.0f}")  # fmt: skip
    print(f"patrol plan on the analysis: {patrol_s:.3f} s ({len(patrol.points)} points); "
          f"from nothing (analysis + plan): {patrol_cold_s:.2f} s")  # fmt: skip
    print(f"baseline: networkx, one Dijkstra per postcode per school, one weight only: {per_search_s * 1000:.1f} ms "
          f"per search x {len(school_nodes) * len(nodes):,} searches = {baseline_s:.1f} s "
          f"(timed on {len(sample)} postcodes per school, scaled)")  # fmt: skip
    print(
        f"ratio: the whole analysis is {baseline_s / whole_s:.0f}x faster than the baseline's routing alone"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
