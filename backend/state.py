"""What the lifespan loads once and every request reads: `request.app.state.wayhome`.

Every piece of per-app state has a typed field here (no string-keyed grab bag), so a reader sees what an app
carries and mypy checks every use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import Request

from backend.hotspots.service import HotspotSync
from backend.settings import Settings
from backend.surfaces import SurfaceSync
from content.areas import AreaPack
from routing.render import HavenRef
from routing.router import Router

if TYPE_CHECKING:
    from backend.alerts.worker import OutboxWorker
    from backend.streets_download import StreetDownloads
    from backend.work_processes import WorkProcesses


@dataclass
class AppState:
    settings: Settings
    areas: dict[str, AreaPack]
    routers: dict[str, Router] = field(default_factory=dict)
    work_processes: WorkProcesses | None = None  # settings.work_processes > 0: searches run there
    # which hotspot revision / published surface each router carries (built at start-up, kept for requests)
    hotspot_sync: HotspotSync = field(default_factory=HotspotSync)
    surface_sync: SurfaceSync = field(default_factory=SurfaceSync)
    # (area, minute) -> (monotonic time read, open state of its Havens) for route weighting
    route_havens: dict[tuple[str, str], tuple[float, list[HavenRef]]] = field(default_factory=dict)
    offline_gazetteer: dict[str, bytes] = field(default_factory=dict)  # area -> gzipped gazetteer body
    vapid_public_key: str | None = None
    outbox_worker: OutboxWorker | None = None  # the in-process push worker, when it runs
    street_downloads: StreetDownloads | None = None  # created on first use by `streets_download.downloads`


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.wayhome
    return state
