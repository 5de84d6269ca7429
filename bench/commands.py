"""`wayhome bench routes|push|havens` and `wayhome eval risk`: dev tools, registered only when `bench/` is there.

They live outside the product packages so that `routing/`, `havens/` and `backend/` hold no benchmark code.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any


def cmd_bench(args: argparse.Namespace) -> int:
    from bench.routes import main as bench_main

    return bench_main(["--quick"] if args.quick else [])


def cmd_eval(args: argparse.Namespace) -> int:
    from bench.eval_risk import main as eval_main

    points = None
    if args.points:  # police.uk CSV or API JSON files, parsed exactly as an import would
        import pandas as pd

        from partnership.policeuk import ParseFailed, parse_file

        rows = []
        for name in args.points:
            try:
                _, parsed = parse_file(name, Path(name).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ParseFailed) as exc:
                print(
                    f"wayhome: {name} is not a readable police.uk file ({type(exc).__name__})",
                    file=sys.stderr,
                )
                return 2
            rows += [(r.month, r.category, r.lat, r.lon) for r in parsed]
        points = pd.DataFrame(rows, columns=["month", "category", "lat", "lon"])
    return eval_main(list(args.areas), points=points)


def cmd_bench_push(args: argparse.Namespace) -> int:
    from bench.push import run_bench

    return asyncio.run(
        run_bench(subscriptions=args.subscriptions, sample=args.sample, concurrency=args.concurrency)
    )


def cmd_bench_havens(args: argparse.Namespace) -> int:
    from bench.havens import report

    return report(n=args.havens, queries=args.queries)


def add_commands(registry: Any) -> None:
    bench = registry.group("bench")
    routes = bench.add_parser("routes", help="route query, HTTP and update benchmarks")
    routes.add_argument("--quick", action="store_true", help="fewer samples (smoke run)")
    routes.set_defaults(func=cmd_bench)
    push = bench.add_parser(
        "push", help="fan-out of one notice to N loopback subscriptions vs sequential webpush()"
    )
    push.add_argument("--subscriptions", type=int, default=10_000)
    push.add_argument("--sample", type=int, default=300, help="sequential pywebpush.webpush() calls measured")
    push.add_argument("--concurrency", type=int, default=64)
    push.set_defaults(func=cmd_bench_push)
    havens = bench.add_parser("havens", help="nearest open havens: index vs brute force")
    havens.add_argument("--havens", type=int, default=10_000)
    havens.add_argument("--queries", type=int, default=300)
    havens.set_defaults(func=cmd_bench_havens)
    ev = registry.group("eval").add_parser("risk", help="score the risk surface on held-out months")
    ev.add_argument("areas", nargs="*")
    ev.add_argument(
        "--points", nargs="+", metavar="FILE", help="police.uk CSV/JSON files to score the point kernel on"
    )
    ev.set_defaults(func=cmd_eval)
