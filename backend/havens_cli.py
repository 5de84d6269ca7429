"""`wayhome audit websites` and `wayhome db seed` (`wayhome bench havens` lives in `bench/`).

The database comes from `Settings` like `serve` (DATABASE_URL, else var/wayhome.sqlite3 under WAYHOME_VAR_DIR).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from backend.accounts.cli import _with_db
from backend.settings import Settings


def cmd_audit_websites(args: argparse.Namespace) -> int:
    from backend.api.admin.partner_websites import audit_policy
    from havens.website_audit import run_audit

    settings = Settings.from_env()
    policy = audit_policy(settings)
    run = asyncio.run(_with_db(settings, lambda: run_audit(policy=policy, timeout_s=args.timeout)))
    print(f"checked {run.checked} website(s); {run.problems} broken, moved or unreachable")
    for r in run.results:
        if r["result"] != "ok":
            names = ", ".join(f"{o['type']} {o['id']} {o['name']}" for o in r["objects"])
            extra = f" -> {r['location']}" if r.get("location") else ""
            print(f"  {r['result']:<11} {r.get('status') or '-':>4} {r['url']}{extra}  ({names})")
    return 0


def cmd_db_seed(args: argparse.Namespace) -> int:
    from content.areas import load_all_areas
    from havens.seed import seed_from_content

    settings = Settings.from_env()
    areas = load_all_areas(tuple(args.areas) or None, areas_dir=settings.areas_dir)
    counts = asyncio.run(_with_db(settings, lambda: seed_from_content(areas=areas)))
    print("seeded: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def add_commands(registry: Any) -> None:
    audit = registry.group("audit").add_parser("websites", help="check every Haven's and service's website")
    audit.add_argument("--timeout", type=float, default=10.0, help="seconds per website (default 10)")
    audit.set_defaults(func=cmd_audit_websites)
    try:
        seed = registry.group("db").add_parser(
            "seed", help="add missing public places, services and messages"
        )
    except argparse.ArgumentError:
        return
    seed.add_argument("areas", nargs="*", help="area slugs (default: every area)")
    seed.set_defaults(func=cmd_db_seed)
