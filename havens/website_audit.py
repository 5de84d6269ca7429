"""Website audit: check every Haven's and help service's website and list broken or moved ones.

Redirects are not followed, so a permanent move is reported with its new address. The httpx transport is
injectable so tests can point the audit at a real loopback server.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import httpx

from havens.models import Haven, HelpService, WebsiteAuditRun

log = logging.getLogger("wayhome.havens.website_audit")
USER_AGENT = "WayHome website audit (+https://github.com/wayhome)"


@dataclass
class Target:
    url: str
    objects: list[dict[str, Any]] = field(default_factory=list)


async def collect_targets() -> list[Target]:
    """Every distinct website URL with the havens/services that use it."""
    targets: dict[str, Target] = {}

    def add(url: str, obj: dict[str, Any]) -> None:
        url = url.strip()
        if url.startswith(("http://", "https://")):
            targets.setdefault(url, Target(url=url)).objects.append(obj)

    for h in await Haven.exclude(website="").order_by("id"):
        add(h.website, {"type": "haven", "id": h.id, "name": h.name, "area": h.area})
    for s in await HelpService.all().order_by("id"):
        obj = {"type": "service", "id": s.id, "name": s.name, "area": s.area}
        urls = {s.website, *(c.get("value", "") for c in s.channels if c.get("kind") == "web")}
        for url in sorted(u for u in urls if u):
            add(url, obj)
    return list(targets.values())


def classify(status: int | None, location: str | None) -> str:
    if status is None:
        return "unreachable"
    if 200 <= status < 300:
        return "ok"
    if status in (301, 308):
        return "moved"
    if status in (302, 303, 307):
        return "redirect"
    return "broken"


async def check_url(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        response = await client.get(url)
    except httpx.TimeoutException:
        return {"url": url, "result": "timeout", "status": None, "location": None}
    except httpx.HTTPError as exc:
        return {"url": url, "result": "unreachable", "status": None, "location": None,
                "error": type(exc).__name__}  # fmt: skip
    location = response.headers.get("location")
    return {
        "url": url,
        "result": classify(response.status_code, location),
        "status": response.status_code,
        "location": urljoin(url, location) if location else None,
    }


async def run_audit(
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout_s: float = 10.0,
    concurrency: int = 8,
) -> WebsiteAuditRun:
    """Check every website once and store the run; problems are anything but `ok`."""
    started = datetime.now(UTC)
    targets = await collect_targets()
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(
        transport=transport, timeout=timeout_s, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    ) as client:

        async def one(target: Target) -> dict[str, Any]:
            async with limit:
                result = await check_url(client, target.url)
            return {**result, "objects": target.objects}

        results = await asyncio.gather(*(one(t) for t in targets))
    problems = sum(1 for r in results if r["result"] != "ok")
    run = await WebsiteAuditRun.create(
        started_at=started, finished_at=datetime.now(UTC), checked=len(results), problems=problems,
        results=sorted(results, key=lambda r: (r["result"] == "ok", r["url"])),
    )  # fmt: skip
    log.info("website audit finished", extra={"checked": len(results), "problems": problems})
    return run


def run_summary(run: WebsiteAuditRun | None) -> dict[str, Any]:
    if run is None:
        return {"run": None, "problems": [], "results": []}
    return {
        "run": {
            "id": run.id,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat(),
            "checked": run.checked,
            "problems": run.problems,
        },
        "problems": [r for r in run.results if r.get("result") != "ok"],
        "results": run.results,
    }


async def latest_run() -> WebsiteAuditRun | None:
    return await WebsiteAuditRun.all().order_by("-id").first()
