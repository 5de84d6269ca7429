"""Keep police.uk street crimes current: fetch the newest months an area does not hold, import, swap the surface.

One path for `wayhome data crimes fetch` and for the worker's schedule (`WAYHOME_POLICEUK_REFRESH_DAYS`, off by
default): each month is imported through `partnership.service.import_crime_file` (all or nothing, duplicates
by Crime ID ignored, rows outside the area counted), then the area's surface is rebuilt once and published, so
every web worker swaps it in. Offline, a run logs one line and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from backend.settings import Settings
from partnership import fetch

log = logging.getLogger("wayhome.crime_refresh")
CHECK_EVERY_S = 600.0
OFFLINE_RETRY_S = 3600.0  # offline: try again in an hour (or at the next interval, if sooner)


@dataclass
class AreaRefresh:
    """What one fetch did for one area; `offline`/`failed` carry a sentence when nothing could be fetched."""

    area: str
    imported: list[dict[str, Any]] = field(default_factory=list)
    already_held: list[str] = field(default_factory=list)
    rejected: list[tuple[str, int]] = field(default_factory=list)  # (file, problems)
    offline: str = ""
    failed: str = ""
    published: dict[str, Any] | None = None


def fetch_policy(settings: Settings) -> Any:
    """The outbound guard's policy for police.uk: its host only; loopback (its port only) for tests."""
    return fetch.policy_for(settings.policeuk_api, allow_loopback=settings.policeuk_allow_loopback)


def client_for(settings: Settings, *, inner: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    return fetch.make_client(settings.policeuk_api, policy=fetch_policy(settings), inner=inner)


async def _scheduler_audit(result: dict[str, Any]) -> None:
    from backend.accounts.audit import record_audit

    await record_audit(
        None,
        None,
        action="crimes.fetch",
        object_type="data_import",
        object_id=result["import_id"],
        details={k: result[k] for k in ("area", "file", "months", "added", "duplicates", "outside_area")},
        actor_email="scheduler",
    )


async def refresh_area(
    *,
    settings: Settings,
    area: Any,
    months: int,
    client: httpx.AsyncClient,
    by_scheduler: bool = False,
    publish: bool = True,
) -> AreaRefresh:
    """Fetch the newest `months` police.uk months this area does not hold yet and import each one."""
    from partnership.models import CrimeMonth
    from partnership.service import AlreadyImported, ImportRejected, import_crime_file

    out = AreaRefresh(area=area.slug)
    try:
        available = await fetch.latest_months(client, months)
        held = await CrimeMonth.filter(area=area.slug).values_list("month", flat=True)
        wanted = fetch.months_to_fetch(available, [str(m) for m in held])
        out.already_held = sorted(set(available) - set(wanted))
        texts = [(f"police.uk-api-{area.slug}-{m}.json", await fetch.fetch_month(client, area.boundary, m))
                 for m in wanted]  # fmt: skip
    except fetch.Offline as exc:
        out.offline = str(exc)
        return out
    except fetch.FetchUnavailable as exc:
        out.failed = str(exc)
        return out
    for name, text in texts:
        try:
            out.imported.append(
                await import_crime_file(
                    area=area.slug,
                    boundary=area.boundary,
                    filename=name,
                    text=text,
                    imported_by=None,
                    audit=_scheduler_audit if by_scheduler else None,
                )
            )
        except ImportRejected as exc:
            out.rejected.append((name, len(exc.errors)))
        except AlreadyImported:
            out.already_held.append(name)
    if publish and any(r["added"] for r in out.imported):
        out.published = await publish_surface(settings, area)
    return out


async def publish_surface(settings: Settings, area: Any) -> dict[str, Any] | None:
    """Rebuild and publish the area's surface (every web worker swaps it in); None without street data."""
    from backend import directions, surfaces

    router = await asyncio.to_thread(directions.load_one, settings, area)
    if router is None:
        return None
    return await surfaces.publish(settings=settings, area=area, router=router, sync=surfaces.SurfaceSync())


def offline_line(areas: list[str], reason: str) -> str:
    return (
        f"police.uk cannot be reached, so no crimes were fetched for {', '.join(areas)} ({reason}); "
        "the worker tries again later."
    )


async def refresh_all(
    settings: Settings, areas: Mapping[str, Any], *, inner: httpx.AsyncBaseTransport | None = None
) -> list[AreaRefresh]:
    """One scheduled run over every area. Offline: exactly one log line for the run, nothing changed."""
    results: list[AreaRefresh] = []
    async with client_for(settings, inner=inner) as client:
        for area in areas.values():
            result = await refresh_area(
                settings=settings, area=area, months=settings.policeuk_refresh_months, client=client,
                by_scheduler=True,
            )  # fmt: skip
            if result.offline:  # the first area tells us: no point asking again for the others
                log.warning(offline_line(list(areas), result.offline), extra={"event": "policeuk_offline"})
                return [result]
            results.append(result)
            if result.failed:
                log.warning(f"{area.slug}: police.uk fetch failed: {result.failed}; nothing was imported.")
            for name, problems in result.rejected:
                log.warning(
                    f"{area.slug}: {name} was refused whole ({problems} problem(s)); nothing imported."
                )
            added = sum(r["added"] for r in result.imported)
            months = sorted({m for r in result.imported for m in r["months"]})
            log.info(
                f"{area.slug}: police.uk refresh added {added} crimes for {', '.join(months) or 'no new month'}"
                + (f"; risk surface revision {result.published['revision']}" if result.published else "")
            )
    return results


async def refresh_periodically(settings: Settings, areas: Mapping[str, Any], stop: asyncio.Event) -> None:
    """Until `stop`: a run at start, then every `policeuk_refresh_days`; after an offline run, within an hour."""
    every_s = settings.policeuk_refresh_days * 86400.0
    next_at = time.monotonic()
    while not stop.is_set():
        if time.monotonic() >= next_at:
            try:
                results = await refresh_all(settings, areas)
                offline = any(r.offline for r in results)
            except Exception:  # the push worker must keep running whatever police.uk does
                log.exception("police.uk refresh failed")
                offline = True
            next_at = time.monotonic() + (min(every_s, OFFLINE_RETRY_S) if offline else every_s)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                stop.wait(), timeout=min(CHECK_EVERY_S, max(1.0, next_at - time.monotonic()))
            )
