"""Push subscription API: validation, SSRF refusals, topic updates, unsubscribe, the VAPID key."""

from __future__ import annotations

import base64

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from backend.alerts.models import Subscription, SubscriptionTopic
from backend.alerts.vapid import load_or_create, public_key_b64
from bench.loopback_push import LoopbackPushService

KEYS = LoopbackPushService().subscribe()["keys"]


async def test_vapid_key_is_the_uncompressed_p256_key_of_var(client: httpx.AsyncClient, settings) -> None:
    response = await client.get("/api/v1/push/key")
    assert response.status_code == 200
    key = response.json()["vapid_public_key"]
    raw = base64.urlsafe_b64decode(key + "=")
    assert len(raw) == 65 and raw[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    assert key == public_key_b64(load_or_create(var_dir=settings.var_dir))


async def test_subscribe_update_and_unsubscribe(client: httpx.AsyncClient) -> None:
    endpoint = "https://fcm.googleapis.com/fcm/send/abc:APA91bTest"
    first = await client.post(
        "/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": KEYS, "topics": ["school:100823"]}
    )
    assert first.status_code == 201
    again = await client.post(
        "/api/v1/push/subscriptions",
        json={"endpoint": endpoint, "keys": KEYS, "topics": ["area:southwark", "school:100577"]},
    )
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.json()["topics"] == ["area:southwark", "school:100577"]
    assert await Subscription.all().count() == 1
    assert set(await SubscriptionTopic.all().values_list("topic", flat=True)) == {
        "area:southwark",
        "school:100577",
    }
    gone = await client.request("DELETE", "/api/v1/push/subscriptions", json={"endpoint": endpoint})
    assert gone.status_code == 204
    assert await Subscription.all().count() == 0 and await SubscriptionTopic.all().count() == 0


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "https://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/push",
        "https://push.example.org/send/1",
        "https://fcm.googleapis.com.attacker.example/send",
        "http://fcm.googleapis.com/fcm/send/x",
        "not a url",
    ],
)
async def test_unsafe_endpoints_are_refused_with_422(client: httpx.AsyncClient, endpoint: str) -> None:
    response = await client.post(
        "/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": KEYS, "topics": ["school:100823"]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] in {"endpoint_not_allowed", "invalid_endpoint"}
    assert await Subscription.all().count() == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"topics": ["school:999999"]}, "unknown_topic"),
        ({"topics": ["area:atlantis"]}, "unknown_topic"),
        ({"topics": []}, "invalid_topics"),
        ({"topics": "school:100823"}, "invalid_topics"),
        ({"keys": {"p256dh": "AAAA", "auth": KEYS["auth"]}}, "invalid_keys"),
        ({"keys": {"p256dh": KEYS["p256dh"], "auth": "!!"}}, "invalid_keys"),
        ({"keys": {"p256dh": "BA" + "A" * 85, "auth": KEYS["auth"]}}, "invalid_keys"),
        ({"keys": None}, "invalid_keys"),
    ],
)
async def test_bad_subscriptions_are_refused(client: httpx.AsyncClient, body: dict, code: str) -> None:
    payload = {
        "endpoint": "https://updates.push.services.mozilla.com/wpush/v2/x",
        "keys": KEYS,
        "topics": ["school:100823"],
        **body,
    }
    response = await client.post("/api/v1/push/subscriptions", json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert await Subscription.all().count() == 0


async def test_malformed_json_is_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/push/subscriptions", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    response = await client.post("/api/v1/push/subscriptions", json=[1, 2])
    assert response.status_code == 422
