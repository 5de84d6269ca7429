"""GET /api/v1/messages: published key messages for an age tier (by `age` or `tier`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_int, query_str
from backend.responses import JSONResponse
from content.messages import TIERS, tier_for_age
from havens.queries import published_messages

MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "topic", "title", "body_markdown", "version"],
    "properties": {
        "id": {"type": "integer"},
        "tier": {"enum": list(TIERS)},
        "topic": {"type": "string"},
        "title": {"type": "string"},
        "body_markdown": {"type": "string"},
        "version": {"type": "integer", "minimum": 1},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


@doc(
    summary="Published key messages for an age tier",
    tags=["messages"],
    params=[
        {"name": "age", "required": False, "schema": {"type": "integer", "minimum": 10, "maximum": 24}},
        {"name": "tier", "required": False, "schema": {"enum": list(TIERS)}},
    ],
    responses={
        200: {"type": "object", "required": ["tier", "messages"],
              "properties": {"tier": {"enum": list(TIERS)}, "messages": {"type": "array", "items": MESSAGE_SCHEMA}}},
        422: "error",
    },
)  # fmt: skip
async def get_messages(request: Request) -> JSONResponse:
    age = query_int(request, "age", min=10, max=24, default=None)
    tier = query_str(request, "tier", max_len=20, default=None, choices=TIERS)
    if age is not None and tier is not None:
        raise ApiError(
            422, "conflicting_parameters", "Give either 'age' or 'tier', not both.", {"param": "tier"}
        )
    if age is None and tier is None:
        raise ApiError(
            422, "missing_parameter", "Give 'age' (10-24) or 'tier'.", {"param": "age", "tiers": list(TIERS)}
        )
    if age is not None:
        tier = tier_for_age(age)
    return JSONResponse({"tier": tier, "messages": await published_messages(tier=tier)})


routes: list[BaseRoute] = [Route("/api/v1/messages", get_messages, methods=["GET"])]
