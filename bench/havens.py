"""Benchmark: nearest open havens for a point with 10,000 havens in an area, index vs brute force.

Prints p50/p95 per query for the KD-tree index (open state computed only for candidates) and for a brute-force
scan in the same run, the ratio, and checks both give the same answers. Run: `wayhome bench havens`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta

from havens.hours import LONDON
from havens.nearest import HavenIndex, HavenRecord, brute_force_nearest

# Wood Green demo area bbox (content/areas/north-london-demo)
BBOX = (-0.1585, 51.5978, -0.0949, 51.6316)
HOURS = (
    "Mo-Fr 09:00-17:30; Sa 10:00-16:00; PH off",
    "Mo-Sa 07:00-23:00; Su 10:00-16:00; PH off",
    "24/7",
    "Fr 22:00-02:00; Sa 20:00-03:00",
    "Mo-Fr 10:00-22:00; Sa,Su 09:00-19:00; PH unknown",
    "Mo-Su 06:00-00:00",
    None,
)


def synthetic_havens(n: int, *, seed: int) -> list[HavenRecord]:
    rng = random.Random(seed)
    return [
        HavenRecord(id=i, lat=rng.uniform(BBOX[1], BBOX[3]), lon=rng.uniform(BBOX[0], BBOX[2]),
                    opening_hours=rng.choice(HOURS))
        for i in range(1, n + 1)
    ]  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(*, n: int = 10_000, queries: int = 300, limit: int = 5, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed + 1)
    records = synthetic_havens(n, seed=seed)
    started = time.perf_counter()
    index = HavenIndex(records)
    build_ms = (time.perf_counter() - started) * 1000
    start_day = datetime(2026, 12, 20, tzinfo=LONDON)
    cases = [
        (rng.uniform(BBOX[1], BBOX[3]), rng.uniform(BBOX[0], BBOX[2]),
         start_day + timedelta(minutes=rng.randrange(0, 14 * 24 * 60)))
        for _ in range(queries)
    ]  # fmt: skip
    for lat, lon, at in cases[:20]:  # warm the expression cache for both methods alike
        index.nearest(lat=lat, lon=lon, at=at, limit=limit, open_filter="open")
    fast, slow = [], []
    mismatches = 0
    for lat, lon, at in cases:
        t0 = time.perf_counter()
        got = index.nearest(lat=lat, lon=lon, at=at, limit=limit, open_filter="open")
        t1 = time.perf_counter()
        want = brute_force_nearest(
            records, lat=lat, lon=lon, at=at, limit=limit, open_filter="open", ref_lat=None
        )
        t2 = time.perf_counter()
        fast.append((t1 - t0) * 1000)
        slow.append((t2 - t1) * 1000)
        if [h.record.id for h in got] != [h.record.id for h in want]:
            mismatches += 1
    return {
        "havens": n, "queries": queries, "build_ms": build_ms,
        "index_p50_ms": statistics.median(fast), "index_p95_ms": _pct(fast, 0.95),
        "brute_p50_ms": statistics.median(slow), "brute_p95_ms": _pct(slow, 0.95),
        "speedup_p50": statistics.median(slow) / statistics.median(fast), "mismatches": mismatches,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--havens", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    return report(n=args.havens, queries=args.queries)


def report(*, n: int, queries: int) -> int:
    r = run(n=n, queries=queries)
    print(f"nearest 5 open havens, {r['havens']:,} havens in one area, {r['queries']} random points/times")
    print(f"  index build          {r['build_ms']:.1f} ms")
    print(f"  KD-tree index        p50 {r['index_p50_ms']:.3f} ms   p95 {r['index_p95_ms']:.3f} ms")
    print(f"  brute force (same)   p50 {r['brute_p50_ms']:.3f} ms   p95 {r['brute_p95_ms']:.3f} ms")
    print(f"  ratio (brute/index)  {r['speedup_p50']:.0f}x at p50; answers differing: {r['mismatches']}")
    print(f"  target p50 <= 2 ms: {'met' if r['index_p50_ms'] <= 2.0 else 'NOT met'}")
    return 0 if r["mismatches"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
