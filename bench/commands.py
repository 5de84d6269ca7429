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


class _Unreadable(Exception):
    """A file given to `eval risk` that the import would refuse; the message is one line for the user."""


def _read_points(names: list[str]) -> Any:
    """police.uk CSV or API JSON files, parsed exactly as an import would: (month, category, lat, lon) rows."""
    import pandas as pd

    from partnership.policeuk import ParseFailed, parse_file

    rows = []
    for name in names:
        try:
            _, parsed = parse_file(name, Path(name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ParseFailed) as exc:
            raise _Unreadable(f"{name} is not a readable police.uk file ({type(exc).__name__})") from None
        rows += [(r.month, r.category, r.lat, r.lon) for r in parsed]
    return pd.DataFrame(rows, columns=["month", "category", "lat", "lon"])


def _postcode_lsoa() -> Any:
    """An ISTV location (postcode) to its LSOA, from every area pack's postcodes, as the import looks it up."""
    from content.areas import available_areas, load_area

    packs = [load_area(slug) for slug in available_areas()]
    return lambda place: next((c for c in (pack.lsoa_of_postcode(place) for pack in packs) if c), None)


def _read_aggregates(specs: list[str]) -> dict[str, list[Any]]:
    """`SOURCE=FILE` aggregate files in the import's format, parsed by the import's reader: cells by source."""
    from partnership.aggregates import SOURCES, file_digest, parse_source
    from partnership.service import ImportRejected

    lsoa_of = _postcode_lsoa() if any(s.startswith("istv=") for s in specs) else lambda _: None
    out: dict[str, list[Any]] = {}
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        source, sep, name = spec.partition("=")
        if not sep or source not in SOURCES or not name:
            raise _Unreadable(
                f"--aggregates takes SOURCE=FILE with SOURCE one of {', '.join(SOURCES)} (got {spec!r})"
            )
        try:
            text = Path(name).read_text(encoding="utf-8")
            cells = parse_source(source, text, lsoa_of=lsoa_of)
        except (OSError, UnicodeDecodeError) as exc:
            raise _Unreadable(f"{name} cannot be read as UTF-8 text ({type(exc).__name__})") from None
        except ImportRejected as exc:
            e, more = exc.errors[0], len(exc.errors) - 1
            raise _Unreadable(
                f"{name} is not a readable {source} file: row {e['row']}, {e['field']}: {e['message']}"
                + (f" (and {more} more problem(s))" if more else "")
            ) from None
        key = (source, file_digest(text))
        if key not in seen:  # the same file twice counts once, as a second import is refused
            seen.add(key)
            out.setdefault(source, []).extend(cells)
    return out


def cmd_eval(args: argparse.Namespace) -> int:
    from bench.eval_risk import main as eval_main

    try:
        points = _read_points(args.points) if args.points else None
        aggregates = _read_aggregates(args.aggregates) if args.aggregates else None
    except _Unreadable as exc:
        print(f"wayhome: {exc}", file=sys.stderr)
        return 2
    return eval_main(list(args.areas), points=points, aggregates=aggregates, write=not args.no_write)


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
    ev.add_argument(
        "--aggregates",
        nargs="+",
        metavar="SOURCE=FILE",
        help="partnership aggregate files as `wayhome data aggregates import` takes them, each named by its "
        "source (istv, ambulance or transport), e.g. ambulance=las_2024.csv: a layer per source",
    )
    ev.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    ev.set_defaults(func=cmd_eval)
