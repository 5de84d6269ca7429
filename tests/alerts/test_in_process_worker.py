"""`wayhome serve` mode: the lifespan's in-process worker delivers a sent notice without any manual step."""

from __future__ import annotations

import json

import httpx
from asgi_lifespan import LifespanManager

from backend.app import create_app
from backend.settings import Settings
from bench.loopback_push import LoopbackPushService
from tests.alerts.support import SCHOOL_A, send_notice, subscribe, wait_for
from tests.support.staff import login_as


async def test_in_process_worker_delivers_after_send(
    settings: Settings, push_service: LoopbackPushService
) -> None:
    app = create_app(settings.with_changes(in_process_worker=True))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            sub = await subscribe(client, push_service, [f"school:{SCHOOL_A}"])
            await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
            sent = await send_notice(client, schools=[SCHOOL_A])
            await wait_for(lambda: bool(push_service.plaintexts(sub["endpoint"])), timeout_s=10)
    assert [json.loads(p)["id"] for p in push_service.plaintexts(sub["endpoint"])] == [sent["id"]]
