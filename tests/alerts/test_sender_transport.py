"""The real sender over loopback: timeouts are explicit and reported, redirects are never followed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from backend.alerts.sender import PushTarget, WebPushSender, make_client
from backend.alerts.vapid import VapidSigner, load_or_create, public_key_b64
from bench.loopback_push import LoopbackPushService, Reply


def _signer() -> VapidSigner:
    return VapidSigner(
        vapid=load_or_create(var_dir=Path(tempfile.mkdtemp())), subject="mailto:ops@example.org"
    )


async def test_slow_push_service_is_a_timeout_not_a_hang() -> None:
    signer = _signer()
    with LoopbackPushService(expected_vapid_key=public_key_b64(signer.vapid)) as service:
        sub = service.subscribe()
        service.script(sub["endpoint"], Reply(201, delay_s=2.0))
        target = PushTarget(sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"])
        quick = httpx.Timeout(connect=1.0, read=0.3, write=1.0, pool=1.0)
        async with make_client(timeout=quick) as client:
            sender = WebPushSender(client=client, signer=signer)
            result = await sender.send(
                target=target, payload=b'{"id":1}', ttl_s=60, urgency="normal", topic=None
            )
            assert result.status is None and result.error == "timeout" and result.elapsed_s < 1.5
            ok = await sender.send(target=target, payload=b'{"id":2}', ttl_s=60, urgency="low", topic="t1")
            assert ok.status == 201
    second = next(r for r in service.received if r.plaintext == b'{"id":2}')
    assert second.urgency == "low" and second.topic == "t1" and second.ttl == "60"


async def test_wrong_vapid_key_is_rejected_by_the_push_service() -> None:
    signer, other = _signer(), _signer()
    with LoopbackPushService(expected_vapid_key=public_key_b64(other.vapid)) as service:
        sub = service.subscribe()
        target = PushTarget(sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"])
        async with make_client() as client:
            result = await WebPushSender(client=client, signer=signer).send(
                target=target, payload=b"{}", ttl_s=60, urgency="normal", topic=None
            )
    assert result.status == 403 and service.received == []
    assert service.rejected[0][2] == "unexpected VAPID public key"


async def test_connection_refused_is_reported() -> None:
    signer = _signer()
    with LoopbackPushService() as service:
        sub = service.subscribe()
        port = service.port
    target = PushTarget(f"http://127.0.0.1:{port}/push/x", sub["keys"]["p256dh"], sub["keys"]["auth"])
    async with make_client() as client:
        result = await WebPushSender(client=client, signer=signer).send(
            target=target, payload=b"{}", ttl_s=60, urgency="normal", topic=None
        )
    assert result.status is None and result.error is not None
