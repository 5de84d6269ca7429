"""Helpers for alerts tests: subscribe through the API, create and send notices through the staff API."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from bench.loopback_push import LoopbackPushService

SCHOOL_A = "100823"  # Dulwich Village CE Infants' School, Southwark
SCHOOL_B = "100577"  # Paxton Primary School, Southwark


async def subscribe(
    client: httpx.AsyncClient, service: LoopbackPushService, topics: list[str]
) -> dict[str, Any]:
    sub = service.subscribe()
    response = await client.post("/api/v1/push/subscriptions", json={**sub, "topics": topics})
    assert response.status_code == 201, response.text
    return sub


async def send_notice(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {
        "kind": "patrol",
        "title": "Patrol on Lordship Lane",
        "body": "Officers on foot 15:00-16:30.",
        **fields,
    }
    created = await client.post("/api/v1/admin/notices", json=body)
    assert created.status_code == 201, created.text
    sent = await client.post(f"/api/v1/admin/notices/{created.json()['id']}/send")
    assert sent.status_code == 200, sent.text
    result: dict[str, Any] = sent.json()
    return result


def decoded(service: LoopbackPushService, endpoint: str) -> list[dict[str, Any]]:
    return [json.loads(p) for p in service.plaintexts(endpoint)]


async def wait_for(predicate: Any, *, timeout_s: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
