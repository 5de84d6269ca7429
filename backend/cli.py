"""The `wayhome` command.

Each domain adds its own subcommands through `add_commands(registry)`; the registry's `group("data")` returns
the nested subparsers of `wayhome data ...`, so `data build` (here) and `data streets` (routing) live side by side.
A command sets `func=callable(args) -> int | None` with `set_defaults`; settings come from `Settings.from_env()`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import sys
import time
from typing import Any

from backend.settings import Settings

COMMAND_MODULES = (
    "backend.directions",
    "backend.accounts.cli",
    "backend.alerts.cli",
    "backend.havens_cli",
    "backend.insights.cli",
    "backend.partnership_cli",
)
# benchmarks and evaluations live outside the product packages: skipped (with a note) when not installed
BENCH_MODULES = ("bench.commands", "bench.eval_routes", "bench.loop")
GROUP_HELP = {
    "db": "database schema: apply or create migrations",
    "data": "area data packs and the artefacts built from them",
    "bench": "benchmarks (print figures and ratios against a baseline)",
    "eval": "evaluations of the risk model",
    "users": "staff accounts",
    "vapid": "Web Push VAPID keys",
    "audit": "checks over the directory",
}


class CommandRegistry:
    def __init__(self, subparsers: Any) -> None:
        self._subparsers = subparsers
        self._groups: dict[str, Any] = {}

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self._subparsers.add_parser(name, **kwargs)
        return parser

    def group(self, name: str, help: str | None = None) -> Any:
        if name not in self._groups:
            text = help or GROUP_HELP.get(name, name)
            parser = self._subparsers.add_parser(name, help=text, description=text)
            self._groups[name] = parser.add_subparsers(
                dest=f"{name}_command", metavar="COMMAND", required=True
            )
        return self._groups[name]


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = Settings.from_env()
    host = args.host or settings.host
    port = args.port or settings.port
    print(
        f"WayHome: serving on http://{host}:{port} (database: {settings.database_url.split(':')[0]})",
        flush=True,
    )
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=False,  # X-Forwarded-For is read only behind WAYHOME_TRUSTED_PROXIES
        access_log=False,
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from backend.lifespan import apply_migrations

    settings = Settings.from_env()
    asyncio.run(apply_migrations(settings.database_url))
    print("Database schema is up to date.")
    return 0


def cmd_db_makemigrations(args: argparse.Namespace) -> int:
    from tortoise.cli.cli import run_cli_async

    argv = ["-c", "backend.db.TORTOISE_ORM", "makemigrations", *args.apps]
    if args.name:
        argv += ["--name", args.name]
    return int(asyncio.run(run_cli_async(argv)) or 0)


def openstreetmap_reachable(timeout_s: float = 3.0) -> bool:
    """Can we open a connection to the Overpass API osmnx uses? (never blocks longer than timeout_s)"""
    import socket
    from urllib.parse import urlsplit

    import osmnx as ox

    host = urlsplit(str(ox.settings.overpass_url)).hostname or ""
    try:
        with socket.create_connection((host, 443), timeout=timeout_s):
            return True
    except OSError:
        return False


def fetch_missing_streets(settings: Settings, pack: Any) -> None:
    """For an area with partial offline streets: fetch the full network when online, else say so in one line."""
    from backend import directions
    from routing.fetch import FetchError

    _, coverage = directions.street_files(settings=settings, area=pack)
    if coverage == "full":
        return
    if not openstreetmap_reachable():
        print(
            f"{pack.slug}: full streets are not cached and OpenStreetMap cannot be reached: serving partial "
            f"streets (run `wayhome data streets {pack.slug}` when online).",
            flush=True,
        )
        return
    try:
        path = directions.fetch_streets(settings=settings, area=pack, source=None)
    except FetchError as exc:
        print(f"{pack.slug}: could not fetch full streets ({exc}): serving partial streets.", flush=True)
        return
    print(f"{pack.slug}: full walking network cached at {path}", flush=True)


def cmd_data_build(args: argparse.Namespace) -> int:
    from backend import directions
    from content.areas import load_all_areas

    settings = Settings.from_env()
    areas = load_all_areas(tuple(args.areas) or settings.areas or None, areas_dir=settings.areas_dir)
    for slug, pack in areas.items():
        if args.fetch_missing:
            fetch_missing_streets(settings, pack)
        started = time.perf_counter()
        directions.build_area_artefacts(settings=settings, area=pack, force=args.force)
        _, coverage = directions.street_files(settings=settings, area=pack)
        print(
            f"{slug}: {coverage} streets, artefacts ready in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return 0


def cmd_data_pack(args: argparse.Namespace) -> int:
    import runpy

    from backend.settings import ROOT

    argv = [
        "build_area_packs.py",
        *(["--source", args.source] if args.source else []),
        *(["--only", args.only] if args.only else []),
    ]
    old = sys.argv
    sys.argv = argv
    try:
        runpy.run_path(str(ROOT / "scripts" / "build_area_packs.py"), run_name="__main__")
    finally:
        sys.argv = old
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wayhome",
        description="WayHome: safer routes home from school, CitySafe Havens, help and alerts. "
        "Settings come from environment variables (see README).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    registry = CommandRegistry(sub)

    serve = registry.add_parser("serve", help="run the web service (and an in-process push worker)")
    serve.add_argument("--host", help="address to listen on (default WAYHOME_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default PORT or 8000)")
    serve.set_defaults(func=cmd_serve)

    db = registry.group("db")
    up = db.add_parser("upgrade", help="apply all migrations to DATABASE_URL")
    up.set_defaults(func=cmd_db_upgrade)
    mk = db.add_parser("makemigrations", help="write new migrations from model changes (developers)")
    mk.add_argument("apps", nargs="*", help="app labels (havens, accounts, alerts, hotspots)")
    mk.add_argument("--name")
    mk.set_defaults(func=cmd_db_makemigrations)

    data = registry.group("data")
    build = data.add_parser("build", help="build the fast artefacts (street graph arrays) the service loads")
    build.add_argument("areas", nargs="*", help="area slugs (default: every area)")
    build.add_argument("--force", action="store_true", help="rebuild even when inputs are unchanged")
    build.add_argument(
        "--fetch-missing",
        action="store_true",
        help="first fetch full street networks that are not cached yet, when OpenStreetMap is reachable",
    )
    build.set_defaults(func=cmd_data_build)
    pack = data.add_parser("pack", help="rebuild content/areas/<slug>/ from the open data sources")
    pack.add_argument("--source", help="folder of the open data (default ../shared/data)")
    pack.add_argument("--only", help="one area slug")
    pack.set_defaults(func=cmd_data_pack)

    for name in (*COMMAND_MODULES, *BENCH_MODULES):
        if name in BENCH_MODULES and importlib.util.find_spec(name.partition(".")[0]) is None:
            continue  # a product install without the dev tools; product modules are imported unguarded
        module = importlib.import_module(name)
        add = getattr(module, "add_commands", None)
        if add is not None:
            add(registry)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
