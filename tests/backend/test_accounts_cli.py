"""`wayhome users create-admin / list / purge` as a real subprocess against the test database."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import httpx
import pyotp
from asgi_lifespan import LifespanManager

from backend.accounts.models import AuditEvent, Invitation, Session, User
from backend.accounts.retention import AUDIT_DAYS, purge
from backend.app import create_app
from backend.settings import ROOT, Settings
from tests.support.staff import create_user, login_as

PASSWORD = "violet harbour engine 2026"


def wayhome(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "WAYHOME_VAR_DIR": str(settings.var_dir),
        "WAYHOME_SECRET_KEY": settings.secret_key,
    }
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


async def test_create_admin_then_sign_in(settings: Settings) -> None:
    weak = wayhome(
        settings,
        "users",
        "create-admin",
        "--email",
        "boss@council.test",
        "--password-stdin",
        stdin="password123\n",
    )
    assert weak.returncode == 2 and "at least 12" in weak.stderr
    made = wayhome(
        settings,
        "users",
        "create-admin",
        "--email",
        "Boss@Council.test",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr
    assert PASSWORD not in made.stdout + made.stderr
    again = wayhome(
        settings,
        "users",
        "create-admin",
        "--email",
        "boss@council.test",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert again.returncode == 2
    listed = wayhome(settings, "users", "list")
    assert "boss@council.test\tadmin\tactive" in listed.stdout
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            first = await http.post(
                "/api/v1/auth/login", json={"email": "boss@council.test", "password": PASSWORD}
            )
            assert first.status_code == 401  # the first sign-in sets up the second factor
            enrol = first.json()["error"]
            assert enrol["code"] == "totp_enrolment_required"
            secret = enrol["details"]["secret"]
            login = await http.post(
                "/api/v1/auth/login",
                json={"email": "boss@council.test", "password": PASSWORD, "totp_secret": secret,
                      "totp": pyotp.TOTP(secret).now()},
            )  # fmt: skip
            assert login.status_code == 200 and login.json()["roles"] == ["admin"]
            assert await AuditEvent.filter(action="admin_created_cli", address="cli").exists()


async def test_purge_applies_retention(client: httpx.AsyncClient) -> None:
    now = dt.datetime.now(dt.UTC)
    old_staff = await login_as(client, role="officer")
    live_staff = await login_as(client, role="officer")
    await Session.filter(id=old_staff.session_id).update(expires_at=now - dt.timedelta(days=31))
    old_event = await AuditEvent.create(action="x", object_type="y", object_id=None)
    await AuditEvent.filter(id=old_event.id).update(at=now - dt.timedelta(days=AUDIT_DAYS + 1))
    recent_event = await AuditEvent.create(action="x", object_type="y", object_id=None)
    gone_user = await create_user(role="editor", active=False)
    await User.filter(id=gone_user.id).update(updated_at=now - dt.timedelta(days=400))
    await Invitation.create(token_hash="a" * 64, email="old@x.test", expires_at=now - dt.timedelta(days=40))
    counts = await purge()
    assert counts["sessions"] == 1 and counts["audit_events"] == 1 and counts["disabled_users"] == 1
    assert counts["invitations"] == 1
    assert await Session.filter(id=live_staff.session_id).exists()
    assert await AuditEvent.filter(id=recent_event.id).exists()
    assert not await User.filter(id=gone_user.id).exists()
    assert (await client.get("/api/v1/me")).status_code == 200
