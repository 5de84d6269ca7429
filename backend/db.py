"""Tortoise configuration: one app per domain, each with its own migrations package.

Separate apps let each domain evolve its schema on its own; the same migrations run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import importlib.util
from typing import Any

DOMAIN_APPS: dict[str, tuple[str, str]] = {
    "havens": ("havens.models", "havens.migrations"),
    "accounts": ("backend.accounts.models", "backend.accounts.migrations"),
    "alerts": ("backend.alerts.models", "backend.alerts.migrations"),
    "hotspots": ("backend.hotspots.models", "backend.hotspots.migrations"),
    "haven_applications": ("havens.applications.models", "havens.applications.migrations"),
    "partnership": ("partnership.models", "partnership.migrations"),
    "insights": ("backend.insights.models", "backend.insights.migrations"),
    "surveys": ("backend.surveys.models", "backend.surveys.migrations"),
}


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def tortoise_config(db_url: str) -> dict[str, Any]:
    apps: dict[str, Any] = {}
    for label, (models, migrations) in DOMAIN_APPS.items():
        if _exists(models):
            app: dict[str, Any] = {"models": [models], "default_connection": "default"}
            if _exists(migrations):
                app["migrations"] = migrations
            apps[label] = app
    return {"connections": {"default": db_url}, "apps": apps, "use_tz": True, "timezone": "UTC"}


def _env_config() -> dict[str, Any]:
    from backend.settings import Settings

    return tortoise_config(Settings.from_env().database_url)  # the same database `serve` uses


# For `python -m tortoise -c backend.db.TORTOISE_ORM ...` (wayhome db ... wraps the same commands).
TORTOISE_ORM = _env_config()


def _guard_sqlite_comments() -> None:
    """Tortoise 1.1.9 runs SQLite migrations by splitting the DDL on ';', including inside table and column
    comments taken from docstrings; a docstring with a semicolon then breaks the migration. Comments are
    documentation only, so replace the semicolon there."""
    from tortoise.migrations.schema_editor.sqlite import SqliteSchemaEditor

    original = SqliteSchemaEditor._escape_comment
    if getattr(original, "_wayhome_guarded", False):
        return

    def escape(self: SqliteSchemaEditor, comment: str) -> str:
        return original(self, comment).replace(";", ",")

    escape._wayhome_guarded = True  # type: ignore[attr-defined]
    SqliteSchemaEditor._escape_comment = escape  # type: ignore[assignment,method-assign]


_guard_sqlite_comments()
