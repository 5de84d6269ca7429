"""Web Push: the VAPID public key and anonymous subscriptions (endpoint + keys + topics, nothing else)."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from backend.alerts import subscriptions
from backend.alerts.subscription_bodies import PushSubscriptionBody, PushUnsubscribe
from backend.alerts.vapid import load_or_create, public_key_b64
from backend.alerts.worker import endpoint_policy
from backend.bodies import read_body
from backend.openapi import doc
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
    body=PushSubscriptionBody,
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
    body = await read_body(request, PushSubscriptionBody, max_bytes=8_000)
    topics = subscriptions.check_subscription(body, areas=state.areas, policy=endpoint_policy(state.settings))
    sub = await subscriptions.upsert(
        endpoint=body.endpoint,
        p256dh=body.keys.p256dh,
        auth=body.keys.auth,
        topics=topics,
        now=dt.datetime.now(dt.UTC),
    )
    return JSONResponse({"id": sub.id, "topics": topics}, status_code=201)


@doc(
    summary="Unsubscribe a browser (forgets the endpoint and its topics)",
    tags=["push"],
    body=PushUnsubscribe,
    responses={204: None, 400: "error", 422: "error"},
)
async def unsubscribe(request: Request) -> Response:
    body = await read_body(request, PushUnsubscribe, max_bytes=4_000)
    await subscriptions.remove(endpoint=body.endpoint)
    return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/v1/push/key", push_key, methods=["GET"]),
    Route("/api/v1/push/subscriptions", subscribe, methods=["POST"]),
    Route("/api/v1/push/subscriptions", unsubscribe, methods=["DELETE"]),
]
