"""GET /api/v1/services (help services by need and age) and the Open Referral UK / HSDS 3.0 export."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.openapi import doc
from backend.params import query_datetime, query_int, query_str
from backend.responses import JSONResponse
from backend.state import app_state
from content.services import NEEDS, RELATED_NEEDS
from havens.hsds import hsds_page
from havens.models import HelpService
from havens.queries import help_for_need, list_services

CHANNEL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "value", "hours", "open_now"],
    "properties": {
        "kind": {"enum": ["phone", "text", "web", "walk_in"]},
        "value": {"type": "string"},
        "hours": {"type": ["string", "null"]},
        "open_now": {"type": ["boolean", "null"]},
    },
}
SERVICE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "needs", "channels", "age_min", "age_max", "open_now", "verified_at", "status",
                 "verified"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "needs": {"type": "array", "items": {"enum": list(NEEDS)}},
        "channels": {"type": "array", "items": CHANNEL_SCHEMA},
        "age_min": {"type": ["integer", "null"]},
        "age_max": {"type": ["integer", "null"]},
        "area": {"type": "string"},
        "website": {"type": "string"},
        "open_now": {"type": ["boolean", "null"]},
        "status": {"enum": ["checked", "needs_check"]},
        "verified": {"type": "boolean"},
        "verified_at": {"type": ["string", "null"], "format": "date-time"},
        "checked_on": {"type": ["string", "null"], "description": "the day the details were checked against the evidence"},
    },
}  # fmt: skip
FALLBACK_SCHEMA: dict[str, Any] = {
    "type": ["object", "null"],
    "description": "when nothing for the need fits the age: services of related needs that do",
    "properties": {"needs": {"type": "array", "items": {"enum": list(NEEDS)}},
                   "services": {"type": "array", "items": SERVICE_SCHEMA}},
}  # fmt: skip


@doc(
    summary="Help services for a need and an age (checked ones only), with open state per channel",
    tags=["services"],
    params=[
        {"name": "need", "required": False, "schema": {"enum": list(NEEDS)}},
        {"name": "age", "required": False, "schema": {"type": "integer", "minimum": 5, "maximum": 120}},
        {"name": "area", "required": False, "schema": {"type": "string", "maxLength": 64}},
        {"name": "at", "required": False, "schema": {"type": "string", "format": "date-time"}},
    ],
    responses={200: {"type": "object", "required": ["services", "related_needs"],
                     "properties": {"services": {"type": "array", "items": SERVICE_SCHEMA},
                                    "fallback": FALLBACK_SCHEMA,
                                    "related_needs": {"type": "object"}}}, 422: "error"},
)  # fmt: skip
async def get_services(request: Request) -> JSONResponse:
    state = app_state(request)
    need = query_str(request, "need", max_len=40, default=None, choices=NEEDS)
    age = query_int(request, "age", min=5, max=120, default=None)
    area = query_str(request, "area", max_len=64, default=None, choices=tuple(sorted(state.areas)))
    at = query_datetime(request, "at")
    related = {k: list(v) for k, v in RELATED_NEEDS.items()}
    if need is None:
        services = await list_services(need=None, age=age, at=at, area=area)
        return JSONResponse({"services": services, "fallback": None, "related_needs": related})
    found = await help_for_need(need=need, age=age, at=at, area=area)
    return JSONResponse({**found, "related_needs": related})


@doc(
    summary="Help services as an Open Referral UK / HSDS 3.0 page of services",
    tags=["services"],
    responses={200: {"type": "object", "required": ["contents", "total_items"]}},
)
async def get_hsds(request: Request) -> JSONResponse:
    services = await HelpService.filter(status="checked").order_by("id")  # needs_check rows stay unpublished
    return JSONResponse(hsds_page(services))


routes: list[BaseRoute] = [
    Route("/api/v1/services", get_services, methods=["GET"]),
    Route("/api/v1/services/hsds.json", get_hsds, methods=["GET"]),
]
