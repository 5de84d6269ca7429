"""Web Push: the VAPID public key and anonymous subscriptions (endpoint + keys + topics, nothing else)."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.alerts import subscriptions
from backend.alerts.vapid import load_or_create, public_key_b64
from backend.alerts.worker import endpoint_policy
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import read_json_object
from backend.responses import JSONResponse
from backend.state import app_state


def _public_key(request: Request) -> str:
    state = app_state(request)
    if not state.vapid_public_key:
        state.vapid_public_key = public_key_b64(load_or_create(var_dir=state.settings.var_dir))
    return state.vapid_public_key


@doc(
    summary="The VAPID public key (applicationServerKey) for PushManager.subscribe",
    tags=["push"],
    responses={
        200: {
            "type": "object",
            "required": ["vapid_public_key"],
            "properties": {"vapid_public_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{87}$"}},
        }
    },
)
async def push_key(request: Request) -> JSONResponse:
    return JSONResponse(
        {"vapid_public_key": _public_key(request)}, headers={"cache-control": "public, max-age=3600"}
    )


@doc(
    summary="Subscribe a browser to notices for schools/areas (same endpoint again updates the topics)",
    tags=["push"],
    body=subscriptions.SUBSCRIPTION_BODY_SCHEMA,
    responses={
        201: {
            "type": "object",
            "required": ["id", "topics"],
            "properties": {
                "id": {"type": "integer"},
                "topics": {"type": "array", "items": {"type": "string"}},
            },
        },
        400: "error",
        413: "error",
        422: "error",
    },
)
async def subscribe(request: Request) -> JSONResponse:
    state = app_state(request)
    body = await read_json_object(request, max_bytes=8_000)
    endpoint, p256dh, auth, topics = subscriptions.validate_subscription(
        body, areas=state.areas, policy=endpoint_policy(state.settings)
    )
    sub = await subscriptions.upsert(
        endpoint=endpoint, p256dh=p256dh, auth=auth, topics=topics, now=dt.datetime.now(dt.UTC)
    )
    return JSONResponse({"id": sub.id, "topics": topics}, status_code=201)


@doc(
    summary="Unsubscribe a browser (forgets the endpoint and its topics)",
    tags=["push"],
    body={
        "type": "object",
        "required": ["endpoint"],
        "properties": {"endpoint": {"type": "string", "maxLength": 1024}},
    },
    responses={204: None, 400: "error", 422: "error"},
)
async def unsubscribe(request: Request) -> Response:
    body = await read_json_object(request, max_bytes=4_000)
    endpoint = body.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1024 or not endpoint.isprintable():
        raise ApiError(
            422, "invalid_endpoint", "Send the subscription's 'endpoint' URL.", {"field": "endpoint"}
        )
    await subscriptions.remove(endpoint=endpoint)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/v1/push/key", push_key, methods=["GET"]),
    Route("/api/v1/push/subscriptions", subscribe, methods=["POST"]),
    Route("/api/v1/push/subscriptions", unsubscribe, methods=["DELETE"]),
]
