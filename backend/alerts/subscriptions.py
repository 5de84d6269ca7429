"""Push subscriptions: validate what a browser sends, store it with its topics, forget idle ones."""

from __future__ import annotations

import binascii
import datetime as dt
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from tortoise.transactions import in_transaction

from backend.alerts.endpoints import EndpointRefused, PushEndpointPolicy, check_endpoint
from backend.alerts.errors import SubscriptionInvalid
from backend.alerts.models import Subscription, SubscriptionTopic
from backend.alerts.notices import IDLE_SUBSCRIPTION_DAYS
from backend.alerts.vapid import b64url_decode
from content.areas import AreaPack

MAX_TOPICS = 50

SUBSCRIPTION_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["endpoint", "keys", "topics"],
    "properties": {
        "endpoint": {"type": "string", "format": "uri", "maxLength": 1024},
        "expirationTime": {"type": ["number", "null"]},
        "keys": {
            "type": "object",
            "required": ["p256dh", "auth"],
            "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}},
        },
        "topics": {"type": "array", "minItems": 1, "maxItems": MAX_TOPICS, "items": {"type": "string"}},
    },
}


def _key(value: Any, *, field: str, length: int) -> str:
    if not isinstance(value, str) or not value or len(value) > 128:
        raise SubscriptionInvalid(
            "invalid_keys", f"keys.{field} must be a base64url string.", {"field": field}
        )
    try:
        raw = b64url_decode(value.strip())
    except (binascii.Error, ValueError):
        raise SubscriptionInvalid(
            "invalid_keys", f"keys.{field} is not valid base64url.", {"field": field}
        ) from None
    if len(raw) != length:
        raise SubscriptionInvalid(
            "invalid_keys", f"keys.{field} must decode to {length} bytes.", {"field": field}
        )
    if field == "p256dh":
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise SubscriptionInvalid(
                "invalid_keys", "keys.p256dh is not a P-256 public key.", {"field": field}
            ) from None
    return value.strip().rstrip("=")


def validate_topics(topics: Any, *, areas: Mapping[str, AreaPack]) -> list[str]:
    if not isinstance(topics, list) or not topics or len(topics) > MAX_TOPICS:
        raise SubscriptionInvalid("invalid_topics", f"'topics' must list 1 to {MAX_TOPICS} topics.")
    bad: list[str] = []
    for topic in topics:
        if not isinstance(topic, str) or len(topic) > 80:
            raise SubscriptionInvalid(
                "invalid_topics", "Each topic must be text like 'school:100823' or 'area:southwark'."
            )
        kind, _, value = topic.partition(":")
        if kind == "area" and value in areas:
            continue
        if kind == "school" and any(p.school(value) is not None for p in areas.values()):
            continue
        bad.append(topic)
    if bad:
        raise SubscriptionInvalid(
            "unknown_topic",
            "Topics must be 'school:URN' of a school served here or 'area:slug' of an area served here.",
            {"topics": bad[:10]},
        )
    return sorted(set(topics))


def validate_subscription(
    body: dict[str, Any], *, areas: Mapping[str, AreaPack], policy: PushEndpointPolicy
) -> tuple[str, str, str, list[str]]:
    endpoint = body.get("endpoint")
    try:
        check_endpoint(endpoint if isinstance(endpoint, str) else "", policy=policy)
    except EndpointRefused as exc:
        raise SubscriptionInvalid(exc.code, exc.message, {"field": "endpoint"}) from None
    keys = body.get("keys")
    if not isinstance(keys, dict):
        raise SubscriptionInvalid("invalid_keys", "'keys' must be an object with p256dh and auth.")
    p256dh = _key(keys.get("p256dh"), field="p256dh", length=65)
    auth = _key(keys.get("auth"), field="auth", length=16)
    topics = validate_topics(body.get("topics"), areas=areas)
    assert isinstance(endpoint, str)
    return endpoint, p256dh, auth, topics


async def upsert(
    *, endpoint: str, p256dh: str, auth: str, topics: list[str], now: dt.datetime
) -> Subscription:
    """Same endpoint again replaces keys and topics (browsers re-send after key or topic changes)."""
    async with in_transaction(Subscription._meta.default_connection):
        sub = await Subscription.get_or_none(endpoint=endpoint)
        if sub is None:
            sub = await Subscription.create(endpoint=endpoint, p256dh=p256dh, auth=auth, last_ok_at=now)
        else:
            sub.p256dh, sub.auth, sub.last_ok_at = p256dh, auth, now
            await sub.save(update_fields=["p256dh", "auth", "last_ok_at"])
            await SubscriptionTopic.filter(subscription_id=sub.id).delete()
        await SubscriptionTopic.bulk_create(
            [SubscriptionTopic(subscription_id=sub.id, topic=t) for t in topics]
        )
    return sub


async def remove(*, endpoint: str) -> int:
    return await Subscription.filter(endpoint=endpoint).delete()


async def purge_idle(*, now: dt.datetime) -> int:
    """Forget subscriptions with no successful delivery for 60 days (their outbox rows go with them)."""
    idle = Subscription.filter(last_ok_at__lt=now - dt.timedelta(days=IDLE_SUBSCRIPTION_DAYS))
    ids = list(await idle.values_list("id", flat=True))
    if ids:
        await Subscription.filter(id__in=ids).delete()  # outbox rows and topics go by ON DELETE CASCADE
    return len(ids)
