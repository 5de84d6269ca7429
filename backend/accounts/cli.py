"""`wayhome users ...`: create the first admin account from the command line (other staff are invited)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import sys
from typing import Any

from backend.accounts.errors import AccountInvalid
from backend.domain_errors import DomainError
from backend.settings import Settings


async def _with_db(settings: Settings, work: Any) -> Any:
    from tortoise import Tortoise

    from backend.db import tortoise_config
    from backend.lifespan import apply_migrations

    if settings.auto_migrate:
        await apply_migrations(settings.database_url)
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    second = getpass.getpass("Repeat the password: ")
    if first != second:
        raise AccountInvalid("password_mismatch", "The two passwords differ.")
    return first


def cmd_create_admin(args: argparse.Namespace) -> int:
    from backend.accounts.audit import record_audit
    from backend.accounts.users import create_admin

    settings = Settings.from_env()
    try:
        password = _read_password(args)

        async def work() -> Any:
            user = await create_admin(email=args.email, password=password, display_name=args.name or "")
            await record_audit(
                None,
                None,
                action="admin_created_cli",
                object_type="user",
                object_id=user.id,
                actor_email="(command line)",
                details={"email": user.email},
            )
            return user

        user = asyncio.run(_with_db(settings, work))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for problem in exc.details.get("problems", [])[1:]:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    print(f"Created admin account {user.email} (id {user.id}).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from backend.accounts.models import User

    async def work() -> list[User]:
        return await User.all().order_by("email")

    for user in asyncio.run(_with_db(Settings.from_env(), work)):
        state = "active" if user.is_active else "disabled"
        print(f"{user.id}\t{user.email}\t{','.join(user.roles)}\t{state}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from backend.accounts.retention import purge
    from backend.params import LONDON
    from backend.surveys.service import purge_expired

    async def work() -> dict[str, int]:
        today = dt.datetime.now(LONDON).date()
        return {**await purge(), **await purge_expired(today=today)}

    counts = asyncio.run(_with_db(Settings.from_env(), work))
    print("Deleted past their retention period: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def add_commands(registry: Any) -> None:
    users = registry.group("users")
    create = users.add_parser("create-admin", help="create an admin account (prompts for the password)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", help="display name")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(func=cmd_create_admin)
    listing = users.add_parser("list", help="list staff accounts")
    listing.set_defaults(func=cmd_list)
    purging = users.add_parser("purge", help="delete ended sessions, old invitations and audit events (DPIA)")
    purging.set_defaults(func=cmd_purge)
