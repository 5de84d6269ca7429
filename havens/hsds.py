"""Open Referral UK / HSDS 3.0 export of help services (schemas in content/hsds-3.0, CC BY-SA 4.0).

Identifiers are UUIDv5 derived from our ids so they are stable across exports. Needs become attributes with
taxonomy terms of a small WayHome taxonomy; opening hours stay in their OSM form in schedule descriptions
(only "24/7" is also expressed as a weekly RRULE-style schedule).
"""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path
from typing import Any

from havens.models import HelpService

HSDS_DIR = Path(__file__).resolve().parents[1] / "content" / "hsds-3.0"
NAMESPACE = uuid.UUID("6f1c3d2e-6a0b-4f57-9a53-2b8f4f0b9a10")
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:wayhome-needs"))
NEED_LABELS = {
    "in_danger_now": "In danger now",
    "report_anonymously": "Report a crime anonymously",
    "victim_of_crime": "Victim of crime",
    "worried_about_friend": "Worried about a friend",
    "want_to_stop_carrying": "Want to stop carrying a weapon",
    "feeling_low": "Feeling low",
    "parent_carer_worried": "Parent or carer worried about a young person",
}
ALL_DAYS = "MO,TU,WE,TH,FR,SA,SU"


def _uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def service_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((HSDS_DIR / "compiled_service_with_definitions.json").read_text())
    return schema


def hsds_service(s: HelpService) -> dict[str, Any]:
    sid = _uid("service", s.id)
    phones, schedules = [], []
    for i, ch in enumerate(s.channels):
        if ch.get("kind") in ("phone", "text"):
            phones.append(
                {
                    "id": _uid("phone", s.id, i),
                    "service_id": sid,
                    "number": ch["value"],
                    "type": "text" if ch["kind"] == "text" else "voice",
                    "description": f"{ch['kind']}; hours: {ch.get('hours') or 'not stated'}",
                }
            )
        hours = ch.get("hours")
        if hours == "24/7":
            schedules.append(
                {"id": _uid("schedule", s.id, i), "service_id": sid, "freq": "WEEKLY", "wkst": "MO", "byday": ALL_DAYS,
                 "opens_at": "00:00", "closes_at": "23:59", "description": f"{ch['kind']} {ch['value']}: open 24/7"}
            )  # fmt: skip
        elif hours:
            schedules.append(
                {"id": _uid("schedule", s.id, i), "service_id": sid,
                 "description": f"{ch['kind']} {ch['value']}: OpenStreetMap opening_hours '{hours}'"}
            )  # fmt: skip
    attributes = [
        {
            "id": _uid("attribute", s.id, need),
            "link_id": sid,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": _uid("term", need),
            "value": need,
            "taxonomy_term": {
                "id": _uid("term", need),
                "code": need,
                "name": NEED_LABELS.get(need, need),
                "description": f"WayHome need: {NEED_LABELS.get(need, need)}",
                "taxonomy": "WayHome needs",
                "taxonomy_id": TAXONOMY_ID,
            },
        }
        for need in s.needs
    ]
    out: dict[str, Any] = {
        "id": sid,
        "name": s.name,
        "description": s.description or s.name,
        "status": "active",
        "phones": phones,
        "schedules": schedules,
        "attributes": attributes,
        "service_areas": [
            {
                "id": _uid("area", s.id),
                "service_id": sid,
                "name": "United Kingdom" if s.area == "national" else s.area,
                "description": "National service" if s.area == "national" else f"WayHome area {s.area}",
            }
        ],
        "last_modified": s.updated_at.isoformat(),
    }
    if s.website:
        out["url"] = s.website
    for web in (c["value"] for c in s.channels if c.get("kind") == "web"):
        out.setdefault("url", web)
    if s.age_min is not None:
        out["minimum_age"] = s.age_min
    if s.age_max is not None:
        out["maximum_age"] = s.age_max
    if s.status == "checked" and s.verified_at is not None:
        out["assured_date"] = s.verified_at.date().isoformat()
    elif s.status == "checked" and s.source_date:
        out["assured_date"] = s.source_date
        out["alert"] = (
            f"Details checked against the service's own pages on {s.source_date}; not yet verified by council staff."
        )
    else:
        out["alert"] = "Contact details not yet verified by WayHome staff: check before relying on them."
    return out


def hsds_page(services: list[HelpService], *, page: int = 1, size: int | None = None) -> dict[str, Any]:
    """An HSDS API `Page` of services (one page with everything by default)."""
    size = size or max(len(services), 1)
    total_pages = max(1, math.ceil(len(services) / size))
    chunk = services[(page - 1) * size : page * size]
    return {
        "total_items": len(services),
        "total_pages": total_pages,
        "page_number": page,
        "size": len(chunk),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not services,
        "contents": [hsds_service(s) for s in chunk],
        "attribution": "Human Services Data Specification: an Open Referral resource (CC BY-SA 4.0)",
    }
