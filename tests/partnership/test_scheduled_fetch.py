"""The worker's scheduled police.uk fetch, against a loopback server answering like police.uk with the real
June 2018 Southwark response: it imports new months through the all-or-nothing import and publishes the surface;
offline it logs one line per run and changes nothing; the outbound guard refuses private and loopback addresses
(and a redirect to another port) before anything is fetched."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from backend.accounts.cli import _with_db
from backend.crime_refresh import refresh_all, refresh_periodically
from backend.settings import Settings
from content.areas import load_area
from tests.support.policeuk import policeuk_server

AREA = "southwark"


def _areas() -> dict[str, Any]:
    return {AREA: load_area(AREA)}


async def _held() -> tuple[int, list[str], int]:
    from partnership.models import CrimeMonth, StreetCrime, SurfaceRevision

    revision = await SurfaceRevision.get_or_none(area=AREA)
    months = sorted(await CrimeMonth.filter(area=AREA).values_list("month", flat=True))
    return (
        await StreetCrime.filter(area=AREA).count(),
        [str(m) for m in months],
        revision.revision if revision else 0,
    )


def _records(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "wayhome.crime_refresh"]


async def test_the_worker_schedule_imports_new_months_and_publishes_the_surface(settings: Settings) -> None:
    from backend.accounts.models import AuditEvent

    with policeuk_server() as police:
        on = settings.with_changes(
            policeuk_api=police.base, policeuk_allow_loopback=True, policeuk_refresh_days=1,
            policeuk_refresh_months=2,
        )  # fmt: skip

        async def work() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(refresh_periodically(on, _areas(), stop))
            for _ in range(1500):  # up to five minutes: the database has no event to wait on
                if (await _held())[2] or task.done():
                    break
                await asyncio.sleep(0.2)
            stop.set()
            await asyncio.wait_for(task, timeout=30)
            count, months, revision = await _held()
            assert count > 300 and months == ["2018-06"] and revision == 1
            assert await asyncio.to_thread(Path(on.var_dir, "surfaces", AREA, "surface-1.npz").exists)
            audit = await AuditEvent.filter(action="crimes.fetch").first()
            assert (
                audit is not None
                and audit.actor_email == "scheduler"
                and audit.details["months"] == ["2018-06"]
            )
            # The next run asks for the list of months but fetches nothing it already holds.
            police.hits.clear()
            again = await refresh_all(on, _areas())
            assert police.hits == ["GET /api/crimes-street-dates"]
            assert again[0].already_held == ["2018-06"] and not again[0].imported
            assert (await _held())[2] == 1

        await _with_db(on, work)
    assert police.forms[0]["date"] == ["2018-06"]
    poly = police.forms[0]["poly"][0].split(":")
    assert 4 <= len(poly) <= 101 and all(51.3 < float(p.split(",")[0]) < 51.6 for p in poly)


@pytest.mark.parametrize(
    "api",
    [
        "http://127.0.0.1:9/api",  # port 9 on loopback refuses connections: what a server without internet sees
        "https://police-uk.invalid/api",  # no DNS answer (.invalid never resolves): offline without a resolver
    ],
)
async def test_offline_a_run_logs_one_line_and_changes_nothing(
    settings: Settings, caplog: pytest.LogCaptureFixture, api: str
) -> None:
    off = settings.with_changes(policeuk_api=api, policeuk_allow_loopback=True)
    caplog.set_level(logging.INFO, logger="wayhome.crime_refresh")

    async def work() -> None:
        results = await refresh_all(off, _areas())
        assert results[0].offline and not results[0].imported
        assert await _held() == (0, [], 0)

    await _with_db(off, work)
    lines = _records(caplog)
    assert len(lines) == 1
    assert lines[0].startswith("police.uk cannot be reached, so no crimes were fetched for southwark (")
    assert lines[0].endswith("the worker tries again later.")


@pytest.mark.parametrize(
    ("api", "reason"),
    [
        ("https://10.20.30.40/api", "private network address"),
        ("https://192.168.1.1/api", "private network address"),
        ("https://169.254.169.254/api", "link-local network address"),
    ],
)
async def test_the_guard_refuses_a_private_address(settings: Settings, api: str, reason: str) -> None:
    refused = settings.with_changes(policeuk_api=api, policeuk_allow_loopback=True)

    async def work() -> None:
        started = time.monotonic()
        result = (await refresh_all(refused, _areas()))[0]
        assert time.monotonic() - started < 5  # refused before any connection is tried
        assert (
            result.failed.startswith("the outbound guard refused the police.uk address")
            and reason in result.failed
        )
        assert not result.offline and await _held() == (0, [], 0)

    await _with_db(refused, work)


async def test_loopback_is_refused_unless_allowed_and_a_redirect_is_checked_again(settings: Settings) -> None:
    with policeuk_server() as police, policeuk_server(redirect_to="") as elsewhere:

        async def work() -> None:
            strict = settings.with_changes(policeuk_api=police.base, policeuk_allow_loopback=False)
            result = (await refresh_all(strict, _areas()))[0]
            assert result.failed.endswith("The web address must start with https://.") and police.hits == []
            https = strict.with_changes(policeuk_api=police.base.replace("http:", "https:"))
            result = (await refresh_all(https, _areas()))[0]
            assert "loopback network address" in result.failed and police.hits == []
            # Allowed on police.uk's own port only: a redirect to another local port is refused at that hop.
            police.redirect_to = f"{elsewhere.base}/crimes-street-dates"
            allowed = strict.with_changes(policeuk_allow_loopback=True)
            result = (await refresh_all(allowed, _areas()))[0]
            assert police.hits == ["GET /api/crimes-street-dates"] and elsewhere.hits == []
            assert "loopback network address" in result.failed
            assert await _held() == (0, [], 0)

        await _with_db(settings, work)


def test_wayhome_worker_runs_the_schedule_and_logs_one_line_offline(settings: Settings) -> None:
    """The real worker process (`python -m backend.worker`, what the Procfile's `worker:` runs)."""
    import os
    import signal
    import subprocess
    import sys

    from backend.settings import ROOT

    def worker(api: str) -> subprocess.Popen[str]:
        env = {
            **os.environ, "DATABASE_URL": settings.database_url, "WAYHOME_VAR_DIR": str(settings.var_dir),
            "WAYHOME_BUILD_DIR": str(settings.build_dir), "WAYHOME_SECRET_KEY": settings.secret_key,
            "WAYHOME_AREAS": AREA, "WAYHOME_POLICEUK_REFRESH_DAYS": "30", "WAYHOME_POLICEUK_API": api,
            "WAYHOME_POLICEUK_ALLOW_LOOPBACK": "1",
        }  # fmt: skip
        return subprocess.Popen([sys.executable, "-m", "backend.worker"], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip

    def stop(proc: subprocess.Popen[str]) -> str:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        return err

    def revision() -> int:
        return int(asyncio.run(_with_db(settings, _held))[2])

    revision()  # the database is migrated before the worker starts
    offline = worker("http://127.0.0.1:9/api")
    time.sleep(8)
    lines = [line for line in stop(offline).splitlines() if "police.uk" in line]
    assert (
        len(lines) == 1 and "police.uk cannot be reached, so no crimes were fetched for southwark" in lines[0]
    )
    assert revision() == 0
    with policeuk_server() as police:
        online = worker(police.base)
        try:
            deadline = time.monotonic() + 300
            while revision() == 0 and time.monotonic() < deadline and online.poll() is None:
                time.sleep(0.5)
        finally:
            err = stop(online)
    assert revision() == 1, err
    assert any("police.uk refresh added" in line and "2018-06" in line for line in err.splitlines())
