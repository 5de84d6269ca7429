"""`wayhome vapid new` and the 60-day idle expiry of subscriptions."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from backend.alerts import notices, subscriptions
from backend.alerts.models import Delivery, Notice, Subscription
from backend.alerts.vapid import KEY_FILE
from backend.settings import ROOT, Settings
from bench.loopback_push import LoopbackPushService
from content.areas import load_all_areas
from tests.alerts.support import SCHOOL_A


def _wayhome(*args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WAYHOME_VAR_DIR": str(var_dir), "WAYHOME_SECRET_KEY": "x" * 40}
    env.pop("WAYHOME_VAPID_PRIVATE_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_vapid_new_writes_once_and_print_does_not_touch_var(tmp_path: Path) -> None:
    printed = _wayhome("vapid", "new", "--print", var_dir=tmp_path)
    assert printed.returncode == 0 and "BEGIN PRIVATE KEY" in printed.stdout
    assert not (tmp_path / KEY_FILE).exists()
    first = _wayhome("vapid", "new", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    again = _wayhome("vapid", "new", var_dir=tmp_path)
    assert again.returncode == 1 and "Refusing" in again.stderr
    assert key_file.read_bytes() == before


async def test_idle_subscriptions_get_nothing_and_are_purged(
    client: httpx.AsyncClient, settings: Settings, push_service: LoopbackPushService
) -> None:
    now = dt.datetime.now(dt.UTC)
    fresh, stale = push_service.subscribe(), push_service.subscribe()
    for sub, seen in ((fresh, now - dt.timedelta(days=59)), (stale, now - dt.timedelta(days=61))):
        await subscriptions.upsert(
            endpoint=sub["endpoint"],
            p256dh=sub["keys"]["p256dh"],
            auth=sub["keys"]["auth"],
            topics=[f"school:{SCHOOL_A}"],
            now=seen,
        )
    notice = await Notice.create(
        kind="patrol", title="t", body="b", schools=[SCHOOL_A], expires_at=now + dt.timedelta(hours=1)
    )
    result = await notices.publish(notice.id, areas=load_all_areas(areas_dir=settings.areas_dir), now=now)
    assert result is not None and result[1] == 1
    assert await Delivery.filter(subscription__endpoint=fresh["endpoint"]).count() == 1
    assert await subscriptions.purge_idle(now=now) == 1
    assert set(await Subscription.all().values_list("endpoint", flat=True)) == {fresh["endpoint"]}


def test_concurrent_first_runs_agree_on_one_key(tmp_path: Path) -> None:
    """Several web workers starting at once must not each invent (and serve) a different key."""
    import threading

    from backend.alerts.vapid import load_or_create, public_key_b64

    barrier = threading.Barrier(8)
    keys: list[str] = []

    def start() -> None:
        barrier.wait()
        keys.append(public_key_b64(load_or_create(var_dir=tmp_path)))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_key_from_secret_store_env_wins_and_var_is_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from py_vapid import Vapid02

    from backend.alerts.vapid import ENV_PRIVATE_KEY, load_or_create, new_private_pem, public_key_b64

    pem = new_private_pem().decode()
    monkeypatch.setenv(ENV_PRIVATE_KEY, pem.replace("\n", "\\n"))  # as a one-line secret
    loaded = load_or_create(var_dir=tmp_path)
    assert public_key_b64(loaded) == public_key_b64(Vapid02.from_pem(pem.encode()))
    assert not (tmp_path / KEY_FILE).exists()
