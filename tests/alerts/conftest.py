"""Fixtures for push tests: a real loopback push service that trusts this test's VAPID key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.alerts.vapid import load_or_create, public_key_b64
from backend.settings import Settings
from bench.loopback_push import LoopbackPushService


@pytest.fixture
def push_service(settings: Settings) -> Iterator[LoopbackPushService]:
    key = public_key_b64(load_or_create(var_dir=settings.var_dir))
    with LoopbackPushService(expected_vapid_key=key) as service:
        yield service
