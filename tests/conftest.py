"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL when WAYHOME_TEST_DATABASE_URL is set),
an app with its lifespan running, and an httpx client speaking to it in-process.

Migrations run once per session into a template database; each test gets a copy, so every test starts from
the real schema without paying for the migrations again.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from backend.app import create_app
from backend.lifespan import apply_migrations
from backend.settings import ROOT, Settings

PG_URL = os.environ.get("WAYHOME_TEST_DATABASE_URL", "").replace("postgresql://", "postgres://", 1)
SHARED_BUILD_DIR = Path(os.environ.get("WAYHOME_TEST_BUILD_DIR", ROOT / "var" / "test-build"))


async def _pg_admin(sql: str) -> None:
    import asyncpg

    base, _, _ = PG_URL.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres".replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_url(name: str) -> str:
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with every migration applied: a SQLite file path or a PostgreSQL database name."""
    if PG_URL:
        name = f"wayhome_tpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        asyncio.run(apply_migrations(_pg_url(name)))
        yield name
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        asyncio.run(apply_migrations(f"sqlite://{path}"))
        yield str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        name = f"wayhome_t_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        yield _pg_url(name)
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path / "wayhome.sqlite3"
        if Path(template_database).exists():
            shutil.copyfile(template_database, path)
        yield f"sqlite://{path}"


def make_settings(database_url: str, var_dir: Path, **changes: object) -> Settings:
    """Settings for tests: loopback push allowed, rate limits off unless a test turns them on."""
    var_dir.mkdir(parents=True, exist_ok=True)
    base = Settings(
        database_url=database_url,
        var_dir=var_dir,
        secret_key="test-secret-key-" + "x" * 32,
        push_allow_loopback=True,
        osm_downloads=False,
        auto_migrate=True,
        rate_limits_enabled=False,
        in_process_worker=False,
        artefacts_dir=SHARED_BUILD_DIR,
        log_level="INFO",
    )
    return base.with_changes(**changes)


@pytest.fixture(scope="session", autouse=True)
def street_artefacts(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build every area's street artefacts and compile the routing kernels once, before any app starts,
    so no test's start-up pays for it (or times out on a fresh clone)."""
    from backend.directions import load_route_engines
    from content.areas import load_all_areas

    settings = make_settings("sqlite://:memory:", tmp_path_factory.mktemp("warm") / "var")
    asyncio.run(load_route_engines(settings=settings, areas=load_all_areas()))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "var")


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with LifespanManager(app, startup_timeout=120, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            yield http
