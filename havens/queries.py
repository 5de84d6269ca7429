"""Public read side: nearest havens, haven points for routing, help services, published key messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from content.messages import TIERS
from content.services import RELATED_NEEDS, national_services_cached
from havens.arrival import arrival_rank, open_on_arrival
from havens.hours import LONDON, OpenState, is_open, open_state
from havens.index_cache import area_index
from havens.models import Haven, HelpService, KeyMessage, KeyMessageVersion
from havens.nearest import DETOUR_FACTOR, HavenIndex, Hit, OpenFilter, WalkLengthsFn, walk_seconds

ESCALATION_WALK_S = 15 * 60
FURTHER_OPEN_LIMIT = 3
FURTHER_OPEN_MAX_M = 10_000.0  # an A&E or a 24-hour front counter across the borough
ESCALATION_SLUGS = ("emergency-999", "police-101", "childline")
_ESCALATION_WHEN = {
    "emergency-999": "You are in danger now or someone is hurt",
    "police-101": "To tell the police something that is not an emergency",
    "childline": "To talk to someone, free and private, any time (under 19)",
}


@dataclass(frozen=True, slots=True)
class HavenPoint:
    """What routing needs about a haven."""

    id: int
    name: str
    kind: str
    lat: float
    lon: float
    open_now: bool | None


async def haven_points(*, area: str, at: datetime) -> list[HavenPoint]:
    """Active havens/public places of an area with their open state at `at`."""
    index = await area_index(area)
    points = []
    for rec in index.records:
        haven: Haven = rec.ref  # type: ignore[assignment]
        points.append(
            HavenPoint(
                id=haven.id,
                name=haven.name,
                kind=haven.kind,
                lat=haven.lat,
                lon=haven.lon,
                open_now=is_open(haven.opening_hours, at=at),
            )
        )
    return points


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(LONDON).isoformat() if value is not None else None


def haven_public(haven: Haven, *, at: datetime, state: OpenState | None = None) -> dict[str, Any]:
    """Public JSON of one haven at a moment (no staff-only fields such as verified_by or notes)."""
    if state is None:
        state = open_state(haven.opening_hours, at=at)
    return {
        "id": haven.id,
        "name": haven.name,
        "kind": haven.kind,
        "address": haven.address,
        "postcode": haven.postcode,
        "lat": haven.lat,
        "lon": haven.lon,
        "opening_hours": haven.opening_hours,
        "hours_known": haven.opening_hours is not None,
        "open_now": state.open_now,
        "opens_at": _iso(state.opens_at),
        "closes_at": _iso(state.closes_at),
        "closes_in_min": state.closes_in_min,
        "closing_soon": state.closing_soon,
        "verified_at": _iso(haven.verified_at),
        "verified": haven.verified_at is not None,
        "source_date": haven.source_date or None,
        "source_name": haven.source_name,
        "caveat": haven.caveat,
        "needs_verification": haven.needs_verification,
        "sample": haven.sample,
        "website": haven.website,
        "accessibility": haven.accessibility,
    }


def escalation(*, needed: bool, reason: str | None = None) -> dict[str, Any]:
    """Who to call when no open place is near; always returned so the app can show it."""
    by_slug = {s.slug: s for s in national_services_cached()}
    contacts = []
    for slug in ESCALATION_SLUGS:
        seed = by_slug.get(slug)
        if seed is None or seed.status != "checked":
            continue
        phone = next((c.value for c in seed.channels if c.kind == "phone"), None)
        if phone:
            contacts.append({
                "name": seed.name, "phone": phone, "when": _ESCALATION_WHEN[slug],
                "age_max": seed.age_max, "evidence": seed.evidence,
                "checked_on": seed.checked_on.isoformat() if seed.checked_on else None,
            })  # fmt: skip
    if reason is not None:
        message = f"{reason} If you are in danger now, call 999."
    elif needed:
        message = "Nothing is open within a 15-minute walk. If you are in danger now, call 999."
    else:
        message = "If you are in danger now, call 999."
    return {"needed": needed, "message": message, "contacts": contacts, "open_further": []}


async def nearest_havens(
    *,
    area: str,
    lat: float,
    lon: float,
    at: datetime,
    limit: int,
    open_filter: OpenFilter = "any",
    max_m: float = 5_000.0,
    walk_lengths_m: WalkLengthsFn | None = None,
) -> dict[str, Any]:
    """Nearest havens by walking distance (straight line when no street network), plus escalation."""
    index = await area_index(area)
    return nearest_in_index(
        index, area=area, lat=lat, lon=lon, at=at, limit=limit, open_filter=open_filter, max_m=max_m,
        walk_lengths_m=walk_lengths_m,
    )  # fmt: skip


def nearest_in_index(
    index: HavenIndex,
    *,
    area: str,
    lat: float,
    lon: float,
    at: datetime,
    limit: int,
    open_filter: OpenFilter = "any",
    max_m: float = 5_000.0,
    walk_lengths_m: WalkLengthsFn | None = None,
) -> dict[str, Any]:
    """The CPU part of `nearest_havens` (KD queries, walking-distance searches, opening-hours parsing): plain
    synchronous code, so the web layer can run it in a thread and keep the event loop free."""
    hits = index.nearest(
        lat=lat,
        lon=lon,
        at=at,
        limit=limit,
        open_filter=open_filter,
        max_m=max_m,
        walk_lengths_m=walk_lengths_m,
    )
    detour = DETOUR_FACTOR if walk_lengths_m is None else 1.0  # straight lines: the phone's estimate too
    items = [_hit_public(hit, at=at, detour=detour) for hit in hits]
    items.sort(key=lambda i: arrival_rank(i["open_on_arrival"]))  # stable: walking order within each group
    open_near = any(i["open_on_arrival"] is True and i["walk_s"] <= ESCALATION_WALK_S for i in items)
    further: list[dict[str, Any]] = []
    if not open_near:
        listed = {i["id"] for i in items}
        # Places open on arrival further away (an A&E, a 24-hour front counter), nearest first.
        candidates = index.nearest(
            lat=lat, lon=lon, at=at, limit=FURTHER_OPEN_LIMIT * 4, open_filter="open",
            max_m=max(max_m, FURTHER_OPEN_MAX_M), walk_lengths_m=walk_lengths_m,
        )  # fmt: skip
        for hit in candidates:
            item = _hit_public(hit, at=at, detour=detour)
            if item["open_on_arrival"] is not True or item["id"] in listed:
                continue
            if item["walk_s"] <= ESCALATION_WALK_S:
                open_near = True
                break
            further.append(item)
        further = [] if open_near else further[:FURTHER_OPEN_LIMIT]
    help_box = escalation(needed=not open_near)
    help_box["open_further"] = further
    return {
        "area": area,
        "at": at.astimezone(LONDON).isoformat(),
        "distance_basis": "walking" if walk_lengths_m is not None else "straight_line",
        "havens": items,
        "escalation": help_box,
    }


def _hit_public(hit: Hit, *, at: datetime, detour: float) -> dict[str, Any]:
    """One result: public fields, distance, walking time (a straight line times `detour` where no streets are
    loaded, as the phone estimates offline), and whether it is still open on arrival."""
    haven: Haven = hit.record.ref  # type: ignore[assignment]
    state = open_state(haven.opening_hours, at=at)
    item = haven_public(haven, at=at, state=state)
    item["distance_m"] = round(hit.distance_m, 1)
    item["walk_s"] = walk_seconds(hit.distance_m * detour)
    item["open_on_arrival"] = open_on_arrival(
        open_now=state.open_now,
        opens_at=state.opens_at,
        closes_at=state.closes_at,
        at=at,
        walk_s=item["walk_s"],
    )
    return item


def service_public(service: HelpService, *, at: datetime) -> dict[str, Any]:
    channels = []
    for ch in service.channels:
        channels.append({**ch, "open_now": is_open(ch.get("hours"), at=at)})
    states = [c["open_now"] for c in channels]
    open_now = True if True in states else (False if states and all(s is False for s in states) else None)
    verified = service.status == "checked"
    return {
        "id": service.id,
        "name": service.name,
        "description": service.description,
        "needs": list(service.needs),
        "channels": channels,
        "age_min": service.age_min,
        "age_max": service.age_max,
        "area": service.area,
        "website": service.website,
        "open_now": open_now,
        "status": service.status,
        "verified": verified,
        "verified_at": _iso(service.verified_at) if verified else None,
        "checked_on": service.source_date or None,
    }


async def list_services(
    *, need: str | None, age: int | None, at: datetime, area: str | None = None
) -> list[dict[str, Any]]:
    """Services for a need and age, national plus the area's own, by name.

    Only `checked` services are public: a `needs_check` row stays hidden until an editor verifies it.
    """
    areas = ["national", area] if area else ["national"]
    rows = await HelpService.filter(area__in=areas, status="checked").order_by("name", "id")
    out = []
    for s in rows:
        if need is not None and need not in s.needs:
            continue
        if age is not None and (
            (s.age_min is not None and age < s.age_min) or (s.age_max is not None and age > s.age_max)
        ):
            continue
        out.append(service_public(s, at=at))
    out.sort(key=lambda item: (not item["verified"], item["name"].lower()))
    return out


def fits_age(service: dict[str, Any], age: int | None) -> bool:
    if age is None:
        return True
    low, high = service.get("age_min"), service.get("age_max")
    return (low is None or age >= low) and (high is None or age <= high)


async def help_for_need(
    *, need: str, age: int | None, at: datetime, area: str | None = None
) -> dict[str, Any]:
    """Services for a need and age, or, when none fits that age, services of related needs that do.

    `fallback` says so in a sentence; nothing is left empty while any public service fits the age.
    """
    services = await list_services(need=need, age=age, at=at, area=area)
    if services:
        return {"services": services, "fallback": None}
    everything = await list_services(need=None, age=age, at=at, area=area)
    related: list[dict[str, Any]] = []
    for other in (*RELATED_NEEDS.get(need, ()), "in_danger_now"):
        related += [s for s in everything if other in s["needs"] and s not in related]
    return {
        "services": [],
        "fallback": {"needs": [*RELATED_NEEDS.get(need, ()), "in_danger_now"], "services": related},
    }


async def published_messages(*, tier: str) -> list[dict[str, Any]]:
    """The latest published version of every non-archived message of a tier."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}")
    messages = await KeyMessage.filter(tier=tier, version__gt=0).exclude(status="archived").order_by("topic")
    if not messages:
        return []
    versions = await KeyMessageVersion.filter(message_id__in=[m.id for m in messages])
    latest = {(v.message_id, v.version): v for v in versions}  # type: ignore[attr-defined]
    out = []
    for m in messages:
        v = latest.get((m.id, m.version))
        if v is None:
            continue
        out.append(
            {
                "id": m.id,
                "tier": m.tier,
                "topic": m.topic,
                "title": v.title,
                "body_markdown": v.body_markdown,
                "version": v.version,
                "published_at": _iso(v.published_at),
            }
        )
    return out
