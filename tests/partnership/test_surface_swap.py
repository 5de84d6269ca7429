"""An import swaps the crime surface in running servers (two real uvicorn processes on loopback sharing one
database, as web workers do) without a failed route request, and a refused import changes nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.settings import ROOT, Settings
from tests.support.server import free_port

RAW_API = ROOT.parent / "shared" / "data" / "southwark" / "policeuk_api_2018-06_raw"
FIXTURES = Path(__file__).parent / "fixtures"
AREA = "southwark"


def _run(coro_factory: Any) -> Any:
    """An async function on its own loop in a fresh thread (its own Tortoise context)."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = asyncio.run(coro_factory())
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")


def _create_officer(settings: Settings) -> str:
    from tortoise import Tortoise

    from backend.db import tortoise_config
    from backend.lifespan import apply_migrations
    from tests.support.staff import create_user

    async def go() -> str:
        await apply_migrations(settings.database_url)
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            return str((await create_user(role="officer", areas=(AREA,), schools=())).email)
        finally:
            await Tortoise.close_connections()

    return str(_run(go))


@contextlib.contextmanager
def _web_worker(settings: Settings) -> Iterator[str]:
    """One `uvicorn backend.app:create_app --factory` process configured from the environment, like production."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "WAYHOME_VAR_DIR": str(settings.var_dir),
        "WAYHOME_BUILD_DIR": str(settings.build_dir),
        "WAYHOME_SECRET_KEY": settings.secret_key,
        "WAYHOME_RATE_LIMITS": "0",
        "WAYHOME_IN_PROCESS_WORKER": "0",
        "WAYHOME_AUTO_MIGRATE": "0",
        "WAYHOME_POINT_DATA_MAX_AGE_MONTHS": str(settings.point_data_max_age_months),
    }
    cmd = [sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=5).status_code in (200, 503):
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("a web worker did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _sign_in(http: httpx.Client, email: str) -> None:
    from tests.support.staff import TEST_PASSWORD, totp_code

    r = http.post("/api/v1/auth/login", json={"email": email, "password": TEST_PASSWORD, "totp": totp_code()})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"].split(";")[0]
    http.headers["cookie"] = cookie
    http.headers["x-csrf-token"] = r.json()["csrf_token"]


def _route_ends(base: str) -> dict[str, str]:
    """Two street points of the area's (partial) network that a route joins."""
    streets = httpx.get(f"{base}/api/v1/areas/{AREA}/streets", timeout=30).json()["features"]
    assert all("risk" not in f["properties"] for f in streets)  # no per-street risk on the public layer
    coords = [f["geometry"]["coordinates"][0] for f in streets]
    for far in range(len(coords) - 1, 0, -7):
        params = {
            "from": f"{coords[0][1]},{coords[0][0]}",
            "to": f"{coords[far][1]},{coords[far][0]}",
            "at": "2026-11-26T16:00:00+00:00",
        }
        if httpx.get(f"{base}/api/v1/routes", params=params, timeout=30).status_code == 200:
            return params
    raise AssertionError("no routable pair of points in the area's streets")


def _points_layer(body: dict[str, Any]) -> dict[str, Any]:
    layers = body["data_as_of"]["risk_layers"]
    return next(layer for layer in layers if layer["source"] == "policeuk_points")


@pytest.mark.slow
def test_import_swaps_surface_in_every_worker_without_a_failed_request(settings: Settings) -> None:
    # Old points allowed in for this test, so the imported month visibly changes the served surface.
    settings = settings.with_changes(point_data_max_age_months=1200)
    email = _create_officer(settings)
    with _web_worker(settings) as worker_a, _web_worker(settings) as worker_b:
        params = _route_ends(worker_b)
        before = httpx.get(f"{worker_b}/api/v1/routes", params=params, timeout=30).json()
        assert _points_layer(before)["in_use"] and _points_layer(before)["from"] == "2018-06"
        statuses: list[int] = []
        bodies: list[dict[str, Any]] = []
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(timeout=30) as http:
                while not stop.is_set():
                    for base in (worker_a, worker_b):
                        r = http.get(f"{base}/api/v1/routes", params=params)
                        statuses.append(r.status_code)
                        if r.status_code == 200:
                            bodies.append(r.json())

        load = threading.Thread(target=hammer)
        load.start()
        try:
            with httpx.Client(base_url=worker_a, timeout=120) as staff:
                _sign_in(staff, email)
                time.sleep(0.5)
                refused = staff.post(
                    "/api/v1/admin/imports/crimes", params={"area": AREA},
                    content=(FIXTURES / "testfixture_malformed_coordinate.csv").read_bytes(),
                )  # fmt: skip
                assert refused.status_code == 422
                time.sleep(1.5)  # both workers re-check: a refused import must not have changed anything
                unchanged = httpx.get(f"{worker_b}/api/v1/routes", params=params, timeout=30).json()
                assert unchanged["data_as_of"] == before["data_as_of"]
                assert unchanged["features"][1]["properties"] == before["features"][1]["properties"]
                ward = RAW_API / "E05011095.json"
                done = staff.post(
                    "/api/v1/admin/imports/crimes", params={"area": AREA, "filename": ward.name},
                    content=ward.read_bytes(), headers={"content-type": "application/json"},
                )  # fmt: skip
                assert done.status_code == 200, done.text
                assert done.json()["surface"]["rebuilt"] is True
                revision = done.json()["surface"]["revision"]
            deadline = time.monotonic() + 10
            after_b: dict[str, Any] = {}
            while time.monotonic() < deadline:
                after_b = httpx.get(f"{worker_b}/api/v1/routes", params=params, timeout=30).json()
                if after_b["features"][0]["properties"] != before["features"][0]["properties"]:
                    break
                time.sleep(0.2)
            time.sleep(0.5)
        finally:
            stop.set()
            load.join()
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
        # The shortest route's exposure is computed on the served surface: it changed in the other worker too.
        assert after_b["features"][0]["properties"] != before["features"][0]["properties"]
        assert {json.dumps(b["data_as_of"], sort_keys=True) for b in bodies} <= {
            json.dumps(before["data_as_of"], sort_keys=True),
            json.dumps(after_b["data_as_of"], sort_keys=True),
        }
        surfaces_dir = Path(settings.var_dir) / "surfaces" / AREA
        assert (surfaces_dir / f"surface-{revision}.npz").exists()
