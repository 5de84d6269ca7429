"""Children's Code checks: no cookies or identifiers for the public, nothing personal in logs, headers, docs."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from backend.accounts.addresses import coarsen_address
from backend.logs import JsonFormatter
from backend.settings import ROOT, Settings
from tests.backend.test_ratelimit import running
from tests.support.staff import TEST_PASSWORD, create_user, totp_now

STAFF_PREFIXES = ("/api/v1/admin/", "/api/v1/auth/", "/api/v1/me")
LAT, LON = "51.474131", "-0.069427"  # Peckham, written to 6 decimals so a leak is unmistakable
POSTCODE = "SE15 5JR"
CLIENT_IP = "203.0.113.77"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/privacy-canary-endpoint-5f2b9c"
PUBLIC_VALUES = {
    "lat": LAT,
    "lon": LON,
    "q": POSTCODE,
    "from": f"{LAT},{LON}",
    "to": "school:100823",
    "area": "southwark",
    "school": "100823",
    "age": "14",
    "tier": "11-13",
    "limit": "3",
    "need": "bullying",
    "days": "7",
}
PATH_VALUES = {"slug": "southwark", "urn": "100823", "id": "1"}
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")


def public_routes() -> list[tuple[str, str]]:
    from backend.api import api_routes

    found = []
    for route in api_routes():
        if isinstance(route, Route) and not route.path.startswith(STAFF_PREFIXES):
            found += [(m, route.path) for m in sorted((route.methods or set()) - {"HEAD"})]
    return found


def fill(path: str) -> str:
    return re.sub(r"{([^}:]+)(?::[^}]+)?}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)


def params_for(path: str) -> dict[str, str]:
    from backend.api import api_routes

    for route in api_routes():
        if isinstance(route, Route) and route.path == path:
            names = [p["name"] for p in getattr(route.endpoint, "__openapi__", {}).get("params", [])]
            return {n: PUBLIC_VALUES[n] for n in names if n in PUBLIC_VALUES}
    return {}


def push_body() -> dict[str, object]:
    return {
        "endpoint": ENDPOINT,
        "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
        "topics": ["school:100823"],
    }


async def exercise_public(http: httpx.AsyncClient) -> list[httpx.Response]:
    responses = []
    for method, path in public_routes():
        url = fill(path)
        if method == "GET":
            responses.append(await http.get(url, params=params_for(path)))
            responses.append(await http.get(url))  # and with nothing, for the error path
        else:
            body = push_body() if "push" in path else {"answers": {"q1": POSTCODE}}
            responses.append(await http.request(method, url, json=body))
    return responses


async def test_no_cookies_or_identifiers_on_public_endpoints(client: httpx.AsyncClient) -> None:
    routes = public_routes()
    assert ("GET", "/api/v1/havens") in routes or routes  # the walk found the public API
    for response in await exercise_public(client):
        assert "set-cookie" not in response.headers, (response.request.url, response.headers["set-cookie"])
        assert response.status_code < 500, (response.request.url, response.text[:300])
    for path in ("/", "/openapi.json", "/healthz"):
        assert "set-cookie" not in (await client.get(path)).headers


@pytest.fixture
def captured_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Everything the app's logging writes (at DEBUG), formatted the way production formats it."""
    import backend.app

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    original = backend.app.configure_logging

    def configure_and_capture(level: str = "INFO") -> None:
        original(level)
        logging.getLogger().addHandler(handler)

    monkeypatch.setattr(backend.app, "configure_logging", configure_and_capture)
    try:
        yield buffer
    finally:
        logging.getLogger().removeHandler(handler)


async def test_logs_hold_no_addresses_coordinates_postcodes_endpoints_or_secrets(
    settings: Settings, captured_logs: io.StringIO
) -> None:
    async with running(
        settings.with_changes(rate_limits_enabled=True, log_level="DEBUG"), address=CLIENT_IP
    ) as http:
        await exercise_public(http)
        await http.request("DELETE", "/api/v1/push/subscriptions", json={"endpoint": ENDPOINT})
        user = await create_user(role="officer")
        await http.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong password here"})
        login = await http.post(
            "/api/v1/auth/login",
            json={"email": user.email, "password": TEST_PASSWORD, "totp": totp_now(user)},
        )
        assert login.status_code == 200
        token = http.cookies.get("__Host-wayhome_session")
        csrf = login.json()["csrf_token"]
        await http.get("/api/v1/me")
    text = captured_logs.getvalue()
    assert "wayhome.access" in text  # the capture worked: requests were logged
    forbidden = [
        CLIENT_IP,
        "203.0.113",
        LAT,
        LON,
        LAT[:7],
        LON[:8],
        POSTCODE,
        POSTCODE.replace(" ", ""),
        ENDPOINT,
        "privacy-canary",
        TEST_PASSWORD,
        "wrong password here",
        token,
        csrf,
    ]
    leaks = [value for value in forbidden if value and value in text]
    assert not leaks, f"personal data in logs: {leaks}"
    assert not IPV4.findall(text), IPV4.findall(text)[:5]


def test_addresses_are_coarsened() -> None:
    assert coarsen_address("203.0.113.77") == "203.0.113.0/24"
    assert coarsen_address("2001:db8:1234:5678:9abc::1") == "2001:db8:1234::/48"
    assert coarsen_address("::ffff:198.51.100.7") == "198.51.100.0/24"
    assert coarsen_address("testclient") == "unknown"


async def test_audit_stores_coarse_address_only(settings: Settings) -> None:
    from backend.accounts.models import AuditEvent

    async with running(settings, address="2001:db8:abcd:12:34::9") as http:
        user = await create_user(role="editor")
        await http.post(
            "/api/v1/auth/login",
            json={"email": user.email, "password": TEST_PASSWORD, "totp": totp_now(user)},
        )
        events = await AuditEvent.all()
    assert events and {e.address for e in events} == {"2001:db8:abcd::/48"}


async def test_security_headers(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/areas", "/api/v1/me", "/openapi.json", "/"):
        response = await client.get(path)
        assert response.headers.get("referrer-policy") == "no-referrer", path
        policy = response.headers.get("permissions-policy", "")
        assert "geolocation=(self)" in policy, path
        for feature in ("camera=()", "microphone=()"):
            assert feature in policy, path
        assert response.headers.get("x-content-type-options") == "nosniff"


def test_privacy_notice_and_dpia_cover_the_data() -> None:
    notice = (ROOT / "content" / "privacy.md").read_text(encoding="utf-8")
    for phrase in ("cookie", "location", "notification", "999"):
        assert phrase in notice.lower(), phrase
    dpia = (ROOT / "docs" / "DPIA.md").read_text(encoding="utf-8")
    from tortoise import Model

    import backend.db

    tables = []
    for models_module, _ in backend.db.DOMAIN_APPS.values():
        module = __import__(models_module, fromlist=["*"])
        tables += [
            obj._meta.db_table
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Model)
            and obj is not Model
            and obj.__module__ == module.__name__
        ]
    missing = [t for t in tables if t not in dpia]
    assert not missing, f"docs/DPIA.md does not describe these tables: {missing}"
    assert Path(ROOT / "backend" / "accounts" / "common_passwords.txt").stat().st_size > 100_000


async def test_body_and_query_size_limits(client: httpx.AsyncClient) -> None:
    huge = await client.post(
        "/api/v1/auth/login", content=b'{"email": "' + b"a" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert huge.status_code == 413
    long_query = await client.get("/api/v1/havens", params={"lat": "5" * 3000, "lon": "0"})
    assert long_query.status_code == 414
    too_big_for_login = await client.post(
        "/api/v1/auth/login", json={"email": "a@b.test", "password": "x" * 5000}
    )
    assert too_big_for_login.status_code == 413

    async def chunks():  # no Content-Length: the stream itself is capped
        for _ in range(100):
            yield b" " * 1000

    streamed = await client.post(
        "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    for response in (huge, long_query, too_big_for_login, streamed):
        assert set(response.json()["error"]) == {"code", "message", "details"}


async def test_privacy_notice_is_served_without_cookies(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/privacy")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text == (ROOT / "content" / "privacy.md").read_text(encoding="utf-8")
    assert "set-cookie" not in response.headers


async def test_real_server_logs_hold_no_client_address_or_location(
    settings: Settings, captured_logs: io.StringIO
) -> None:
    """The same scan through real uvicorn on loopback, configured as `wayhome serve` runs it."""
    import asyncio
    import json

    from tests.support.server import live_server

    def exercise(base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            http.get("/api/v1/havens", params={"lat": LAT, "lon": LON})
            http.get("/api/v1/geocode", params={"q": POSTCODE})
            http.get("/api/v1/routes", params={"from": f"{LAT},{LON}", "to": "school:100823"})
            http.post("/api/v1/push/subscriptions", json=push_body())
            http.get("/api/v1/havens", params={"lat": "not-a-number", "lon": LON})

    with live_server(settings.with_changes(log_level="DEBUG", rate_limits_enabled=True)) as base:
        await asyncio.to_thread(exercise, base)
    entries = [json.loads(line) for line in captured_logs.getvalue().splitlines() if line.startswith("{")]
    assert any(e["logger"] == "wayhome.access" for e in entries)
    for entry in entries:
        if entry["logger"] == "uvicorn.error" and entry["msg"].startswith("Uvicorn running on"):
            continue  # the server's own listening address, not a client's
        text = json.dumps(entry)
        for value in ("127.0.0.1", LAT, LON, POSTCODE, ENDPOINT, "privacy-canary"):
            assert value not in text, (value, entry)
