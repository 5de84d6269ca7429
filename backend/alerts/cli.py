"""`wayhome worker` and `wayhome vapid new` (`wayhome bench push` lives in `bench/`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from backend.settings import Settings


def cmd_worker(args: argparse.Namespace) -> int:
    from backend.alerts.worker import WorkerConfig, run_standalone
    from backend.logs import configure_logging

    settings = Settings.from_env()
    if args.allow_loopback_push:  # the same as WAYHOME_PUSH_ALLOW_LOOPBACK=1
        settings = settings.with_changes(push_allow_loopback=True)
    configure_logging(settings.log_level)
    config = WorkerConfig(
        concurrency=args.concurrency, batch=args.batch, lease_s=args.lease_s, poll_s=args.poll_s
    )
    asyncio.run(run_standalone(settings, config=config, once=args.once))
    return 0


def cmd_vapid_new(args: argparse.Namespace) -> int:
    from py_vapid import Vapid02

    from backend.alerts.vapid import ENV_PRIVATE_KEY, new_private_pem, public_key_b64, write_key_file

    if args.print:
        pem = new_private_pem()
        print(f"# Store as the secret {ENV_PRIVATE_KEY} (newlines may be written as \\n):")
        print(pem.decode().strip())
        print(f"# Public key (applicationServerKey): {public_key_b64(Vapid02.from_pem(pem))}")
        return 0
    settings = Settings.from_env()
    try:
        path = write_key_file(var_dir=settings.var_dir, force=args.force)
    except FileExistsError as exc:
        print(f"Refusing: {exc}. Use --force to replace it.", file=sys.stderr)
        return 1
    print(f"Wrote {path} (mode 600). Public key: {public_key_b64(Vapid02.from_pem(path.read_bytes()))}")
    return 0


def add_commands(registry: Any) -> None:
    worker = registry.add_parser(
        "worker", help="deliver queued Web Push notices (several may share the outbox)"
    )
    worker.add_argument("--concurrency", type=int, default=64, help="requests in flight (default 64)")
    worker.add_argument("--batch", type=int, default=500, help="deliveries claimed per round (default 500)")
    worker.add_argument(
        "--lease-s", type=float, default=60.0, help="claim lease before another worker retries"
    )
    worker.add_argument("--poll-s", type=float, default=1.0, help="idle polling interval")
    worker.add_argument("--once", action="store_true", help="drain what is due, then exit")
    worker.add_argument(
        "--allow-loopback-push",
        action="store_true",
        help="local testing only: allow http://127.0.0.1 endpoints (same as WAYHOME_PUSH_ALLOW_LOOPBACK=1)",
    )
    worker.set_defaults(func=cmd_worker)

    vapid = registry.group("vapid")
    new = vapid.add_parser("new", help="create the VAPID key pair in var/ (or --print it for a secret store)")
    new.add_argument("--print", action="store_true", help="print a new key instead of writing var/")
    new.add_argument("--force", action="store_true", help="replace an existing key (breaks subscriptions)")
    new.set_defaults(func=cmd_vapid_new)
