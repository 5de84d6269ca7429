"""Download an area's full walking network from the console: fetch, build, then switch its routes over.

One job per area at a time, run in a thread (network and CPU work never on the event loop); the console polls
the status, which says in words which step is running. `wayhome data streets` does the same from a shell.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend.state import AppState

log = logging.getLogger("wayhome.streets_download")

STEPS = (
    "Checking that OpenStreetMap can be reached",
    "Downloading the walking network from OpenStreetMap",
    "Building the street map WayHome routes on",
    "Switching routes over to the full street map",
)
UNREACHABLE = (
    "OpenStreetMap cannot be reached from this server just now. Try again later, or ask whoever runs the "
    "server to run `wayhome data streets {slug} --osm FILE` with a downloaded extract."
)


class DownloadRunning(Exception):
    """A download for this area is already running."""


@dataclass
class DownloadStatus:
    area: str
    state: str = "idle"  # idle, running, done, failed
    step: int = 0  # 1-based while running
    steps: int = len(STEPS)
    step_label: str = ""
    message: str = ""
    started_at: str | None = None
    finished_at: str | None = None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _reachable() -> bool:
    from backend.cli import openstreetmap_reachable

    return openstreetmap_reachable()


class StreetDownloads:
    """Per-area download jobs of one app; `reachable` is replaceable so tests never touch the internet."""

    def __init__(self, *, reachable: Callable[[], bool] = _reachable) -> None:
        self.reachable = reachable
        self._jobs: dict[str, DownloadStatus] = {}
        self._lock = threading.Lock()

    def status(self, slug: str) -> dict[str, Any]:
        with self._lock:
            return asdict(self._jobs.get(slug) or DownloadStatus(area=slug))

    def start(self, *, slug: str, settings: Any, area: Any, routers: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            current = self._jobs.get(slug)
            if current is not None and current.state == "running":
                raise DownloadRunning(slug)
            self._jobs[slug] = DownloadStatus(area=slug, state="running", started_at=_now())
        thread = threading.Thread(
            target=self._run, args=(slug, settings, area, routers), name=f"streets-{slug}", daemon=True
        )
        thread.start()
        return self.status(slug)

    def _step(self, slug: str, number: int) -> None:
        with self._lock:
            job = self._jobs[slug]
            job.step, job.step_label = number, STEPS[number - 1]

    def _finish(self, slug: str, *, state: str, message: str) -> None:
        with self._lock:
            job = self._jobs[slug]
            job.state, job.message, job.finished_at = state, message, _now()

    def _run(self, slug: str, settings: Any, area: Any, routers: dict[str, Any]) -> None:
        from backend import directions
        from routing.fetch import FetchError

        try:
            self._step(slug, 1)
            if not self.reachable():
                self._finish(slug, state="failed", message=UNREACHABLE.format(slug=slug))
                return
            self._step(slug, 2)
            directions.fetch_streets(settings=settings, area=area, source=None)
            self._step(slug, 3)
            directions.build_area_artefacts(settings=settings, area=area)
            self._step(slug, 4)
            router = directions.load_one(settings, area)
            if router is not None:
                routers[slug] = router  # one assignment: requests in flight keep the router they took
            self._finish(slug, state="done", message=f"Routes in {area.name} now use the full street map.")
        except FetchError as exc:
            self._finish(
                slug, state="failed", message=f"The download did not finish: {exc}. Try again later."
            )
        except Exception:
            log.exception("street download failed", extra={"area": slug})
            self._finish(slug, state="failed", message="The download stopped with an error. Try again later.")


def _never() -> bool:
    return False


def downloads(state: AppState) -> StreetDownloads:
    """The app's download jobs (created on first use); with `osm_downloads` off OpenStreetMap is never tried."""
    if state.street_downloads is None:
        state.street_downloads = StreetDownloads(
            reachable=_reachable if state.settings.osm_downloads else _never
        )
    return state.street_downloads
