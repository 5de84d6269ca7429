"""Push subscriptions: check topics and endpoint against what is served here, store them, forget idle ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tortoise.transactions import in_transaction

from backend.alerts.endpoints import EndpointRefused, PushEndpointPolicy, check_endpoint
from backend.alerts.errors import SubscriptionInvalid
from backend.alerts.models import Subscription, SubscriptionTopic
from backend.alerts.notices import IDLE_SUBSCRIPTION_DAYS
from backend.alerts.subscription_bodies import PushSubscriptionBody
from content.areas import AreaPack


def check_topics(topics: list[str], *, areas: Mapping[str, AreaPack]) -> list[str]:
    """The topics, once each, when every one names a school or an area served here."""
    bad: list[str] = []
    for topic in topics:
        kind, _, value = topic.partition(":")
        if kind == "area" and value in areas:
            continue
        if kind == "school" and any(p.school(value) is not None for p in areas.values()):
            continue
        bad.append(topic)
    if bad:
        raise SubscriptionInvalid(
            "unknown_topic",
            "Some schools or areas chosen are not served here any more: choose again, then turn notices on.",
            {"topics": bad[:10]},
        )
    return sorted(set(topics))


def check_subscription(
    body: PushSubscriptionBody, *, areas: Mapping[str, AreaPack], policy: PushEndpointPolicy
) -> list[str]:
    """The subscription's topics, once each, when its endpoint and topics can be used here."""
    try:
        check_endpoint(body.endpoint, policy=policy)
    except EndpointRefused as exc:
        raise SubscriptionInvalid(exc.code, exc.message, {"field": "endpoint"}) from None
    return check_topics(body.topics, areas=areas)


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
