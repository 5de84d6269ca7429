"""Website audit: check Havens', help services' and partners' web pages; list broken, moved and stale ones.

Every request goes through the shared outbound guard (`outbound`): http(s) on standard ports only, and the
site name must resolve to public addresses only, checked again on every redirect hop, connecting to the
checked address. Redirects are followed hop by hop so the final address is recorded. The page body is hashed
so a change since the last check shows up; a partner page that has not changed for a year is "stale".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from havens.models import Haven, HelpService, PartnerWebsite, WebsiteAuditRun, havens_transaction
from outbound import GuardedTransport, OutboundPolicy, fetch_following_redirects
from outbound.transport import FetchOutcome

log = logging.getLogger("wayhome.havens.website_audit")
USER_AGENT = "WayHome website audit (+https://github.com/wayhome)"
STALE_AFTER = timedelta(days=365)
RESULTS = ("ok", "moved", "redirect", "broken", "timeout", "unreachable", "refused")


@dataclass
class Target:
    url: str
    objects: list[dict[str, Any]] = field(default_factory=list)


async def collect_targets() -> list[Target]:
    """Every distinct website URL with the havens/services/partner entries that use it."""
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
    for p in await PartnerWebsite.all().order_by("id"):
        add(p.url, {"type": "partner", "id": p.id, "name": p.name, "area": p.area, "kind": p.kind})
    return list(targets.values())


def classify(outcome: FetchOutcome) -> str:
    if outcome.refused is not None:
        return "unreachable" if outcome.refused.code == "unresolvable" else "refused"
    if outcome.error == "timeout":
        return "timeout"
    if outcome.status is None:
        return "unreachable" if outcome.error != "too_many_redirects" else "broken"
    if not 200 <= outcome.status < 300:
        return "broken"
    if outcome.hops:
        return "moved" if outcome.moved_permanently else "redirect"
    return "ok"


def outcome_json(outcome: FetchOutcome, previous_sha256: str | None) -> dict[str, Any]:
    result = classify(outcome)
    changed = (
        None
        if outcome.content_sha256 is None or not previous_sha256
        else outcome.content_sha256 != previous_sha256
    )
    return {
        "url": outcome.url,
        "result": result,
        "status": outcome.status,
        "final_url": outcome.final_url if outcome.status is not None else None,
        "location": outcome.hops[0][1] if outcome.hops else None,
        "content_sha256": outcome.content_sha256,
        "changed": changed,
        "refused_reason": outcome.refused.message if outcome.refused else None,
    }


async def _previous_hashes() -> dict[str, str]:
    run = await latest_run()
    if run is None:
        return {}
    return {str(r["url"]): str(r["content_sha256"]) for r in run.results if r.get("content_sha256")}


async def _update_partners(results: list[dict[str, Any]], now: datetime) -> None:
    for r in results:
        for obj in r["objects"]:
            if obj["type"] != "partner":
                continue
            partner = await PartnerWebsite.get_or_none(id=obj["id"])
            if partner is None:
                continue
            new_hash = r.get("content_sha256") or ""
            changed = bool(new_hash and partner.content_sha256 and new_hash != partner.content_sha256)
            if new_hash and (changed or not partner.content_sha256):
                partner.content_changed_at = now
            partner.changed_since_last_check = changed
            partner.content_sha256 = new_hash or partner.content_sha256
            partner.checked_at, partner.result, partner.status = now, r["result"], r["status"]
            partner.final_url = r.get("final_url") or ""
            await partner.save()


async def run_audit(
    *,
    policy: OutboundPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout_s: float = 10.0,
    concurrency: int = 8,
    audit: Callable[[WebsiteAuditRun], Awaitable[None]] | None = None,
) -> WebsiteAuditRun:
    """Check every website once through the outbound guard and store the run (problems: not `ok`).

    The fetches happen first, outside any transaction; the run, the partners' new states and `audit` (the staff
    audit row, when a person started it) are then stored together or not at all.
    """
    started = datetime.now(UTC)
    targets = await collect_targets()
    previous = await _previous_hashes()
    limit = asyncio.Semaphore(concurrency)
    guarded = GuardedTransport(policy=policy or OutboundPolicy(), inner=transport)
    async with httpx.AsyncClient(
        transport=guarded, timeout=timeout_s, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    ) as client:

        async def one(target: Target) -> dict[str, Any]:
            async with limit:
                outcome = await fetch_following_redirects(client, target.url)
            return {**outcome_json(outcome, previous.get(target.url)), "objects": target.objects}

        results = list(await asyncio.gather(*(one(t) for t in targets)))
    finished = datetime.now(UTC)
    problems = sum(1 for r in results if r["result"] != "ok")
    async with havens_transaction():
        await _update_partners(results, finished)
        run = await WebsiteAuditRun.create(
            started_at=started, finished_at=finished, checked=len(results), problems=problems,
            results=sorted(results, key=lambda r: (r["result"] == "ok", r["url"])),
        )  # fmt: skip
        if audit is not None:
            await audit(run)
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


def partner_json(p: PartnerWebsite, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    stale = bool(p.content_changed_at and now - p.content_changed_at > STALE_AFTER)
    return {
        "id": p.id,
        "name": p.name,
        "url": p.url,
        "kind": p.kind,
        "area": p.area,
        "added_by": p.added_by,
        "checked_at": p.checked_at.isoformat() if p.checked_at else None,
        "result": p.result or None,
        "status": p.status,
        "final_url": p.final_url or None,
        "changed_since_last_check": p.changed_since_last_check,
        "content_changed_at": p.content_changed_at.isoformat() if p.content_changed_at else None,
        "stale": stale,
    }
