"""`wayhome data crimes import|fetch`, `wayhome data aggregates import`, `wayhome data surface rollback`.

Each file is imported on its own, all or nothing; afterwards the area's surface is rebuilt once and published,
so running web workers swap it in within a second.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from backend.settings import Settings


def _area(settings: Settings, slug: str) -> Any:
    from content.areas import load_area

    try:
        return load_area(slug, areas_dir=settings.areas_dir)
    except Exception:
        print(f"wayhome: no area pack called {slug!r}", file=sys.stderr)
        return None


async def _publish(settings: Settings, area: Any) -> str:
    from backend import directions, surfaces

    router = await asyncio.to_thread(directions.load_one, settings, area)
    if router is None:
        return f"{area.slug}: no street data, so the risk surface was not rebuilt."
    result = await surfaces.publish(settings=settings, area=area, router=router, sync=surfaces.SurfaceSync())
    used = [
        f"{layer['name']} ({layer['from']}..{layer['to']})" for layer in result["layers"] if layer["in_use"]
    ]
    left = [
        f"{layer['name']} ({layer['from']}..{layer['to']}): {layer['not_used_because']}"
        for layer in result["layers"]
        if not layer["in_use"] and layer.get("to")
    ]
    text = f"{area.slug}: risk surface revision {result['revision']} published; uses {'; '.join(used) or 'nothing'}"
    return text + (f". Left out: {'; '.join(left)}." if left else ".")


def _report(name: str, result: dict[str, Any]) -> str:
    return (
        f"{name}: {result['added']} crimes added for {', '.join(result['months'])} "
        f"({result['duplicates']} already held, {result['outside_area']} outside the area)"
    )


def _import_texts(settings: Settings, area: Any, files: list[tuple[str, str]]) -> int:
    from backend.accounts.cli import _with_db
    from partnership.service import AlreadyImported, ImportRejected, import_crime_file

    async def work() -> int:
        failed = added = 0
        for name, text in files:
            try:
                result = await import_crime_file(
                    area=area.slug, boundary=area.boundary, filename=name, text=text, imported_by=None
                )
            except ImportRejected as exc:
                failed += 1
                print(f"{name}: nothing imported, {len(exc.errors)} problem(s):", file=sys.stderr)
                for e in exc.errors[:20]:
                    print(f"  row {e['row']}, {e['field']}: {e['message']}", file=sys.stderr)
                continue
            except AlreadyImported as exc:
                print(f"{name}: already imported on {exc.imported_at}; nothing changed.")
                continue
            added += result["added"]
            print(_report(name, result))
        if added:
            print(await _publish(settings, area))
        return 1 if failed else 0

    return int(asyncio.run(_with_db(settings, work)))


def cmd_import(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    area = _area(settings, args.area)
    if area is None:
        return 2
    files = []
    for name in args.files:
        try:
            files.append((Path(name).name, Path(name).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            print(
                f"{name}: cannot be read as UTF-8 text ({type(exc).__name__}); nothing imported.",
                file=sys.stderr,
            )
            return 2
    return _import_texts(settings, area, files)


def cmd_fetch(args: argparse.Namespace) -> int:
    """Offline (or police.uk unreachable): one line on stdout, exit 0, nothing changed."""
    from backend.accounts.cli import _with_db
    from backend.crime_refresh import client_for, refresh_area

    settings = Settings.from_env()
    area = _area(settings, args.area)
    if area is None:
        return 2

    async def work() -> int:
        async with client_for(settings) as client:
            result = await refresh_area(
                settings=settings, area=area, months=args.months, client=client, publish=False
            )
        if result.offline:
            print(
                f"{area.slug}: police.uk cannot be reached, so no crimes were fetched "
                "(run this again when online)."
            )
            return 0
        if result.failed:
            print(f"{area.slug}: {result.failed.rstrip('.')}. Nothing was imported.", file=sys.stderr)
            return 1
        for r in result.imported:
            print(_report(r["file"], r))
        for name, problems in result.rejected:
            print(f"{name}: nothing imported, {problems} problem(s).", file=sys.stderr)
        if not result.imported and not result.rejected:
            print(
                f"{area.slug}: the newest {args.months} police.uk month(s) are already held; nothing to fetch."
            )
        if any(r["added"] for r in result.imported):
            print(await _publish(settings, area))
        return 1 if result.rejected else 0

    return int(asyncio.run(_with_db(settings, work)))


def cmd_aggregates(args: argparse.Namespace) -> int:

    from backend.accounts.cli import _with_db
    from partnership.aggregates import import_aggregate_file
    from partnership.service import AlreadyImported, ImportRejected

    settings = Settings.from_env()
    area = _area(settings, args.area)
    if area is None:
        return 2
    try:
        texts = [(name, Path(name).read_text(encoding="utf-8")) for name in args.files]
    except (OSError, UnicodeDecodeError) as exc:
        print(
            f"A file cannot be read as UTF-8 text ({type(exc).__name__}); nothing imported.", file=sys.stderr
        )
        return 2

    async def work() -> int:
        failed = 0
        for name, text in texts:
            try:
                result = await import_aggregate_file(
                    area=area.slug, source=args.source, filename=Path(name).name,
                    text=text, imported_by=None, lsoa_of=area.lsoa_of_postcode, area_lsoas=area.lsoa_codes,
                )  # fmt: skip
            except ImportRejected as exc:
                failed += 1
                print(f"{Path(name).name}: nothing imported, {len(exc.errors)} problem(s):", file=sys.stderr)
                for e in exc.errors[:20]:
                    print(f"  row {e['row']}, {e['field']}: {e['message']}", file=sys.stderr)
                continue
            except AlreadyImported as exc:
                print(f"{Path(name).name}: already imported on {exc.imported_at}; nothing changed.")
                continue
            print(
                f"{Path(name).name}: {result['cells']} cells for {', '.join(result['months'])} "
                f"({result['suppressed_cells']} under 5, never shown; {result['outside_area']} outside the area)"
            )
        print(await _publish(settings, area))
        return 1 if failed else 0

    return int(asyncio.run(_with_db(settings, work)))


def cmd_rollback(args: argparse.Namespace) -> int:
    from backend import surfaces
    from backend.accounts.cli import _with_db

    settings = Settings.from_env()

    async def work() -> int:
        try:
            revision = await surfaces.rollback(area=args.area)
        except LookupError as exc:
            print(f"{args.area}: {exc}", file=sys.stderr)
            return 1
        print(
            f"{args.area}: previous risk surface restored (revision {revision}); web workers follow within a second."
        )
        return 0

    return int(asyncio.run(_with_db(settings, work)))


def add_commands(registry: Any) -> None:
    data = registry.group("data")
    crimes = data.add_parser("crimes", help="police.uk street-level crimes: import files or fetch months")
    sub = crimes.add_subparsers(dest="crimes_command", metavar="COMMAND", required=True)
    imp = sub.add_parser("import", help="import police.uk CSV or API JSON files (each all or nothing)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--area", required=True, help="area slug, e.g. southwark")
    imp.set_defaults(func=cmd_import)
    fet = sub.add_parser("fetch", help="fetch the newest months from the police.uk API (skipped offline)")
    fet.add_argument("--area", required=True)
    fet.add_argument("--months", type=int, default=3, help="how many of the newest months (default 3)")
    fet.set_defaults(func=cmd_fetch)
    agg = data.add_parser("aggregates", help="import ISTV, ambulance or transport aggregate files")
    agg_sub = agg.add_subparsers(dest="aggregates_command", metavar="COMMAND", required=True)
    agg_imp = agg_sub.add_parser("import", help="import aggregate CSV files (each all or nothing)")
    agg_imp.add_argument("files", nargs="+", metavar="FILE")
    agg_imp.add_argument("--area", required=True)
    agg_imp.add_argument("--source", required=True, choices=("istv", "ambulance", "transport"))
    agg_imp.set_defaults(func=cmd_aggregates)
    surf = data.add_parser("surface", help="the served risk surface")
    surf_sub = surf.add_subparsers(dest="surface_command", metavar="COMMAND", required=True)
    rb = surf_sub.add_parser("rollback", help="serve the previous risk surface again")
    rb.add_argument("--area", required=True)
    rb.set_defaults(func=cmd_rollback)
