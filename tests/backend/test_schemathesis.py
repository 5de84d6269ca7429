"""Schemathesis over every documented route, against a real uvicorn server on loopback, signed in as an admin.

Checks: no 5xx, responses match the documented JSON schemas and content types. Examples per operation:
WAYHOME_SCHEMATHESIS_EXAMPLES (default 25).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from backend.api import api_routes
from backend.openapi import build_openapi
from tests.conftest import PG_URL, _pg_admin, _pg_url, make_settings
from tests.support.server import live_server
from tests.support.staff import TEST_TOTP_SECRET

EXAMPLES = int(os.environ.get("WAYHOME_SCHEMATHESIS_EXAMPLES", "25"))
ADMIN_EMAIL = "fuzz-admin@staff.test"
ADMIN_PASSWORD = "schemathesis fuzzing pass 77"
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

schema = schemathesis.openapi.from_dict(build_openapi(api_routes(), version="1.0.0"))


@dataclass
class Live:
    base: str
    headers: dict[str, str]

    last_step: int = -1

    def relogin(self) -> None:
        """Sign in with the admin's password and a fresh authenticator code (each code works once)."""
        step = int(time.time() // 30)
        if step <= self.last_step:
            time.sleep(30 - time.time() % 30 + 0.5)
            step = int(time.time() // 30)
        self.last_step = step
        response = httpx.post(
            f"{self.base}/api/v1/auth/login",
            json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                  "totp": pyotp.TOTP(TEST_TOTP_SECRET).generate_otp(step)},
            timeout=30,
        )  # fmt: skip
        response.raise_for_status()
        token = (
            response.cookies.get("__Host-wayhome_session")
            or response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        )
        self.headers = {
            "Cookie": f"__Host-wayhome_session={token}",
            "X-CSRF-Token": response.json()["csrf_token"],
        }


async def _create_admin(database_url: str) -> None:
    from tortoise import Tortoise

    from backend.accounts.users import create_admin
    from backend.db import tortoise_config

    await Tortoise.init(config=tortoise_config(database_url))
    try:
        admin = await create_admin(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        admin.totp_secret = TEST_TOTP_SECRET  # as after the first sign-in's set-up
        await admin.save(update_fields=["totp_secret"])
    finally:
        await Tortoise.close_connections()


@pytest.fixture(scope="module")
def live(template_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    if PG_URL:
        name = f"wayhome_st_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        url = _pg_url(name)
    else:
        path = tmp / "wayhome.sqlite3"
        if Path(template_database).exists():
            shutil.copyfile(template_database, path)
        url = f"sqlite://{path}"
    settings = make_settings(url, tmp / "var")
    asyncio.run(_create_admin(url))
    try:
        with live_server(settings) as base:
            server = Live(base=base, headers={})
            server.relogin()
            yield server
    finally:
        if PG_URL:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_documented_api(case: schemathesis.Case, live: Live) -> None:
    anonymous = case.path == "/api/v1/auth/logout"  # keep the fuzzing session alive
    headers = {} if anonymous else dict(live.headers)
    response = case.call(base_url=live.base, headers=headers, timeout=60)
    if response.status_code == 401 and not anonymous and case.path != "/api/v1/auth/login":
        live.relogin()  # e.g. a fuzzed password change ended the session
    case.validate_response(response, checks=CHECKS)
