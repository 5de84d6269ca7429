"""Start-up and shut-down: database, migrations, area packs, route engines, in-process push worker.

Tortoise 1.x keeps connections in a context variable; RegisterTortoise enables the global fallback so request
tasks see the connections opened here (see shared notes, stack-facts.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from tortoise.contrib.starlette import RegisterTortoise

from backend import directions
from backend.alerts import worker
from backend.db import tortoise_config
from backend.settings import Settings
from backend.state import AppState
from backend.work_processes import WorkProcesses
from content.areas import load_all_areas
from havens.seed import seed_from_content

log = logging.getLogger("wayhome.lifespan")


async def apply_migrations(db_url: str) -> None:
    """Bring the schema up to date (`wayhome db upgrade` does the same from the command line)."""
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    config = tortoise_config(db_url)
    if not config["apps"]:
        return
    try:
        await migrate(config=config)
    finally:
        await Tortoise.close_connections()


def make_lifespan(settings: Settings):  # type: ignore[no-untyped-def]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        started = time.perf_counter()
        areas = load_all_areas(settings.areas or None, areas_dir=settings.areas_dir)
        state = AppState(settings=settings, areas=areas)
        app.state.wayhome = state
        if settings.auto_migrate:
            await apply_migrations(settings.database_url)
        config = tortoise_config(settings.database_url)
        async with contextlib.AsyncExitStack() as stack:
            if config["apps"]:
                await stack.enter_async_context(RegisterTortoise(app, config=config, generate_schemas=False))
            await _seed(state)
            state.routers = await directions.load_route_engines(
                settings=settings, areas=areas, hotspot_sync=state.hotspot_sync if config["apps"] else None
            )
            await stack.enter_async_context(work_processes(state))
            await stack.enter_async_context(worker.in_process_worker(state))
            log.info(
                "ready",
                extra={"areas": sorted(areas), "startup_ms": round(1000 * (time.perf_counter() - started))},
            )
            yield

    return lifespan


@contextlib.asynccontextmanager
async def work_processes(state: AppState) -> AsyncIterator[None]:
    """With `work_processes` set, start the route processes now and load their routers in the background."""
    if state.settings.work_processes <= 0 or not state.routers:
        yield
        return
    pool = WorkProcesses(
        settings=state.settings, routers=state.routers, processes=state.settings.work_processes
    )
    state.work_processes = pool
    warming = asyncio.create_task(pool.warm())
    try:
        yield
    finally:
        warming.cancel()
        state.work_processes = None
        pool.close()


async def _seed(state: AppState) -> None:
    """Load directory content (public places, national services, key messages) into an empty database."""
    await seed_from_content(areas=state.areas)
