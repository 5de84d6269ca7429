"""`wayhome plan patrol --area SLUG --out DIR`: the printable patrol plan (HTML and PDF) in one command."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from backend.insights.errors import InsightsNotReady
from backend.settings import Settings


async def _patrol_files(args: argparse.Namespace, settings: Settings) -> list[Path]:
    from backend.accounts.cli import _with_db
    from backend.alerts.finish_times import LONDON
    from backend.directions import load_route_engines
    from backend.hotspots.service import HotspotSync
    from backend.insights import service
    from content.areas import load_all_areas
    from insights.patrol import plan_patrol
    from insights.pdf import plan_pdf
    from insights.printable import notice_text, plan_html

    areas = load_all_areas((args.area,))
    pack = areas[args.area]

    async def work() -> list[Path]:
        routers = await load_route_engines(settings=settings, areas=areas, hotspot_sync=HotspotSync())
        if args.area not in routers:
            raise InsightsNotReady("no_streets", f"{pack.name} has no street data yet.")
        today = dt.datetime.now(LONDON).date()
        day = args.date or service.next_school_day(today=today)
        result = await service.day_analysis(router=routers[args.area], pack=pack, day=day)
        start, end = service.after_school_window(result.analysis)
        if args.start:
            start = dt.datetime.combine(day, args.start, tzinfo=LONDON)
        if args.end:
            end = dt.datetime.combine(day, args.end, tzinfo=LONDON)
        patrol = await asyncio.to_thread(
            plan_patrol, result.analysis, start=start, end=end, points=args.points
        )
        stem = f"patrol-plan-{args.area}-{day.isoformat()}"
        title, body = notice_text(result.analysis, patrol)
        files = {
            f"{stem}.html": plan_html(result.analysis, patrol, area_name=pack.name).encode(),
            f"{stem}.pdf": plan_pdf(result.analysis, patrol, area_name=pack.name),
            f"{stem}-notice.txt": f"{title}\n\n{body}\n".encode(),
        }
        written = await asyncio.to_thread(_write, args.out, files)
        for note in result.notes:
            print(note)
        print(
            f"Patrol plan for {pack.name} on {day:%A %d %B %Y}, {start:%H:%M}-{end:%H:%M}: "
            f"{len(patrol.points)} points, a {patrol.loop_m / 1000:.1f} km loop."
        )
        return written

    paths: list[Path] = await _with_db(settings, work)
    return paths


def _write(out: Path, files: dict[str, bytes]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return [out / name for name in files]


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time of day such as 15:30") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def cmd_plan_patrol(args: argparse.Namespace) -> int:
    from backend.insights.errors import InsightsError
    from content.areas import available_areas

    if args.area not in available_areas():
        print(f"No area named {args.area!r}. Areas: {', '.join(available_areas())}.", file=sys.stderr)
        return 2
    try:
        paths = asyncio.run(_patrol_files(args, Settings.from_env()))
    except InsightsError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    for path in paths:
        print(f"Wrote {path}")
    return 0


def add_commands(registry: Any) -> None:
    plan = registry.group("plan", help="plans for officers: end-of-school patrols")
    patrol = plan.add_parser("patrol", help="write a printable patrol plan (HTML and PDF) for an area")
    patrol.add_argument("--area", required=True, help="area slug, e.g. north-london-demo")
    patrol.add_argument("--out", required=True, type=Path, help="directory to write the plan into")
    patrol.add_argument("--date", type=_date, help="YYYY-MM-DD (default: the next weekday)")
    patrol.add_argument("--from", dest="start", type=_time, help="start (default: the first finish time)")
    patrol.add_argument(
        "--to", dest="end", type=_time, help="end (default: 90 minutes after the last finish)"
    )
    patrol.add_argument(
        "--points", type=int, default=5, choices=range(1, 13), metavar="N", help="patrol points"
    )
    patrol.set_defaults(func=cmd_plan_patrol)
