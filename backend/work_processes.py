"""CPU work (route searches, QR codes) in worker processes at a lower priority: the event loop never waits.

In threads, the searches release the GIL but assembling and serialising each route does not, and with a few
routes in flight a Havens lookup or a sign-in waited for the GIL (`wayhome bench loop`: 4-5x the idle p95).
Each process loads the same routers from the built artefacts once. A request carries its router's state key
(surface generation, hotspot version); a process that has not seen that state yet answers `StateMissing` and
the request is sent again with the state itself (surface and live hotspots), so every process answers exactly
as the web process's router would, and a hotspot or surface change costs one extra round trip per process.

A process that dies (killed, out of memory) breaks the pool: the request in hand is answered in a thread and
a new pool is started, so nobody sees an error (`tests/backend/test_work_processes.py`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from backend.settings import HALF_THE_CORES, Settings

if TYPE_CHECKING:
    from routing.router import LiveState, Router

log = logging.getLogger("wayhome.work_processes")
T = TypeVar("T")

MAX_BREAKS = 3
ROUTE_NICE = 10  # below the web process, so the event loop gets a core whenever it has work
# Without work processes (or while they are down), route searches run in this bounded thread pool: half the
# cores, so the event loop (and argon2) keep a core; more searches at once only add latency.
ROUTE_THREADS = HALF_THE_CORES
_route_threads = ThreadPoolExecutor(max_workers=ROUTE_THREADS, thread_name_prefix="routes")


async def in_route_threads(router: Router, **query: Any) -> bytes:
    """`Router.routes_json` in the bounded route threads (the numba searches release the GIL there)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_route_threads, functools.partial(router.routes_json, **query))


# ---- inside a route process ------------------------------------------------------------------------------

_ROUTERS: dict[str, Router] = {}
_CARRIED: dict[str, tuple[int, int]] = {}


class StateMissing(Exception):
    """This process does not carry the router state the request was computed against: send it."""


def _start(settings: Settings, slugs: tuple[str, ...]) -> None:
    """Process initializer: lower priority, then the areas' routers from the artefacts the web process built."""
    from backend import directions
    from content.areas import load_area

    os.nice(ROUTE_NICE)
    directions.use_numba_cache_dir(settings)
    for slug in slugs:
        router = directions.load_one(settings, load_area(slug, areas_dir=settings.areas_dir))
        if router is not None:
            _ROUTERS[slug] = router


def _ready() -> int:
    return os.getpid()


def _routes_json(slug: str, key: tuple[int, int], state: LiveState | None, query: dict[str, Any]) -> bytes:
    router = _ROUTERS[slug]
    if state is not None and _CARRIED.get(slug) != state.key:
        router.take_state(state)
        _CARRIED[slug] = state.key
    if _CARRIED.get(slug) != key:
        raise StateMissing(slug)
    return router.routes_json(**query)


# ---- in the web process ----------------------------------------------------------------------------------


class WorkProcesses:
    """A pool of work processes for the areas served; `routes_json` answers like `Router.routes_json`."""

    def __init__(self, *, settings: Settings, routers: Mapping[str, Router], processes: int) -> None:
        self._settings, self._processes = settings, processes
        self._routers = dict(routers)  # the web routers the processes were loaded for
        self._pool = self._new_pool()
        self._breaks = 0  # pools broken in a row; after MAX_BREAKS routes stay in threads

    def _new_pool(self) -> ProcessPoolExecutor:
        # "spawn": the web process runs threads (numba, the loop), which a fork would copy mid-flight.
        return ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self._settings, tuple(sorted(self._routers))),
        )

    @property
    def in_threads(self) -> bool:
        """True once processes failed to start MAX_BREAKS times in a row: routes are then searched in threads."""
        return self._breaks >= MAX_BREAKS

    async def warm(self) -> list[int]:
        """Start every process and load its routers (in the background at start-up); their process ids."""
        loop = asyncio.get_running_loop()
        pool = self._pool
        try:
            pids = await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(self._processes)))
        except BrokenProcessPool:
            self._broken(pool)
            return []
        self._breaks = 0
        return list(pids)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """A module-level function of picklable arguments in a work process (pure-Python CPU work such as a
        QR code, which in a thread would hold the GIL the event loop needs); in a thread if they are down."""
        if not self.in_threads:
            pool = self._pool
            try:
                return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
            except BrokenProcessPool:
                self._broken(pool)
        return await asyncio.to_thread(fn, *args)

    def pids(self) -> list[int]:
        return sorted(getattr(self._pool, "_processes", None) or {})

    async def routes_json(self, router: Router, **query: Any) -> bytes:
        loop = asyncio.get_running_loop()
        if self.in_threads:
            return await in_route_threads(router, **query)
        if self._routers.get(router.slug) is not router:
            # new streets for an area (the console's download): processes load the new artefacts
            self._routers[router.slug] = router
            log.info("an area's streets changed: starting new route processes")
            self._replace(self._pool)
        pool = self._pool
        try:
            try:
                body = await loop.run_in_executor(
                    pool, _routes_json, router.slug, router.state_key(), None, query
                )
            except StateMissing:
                state = router.live_state()
                body = await loop.run_in_executor(pool, _routes_json, router.slug, state.key, state, query)
        except BrokenProcessPool:
            self._broken(pool)
            return await in_route_threads(router, **query)
        else:
            self._breaks = 0
            return body

    def _broken(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is not pool:
            return  # another request already replaced it
        self._breaks += 1
        if self.in_threads:
            log.error("route processes keep stopping: routes are searched in threads from now on")
            return
        log.warning("a route process stopped: starting new ones (requests meanwhile are answered in threads)")
        self._replace(pool)

    def _replace(self, old: ProcessPoolExecutor) -> None:
        if self._pool is old:
            self._pool = self._new_pool()
            old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
