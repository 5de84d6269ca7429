"""What a browser sends to subscribe to notices, or to stop (backend/bodies.py).

These check the shape and the keys' cryptography; `subscriptions.subscribe` checks what needs the served areas
(topics) and the push-host policy (endpoint). The PWA sends these, not a person, so a failure tells the person
what to do on their side: turn notices off and on again.
"""

from __future__ import annotations

import binascii
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import Field, StringConstraints, field_validator

from backend.alerts.endpoints import MAX_ENDPOINT_LEN
from backend.alerts.vapid import b64url_decode
from backend.bodies import Body, Says, refuse

MAX_TOPICS = 50
KEYS_UNUSABLE = "This browser sent notification keys WayHome cannot use: turn notices off and on again."
TOPICS_WRONG = (
    f"Choose between 1 and {MAX_TOPICS} schools or areas to hear about, then turn notices on again."
)
Endpoint = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_ENDPOINT_LEN),
    Says(
        "This browser's notification address cannot be used: turn notices off and on again.",
        code="invalid_endpoint",
    ),
]
Key = Annotated[
    str, StringConstraints(min_length=1, max_length=128), Says(KEYS_UNUSABLE, code="invalid_keys")
]


def _decoded(value: str, *, length: int) -> bytes:
    try:
        raw = b64url_decode(value.strip())
    except (binascii.Error, ValueError):
        raise refuse(KEYS_UNUSABLE, code="invalid_keys") from None
    if len(raw) != length:
        raise refuse(KEYS_UNUSABLE, code="invalid_keys")
    return raw


class PushKeys(Body):
    """The subscription's keys as `PushSubscription.toJSON()` gives them (base64url)."""

    p256dh: Key = Field(title="Browser public key", description="An uncompressed P-256 point (65 bytes).")
    auth: Key = Field(title="Browser auth secret", description="16 bytes.")

    @field_validator("p256dh")
    @classmethod
    def _p256_point(cls, value: str) -> str:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _decoded(value, length=65))
        except ValueError:
            raise refuse(KEYS_UNUSABLE, code="invalid_keys") from None
        return value.strip().rstrip("=")

    @field_validator("auth")
    @classmethod
    def _sixteen_bytes(cls, value: str) -> str:
        _decoded(value, length=16)
        return value.strip().rstrip("=")


class PushSubscriptionBody(Body):
    """POST /api/v1/push/subscriptions: the browser's subscription and the topics to hear about."""

    unknown_fields_say = (
        "This app sent something WayHome does not use: reload the page and turn notices on again."
    )

    endpoint: Endpoint = Field(title="Notification address", description="The push service URL.")
    expirationTime: Annotated[float | None, Says(KEYS_UNUSABLE, code="invalid_keys")] = Field(
        default=None, title="Expiry", description="As the browser gives it; not stored."
    )
    keys: Annotated[PushKeys, Says(KEYS_UNUSABLE, code="invalid_keys")] = Field(title="Keys")
    topics: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=80)]],
        Field(min_length=1, max_length=MAX_TOPICS),
        Says(TOPICS_WRONG, code="invalid_topics"),
    ] = Field(
        title="Topics",
        description="'school:URN' of a school served here or 'area:slug' of an area served here.",
    )


class PushUnsubscribe(Body):
    """DELETE /api/v1/push/subscriptions: the endpoint to forget (its topics go with it)."""

    unknown_fields_say = PushSubscriptionBody.unknown_fields_say

    endpoint: Endpoint = Field(title="Notification address")
