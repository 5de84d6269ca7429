"""Schools from the area packs, with their finish times (today and the coming weeks) and current notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.alerts import finish_times
from backend.alerts.models import FinishTimes
from backend.alerts.notices import current_notices, public_notice_json, school_area
from backend.api.notices import PUBLIC_NOTICE_SCHEMA
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_int, query_str
from backend.responses import JSONResponse
from backend.state import app_state
from content.areas import School

SCHOOL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["urn", "name", "phase", "lat", "lon", "area"],
    "properties": {
        "urn": {"type": "string"},
        "name": {"type": "string"},
        "phase": {"type": "string"},
        "type": {"type": "string"},
        "gender": {"type": "string"},
        "postcode": {"type": "string"},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
        "website": {"type": "string"},
        "area": {"type": "string"},
    },
}
FINISH_TIMES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "days"],
    "properties": {
        "status": {"enum": ["entered", "not_entered"]},
        "message": {"type": ["string", "null"]},
        "updated_at": {"type": ["string", "null"]},
        "days": {"type": "array", "items": {"type": "object"}},
    },
}


def school_json(school: School) -> dict[str, Any]:
    return {
        "urn": school.urn,
        "name": school.name,
        "phase": school.phase,
        "type": school.type,
        "gender": school.gender,
        "postcode": school.postcode,
        "lat": school.lat,
        "lon": school.lon,
        "website": school.website,
        "area": school.area,
    }


@doc(
    summary="Schools of an area (or all), optionally filtered by name",
    tags=["schools"],
    params=[
        {"name": "area", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64}},
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100}},
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 500},
        },
    ],
    responses={
        200: {
            "type": "object",
            "required": ["schools"],
            "properties": {
                "schools": {"type": "array", "items": SCHOOL_SCHEMA},
                "total": {"type": "integer"},
            },
        },
        404: "error",
        422: "error",
    },
)
async def list_schools(request: Request) -> JSONResponse:
    state = app_state(request)
    area = query_str(request, "area", max_len=64, default=None)
    text = (query_str(request, "q", max_len=100, default="") or "").casefold()
    limit = query_int(request, "limit", min=1, max=500, default=200)
    if area is not None and area not in state.areas:
        raise ApiError(
            404, "unknown_area", "WayHome does not serve that area.", {"areas": sorted(state.areas)}
        )
    packs = [state.areas[area]] if area else list(state.areas.values())
    compact = text.replace(" ", "")
    found = [
        s
        for p in packs
        for s in p.schools
        if not text
        or text in s.name.casefold()
        or text == s.urn
        or (len(compact) >= 2 and s.postcode.casefold().replace(" ", "").startswith(compact))
    ]
    found.sort(key=lambda s: (not s.name.casefold().startswith(text), s.name))
    return JSONResponse(
        {"schools": [school_json(s) for s in found[:limit]], "total": len(found)},
        headers={"cache-control": "public, max-age=300"},
    )


@doc(
    summary="One school with its finish times (today and the coming weeks) and current notices",
    tags=["schools"],
    params=[
        {
            "name": "days",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 42},
        }
    ],
    responses={
        200: {
            **SCHOOL_SCHEMA,
            "required": [*SCHOOL_SCHEMA["required"], "finish_times", "notices"],
            "properties": {
                **SCHOOL_SCHEMA["properties"],
                "finish_times": FINISH_TIMES_SCHEMA,
                "notices": {"type": "array", "items": PUBLIC_NOTICE_SCHEMA},
            },
        },
        404: "error",
        422: "error",
    },
)
async def get_school(request: Request) -> JSONResponse:
    state = app_state(request)
    urn = str(request.path_params["urn"])[:16]
    days = query_int(request, "days", min=1, max=42, default=14)
    slug = school_area(state.areas, urn)
    school = state.areas[slug].school(urn) if slug else None
    if school is None:
        raise ApiError(404, "unknown_school", "No school with that URN in the areas served.", {"urn": urn})
    now = dt.datetime.now(dt.UTC)
    record = await FinishTimes.get_or_none(school_urn=urn)
    view = finish_times.public_view(
        rules=record.rules if record else None,
        updated_at=record.updated_at if record else None,
        today=now.astimezone(finish_times.LONDON).date(),
        days=days,
    )
    notices = await current_notices(areas=state.areas, now=now, school=urn)
    body = {**school_json(school), "finish_times": view, "notices": [public_notice_json(n) for n in notices]}
    return JSONResponse(body, headers={"cache-control": "no-cache"})


routes: list[BaseRoute] = [
    Route("/api/v1/schools", list_schools, methods=["GET"]),
    Route("/api/v1/schools/{urn}", get_school, methods=["GET"]),
]
