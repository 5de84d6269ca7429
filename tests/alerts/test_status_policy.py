"""The push-service status policy and VAPID claims, as pure functions."""

from __future__ import annotations

import random
import time

from py_vapid import jwt as vapid_jwt

from backend.alerts.outbox import BACKOFF_CAP_S, decide
from backend.alerts.sender import PushResult, parse_retry_after
from backend.alerts.vapid import VapidSigner, load_or_create, public_key_b64

WINDOW = 3600.0


def _d(
    status: int | None, *, attempts: int = 1, age_s: float = 0.0, retry_after: float | None = None
) -> object:
    return decide(
        PushResult(status, retry_after_s=retry_after),
        attempts=attempts,
        age_s=age_s,
        retry_window_s=WINDOW,
        rng=random.Random(1),
    )


def test_outcomes_by_status() -> None:
    assert _d(201).action == "done"
    assert _d(404).action == "delete_subscription"
    assert _d(410).action == "delete_subscription"
    assert _d(413).action == "fail"
    assert _d(400).action == "fail"
    assert _d(429, retry_after=2).action == "retry" and _d(429, retry_after=2).delay_s == 2
    for status in (401, 403):
        decision = _d(status)
        assert decision.action == "retry" and decision.alarm  # alarm, never a deletion


def test_backoff_grows_with_jitter_and_is_capped_and_bounded() -> None:
    delays = [_d(503, attempts=n).delay_s for n in range(1, 8)]
    assert delays == sorted(delays)
    assert 1.0 <= delays[0] <= 2.0
    rng_delays = {
        decide(PushResult(None), attempts=3, age_s=0, retry_window_s=WINDOW).delay_s for _ in range(20)
    }
    assert len(rng_delays) > 1  # jitter
    assert _d(500, attempts=30).delay_s <= BACKOFF_CAP_S
    assert _d(500, attempts=3, age_s=WINDOW - 1).action == "give_up"
    assert _d(429, retry_after=7200).action == "give_up"


def test_retry_after_http_date() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None


def test_vapid_claims_per_origin_verify_and_expire_within_a_day(tmp_path) -> None:
    vapid = load_or_create(var_dir=tmp_path)
    assert load_or_create(var_dir=tmp_path).private_pem() == vapid.private_pem()  # persisted, not regenerated
    signer = VapidSigner(vapid=vapid, subject="mailto:ops@southwark.example")
    a = signer.authorization("https://fcm.googleapis.com/fcm/send/1")
    b = signer.authorization("https://updates.push.services.mozilla.com/wpush/v2/x")
    assert a == signer.authorization("https://fcm.googleapis.com/fcm/send/2")  # cached per origin
    for header, aud in ((a, "https://fcm.googleapis.com"), (b, "https://updates.push.services.mozilla.com")):
        parts = dict(p.split("=", 1) for p in header.split(" ", 1)[1].split(","))
        assert parts["k"] == public_key_b64(vapid)
        claims = vapid_jwt.decode(parts["t"], parts["k"])
        assert claims["aud"] == aud
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
        assert claims["sub"] == "mailto:ops@southwark.example"
