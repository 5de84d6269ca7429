"""Hostile values sent to every operation in /openapi.json: each answers 4xx (never 500) and stores nothing.

Generated from the live OpenAPI document, signed in as an admin of every area, so a new route is covered the day
it ships. Each body field (top-level from the schema, and every leaf of a known-good body), query parameter and
path parameter receives the values of `stack-facts.md` "Hostile input classes"; the row count of every table is
compared before and after each operation. Runs on SQLite and, with WAYHOME_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
from tortoise import Tortoise

from backend.accounts.models import RateCounter
from backend.api.surveys import london_today
from tests.support.staff import login_as

AREAS = ("southwark", "north-london-demo")
SCHOOL = "100823"

# Raw JSON texts refused anywhere in a body, whatever the field: the body reader catches them.
ANYWHERE: dict[str, str] = {
    "lone surrogate": '"\\ud800"',
    "NUL": '"a\\u0000b"',
    "4,301-digit integer": "9" * 4301,
    "integer over 2**53": "99999999999999999999999",
    "NaN": "NaN",
    "overflowing float": "1e400",
}
# Values that are fine as free text but must be refused where a number, date, time, id or choice is expected.
STRUCTURED: dict[str, str] = {
    "superscript two": "²",
    "Arabic-Indic twelve": "١٢",
    "time with trailing newline": "15:20\n",
    "date at the calendar's end": "9999-12-31T23:00:00-05:00",
    "date at the calendar's start": "0001-01-01T00:00:00+05:00",
    "over-large id": "99999999999999999999999",
}
# Percent-encoded forms for URLs (a lone surrogate can only arrive as invalid UTF-8 bytes there).
IN_URL: dict[str, str] = {
    "invalid UTF-8 (surrogate bytes)": "%ED%A0%80",
    "NUL": "%00",
    "4,301 digits": "9" * 4301,
    **{name: quote(value, safe="") for name, value in STRUCTURED.items()},
}
READER_CODES = {"invalid_characters", "number_too_large", "invalid_number", "invalid_json"}


def _rules() -> dict[str, Any]:
    today = dt.datetime.now(dt.UTC).date()
    return {
        "weekly": [{"group": "Reception", "days": ["mon", "tue"], "finish": "15:00"}],
        "terms": [
            {
                "name": "This term",
                "start": (today - dt.timedelta(days=10)).isoformat(),
                "end": (today + dt.timedelta(days=50)).isoformat(),
                "last_day_finish": "13:30",
            }
        ],
        "exceptions": [{"date": (today + dt.timedelta(days=3)).isoformat(), "finish": "14:00"}],
    }


HAVEN = {
    "area": "southwark", "name": "Hostile test shop", "kind": "citysafe_haven", "address": "1 Test Street",
    "postcode": "SE15 5JR", "lat": 51.4740, "lon": -0.0690, "opening_hours": "Mo-Sa 08:00-20:00",
    "status": "active", "sample": True,
}  # fmt: skip
SERVICE = {
    "name": "Hostile test line", "needs": ["feeling_low"], "area": "southwark", "status": "needs_check",
    "channels": [{"kind": "phone", "value": "020 7525 0000", "hours": "Mo-Fr 09:00-17:00"}],
    "age_min": 10, "age_max": 24,
}  # fmt: skip
MESSAGE = {"tier": "10-13", "topic": "hostile-test", "title": "A title", "body_markdown": "Some text."}
NOTICE = {"kind": "patrol", "title": "Patrol", "body": "Officers at the gates.", "schools": [SCHOOL]}
HOTSPOT = {
    "area": "north-london-demo", "lat": 51.6147, "lon": -0.1267, "radius_m": 60, "weight": 10,
    "windows": [{"days": [1, 2, 3], "start": "15:00", "end": "17:00"}], "notes": "test",
    "expires_at": "2100-01-01T00:00:00+00:00",
}  # fmt: skip
USER = {"email": "new.person@council.test", "display_name": "New Person", "roles": ["officer"],
        "areas": ["southwark"], "schools": [SCHOOL]}  # fmt: skip
# Known-good bodies, so a hostile value in one field is the only thing wrong with the request.
GOOD_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/admin/havens"): HAVEN,
    ("PATCH", "/api/v1/admin/havens/{id}"): {"name": "Renamed", "lat": 51.4741},
    ("POST", "/api/v1/admin/services"): SERVICE,
    ("PATCH", "/api/v1/admin/services/{id}"): {"age_min": 11, "website": "https://example.org/x"},
    ("POST", "/api/v1/admin/messages"): MESSAGE,
    ("PATCH", "/api/v1/admin/messages/{id}"): {"title": "New title"},
    ("POST", "/api/v1/admin/notices"): {**NOTICE, "send_at": "2099-01-01T15:00:00+00:00"},
    ("PATCH", "/api/v1/admin/notices/{id}"): {"title": "Later", "expires_at": "2099-01-02T15:00:00+00:00"},
    ("POST", "/api/v1/admin/hotspots"): HOTSPOT,
    ("PATCH", "/api/v1/admin/hotspots/{hotspot_id}"): {"weight": 5, "windows": HOTSPOT["windows"]},
    ("PUT", "/api/v1/admin/schools/{urn}/finish-times"): _rules(),
    ("POST", "/api/v1/admin/users"): USER,
    ("POST", "/api/v1/admin/invitations"): USER,
    ("PATCH", "/api/v1/admin/users/{id}"): {"display_name": "Renamed", "schools": [SCHOOL]},
    ("POST", "/api/v1/surveys/{slug}/responses"): {
        "answers": {"feel_safe": 3, "travel_with": "friends"},
        "device": "d" * 43,
        "area": "north-london-demo",
        "tier": "14-17",
    },
    ("POST", "/api/v1/admin/surveys/{slug}/windows"): {"opens_on": "2099-01-01", "closes_on": "2099-06-30"},
    ("POST", "/api/v1/admin/surveys/free-text/{id}"): {"decision": "approve"},
    ("PUT", "/api/v1/admin/surveys/{slug}/draft"): {
        "title": "Your way home",
        "intro": "Two minutes.",
        "purpose": "The plan asks.",
        "audience": {"tiers": ["14-17"]},
        "questions": [
            {
                "id": "feel_safe",
                "kind": "scale",
                "text": "How safe?",
                "min": 1,
                "max": 5,
                "min_label": "Not safe",
                "max_label": "Very safe",
            },
            {
                "id": "with",
                "kind": "single",
                "text": "With whom?",
                "options": [{"id": "alone", "label": "Alone"}, {"id": "friends", "label": "Friends"}],
            },
        ],
    },
    ("PUT", "/api/v1/admin/surveys/perceived"): {"enabled": False},
    ("POST", "/api/v1/admin/imports/havens"): {
        "csv": "area,name,kind,lat,lon\nsouthwark,A,library,51.47,-0.07\n"
    },
}
GOOD_QUERIES: dict[str, dict[str, str]] = {
    "/api/v1/havens": {"lat": "51.474", "lon": "-0.069"},
    "/api/v1/routes": {"from": f"school:{SCHOOL}", "to": "51.470,-0.075"},
    "/api/v1/geocode": {"q": "Peckham"},
}
SKIP = {("POST", "/api/v1/auth/logout")}
COUNTED_FAILURES = {"/api/v1/auth/totp"}  # would end the session the walk signs in with


def _structured(schema: dict[str, Any]) -> bool:
    """A slot where only a number, date, time, id or choice makes sense (so "²" must be refused)."""
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    return bool(
        kinds & {"integer", "number", "boolean"}
        or schema.get("format") in ("date-time", "date", "email", "uri")
        or "pattern" in schema
        or "enum" in schema
    )


def _looks_structured(value: Any) -> bool:
    if isinstance(value, bool | int | float):
        return True
    return isinstance(value, str) and bool(value) and all(c in "0123456789:-+.TZ" for c in value)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _leaves(inner, (*path, i))
    else:
        yield path, value


def _with(body: Any, path: tuple[Any, ...], marker: str) -> Any:
    out = copy.deepcopy(body)
    target = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = marker
    return out


MARK = "__hostile__"


def _raw_body(body: Any, raw_value: str) -> bytes:
    return json.dumps(body).replace(json.dumps(MARK), raw_value).encode()


def _body_cases(method: str, path: str, op: dict[str, Any]) -> Iterator[tuple[str, bytes, bool]]:
    """(description, raw body, whether the field is structured) for every slot of the body."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return
    good = GOOD_BODIES.get((method, path))
    base = copy.deepcopy(good) if isinstance(good, dict) else {}
    slots: dict[tuple[Any, ...], bool] = {}
    properties = content.get("schema", {}).get("properties") or {}
    for name, schema in properties.items():
        slots[(name,)] = (_structured(schema) and name not in base) or _looks_structured(base.get(name))
    for leaf, value in _leaves(base):
        slots[leaf] = _looks_structured(value)
    for slot, structured in slots.items():
        label = ".".join(map(str, slot))
        for what, raw in ANYWHERE.items():
            yield f"{label}={what}", _raw_body(_with(base, slot, MARK), raw), True
        if structured:
            for what, text in STRUCTURED.items():
                if what == "over-large id" and "pattern" in properties.get(str(slot[0]), {}):
                    continue  # a slug such as a message topic may be all digits
                yield f"{label}={what}", json.dumps(_with(base, slot, text)).encode(), True
        # a hostile value inside a list too (roles, schools, days)
        yield (
            f"{label}[0]=lone surrogate",
            _raw_body(_with(base, slot, [MARK]), ANYWHERE["lone surrogate"]),
            True,
        )


async def _row_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for app_name, models in Tortoise.apps.items():
        for name, model in models.items():
            if model is RateCounter:  # throttling counters, keyed by HMAC: not input being stored
                continue
            counts[f"{app_name}.{name}"] = await model.all().count()
    return counts


async def _objects(client: httpx.AsyncClient) -> dict[str, str]:
    """One object of each kind, so PATCH/DELETE/verify reach their validation instead of a 404."""
    ids: dict[str, str] = {"urn": SCHOOL, "slug": "southwark"}
    for key, path, body in (
        ("havens", "/api/v1/admin/havens", HAVEN),
        ("services", "/api/v1/admin/services", SERVICE),
        ("messages", "/api/v1/admin/messages", {**MESSAGE, "topic": "hostile-fixture"}),
        ("notices", "/api/v1/admin/notices", NOTICE),
        ("hotspots", "/api/v1/admin/hotspots", HOTSPOT),
        ("users", "/api/v1/admin/users", {**USER, "email": "fixture.person@council.test"}),
    ):
        created = await client.post(path, json=body)
        assert created.status_code == 201, (path, created.text)
        ids[key] = str(created.json()["id"])
    # Objects that have no staff create route of their own: a venue's application, a partner page.
    from havens.applications.models import SafePlaceApplication
    from havens.models import PartnerWebsite

    application = await SafePlaceApplication.create(
        area="north-london-demo", venue_name="Hostile fixture venue", address="1 High Road", postcode="N22 6XF",
        lat=51.5975, lon=-0.1097, contact_name="Sam", contact_phone="020 7000 0000", opening_hours="Mo 09:00-17:00",
    )  # fmt: skip
    window = await client.post(
        "/api/v1/admin/surveys/travel-home/windows",
        json={
            "opens_on": london_today().isoformat(),
            "closes_on": (london_today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert window.status_code == 201, window.text
    from backend.surveys.models import SurveyFreeText

    held = await SurveyFreeText.create(
        survey="travel-home",
        window_id=window.json()["id"],
        area="southwark",
        question="q",
        text="t",
        month="2026-12",
    )
    ids["windows"], ids["free-text"] = str(window.json()["id"]), str(held.id)
    partner = await PartnerWebsite.create(
        name="Fixture youth club", url="https://youth.example.invalid/", area="southwark"
    )
    ids["app_id"], ids["haven_id"], ids["partner-websites"] = (
        str(application.id),
        ids["havens"],
        str(partner.id),
    )
    return ids


def _fill(path: str, ids: dict[str, str], override: tuple[str, str] | None = None) -> str:
    segments = path.split("/")
    out = []
    for i, seg in enumerate(segments):
        if seg.startswith("{"):
            name = seg.strip("{}").split(":")[0]
            if override and override[0] == name:
                out.append(override[1])
            elif name in ("id", "hotspot_id"):
                out.append(ids[segments[i - 1]])
            else:
                out.append(ids[name])
        else:
            out.append(seg)
    if path.startswith("/api/v1/surveys/{slug}") and not override:
        out[4] = "travel-home"
    if path.startswith("/api/v1/admin/surveys/{slug}/") and not override:
        out[5] = "travel-home"
    return "/".join(out)


async def test_every_operation_refuses_hostile_values_and_stores_nothing(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin", areas=AREAS, schools=(SCHOOL,))
    ids = await _objects(client)
    spec = (await client.get("/openapi.json")).json()
    problems: list[str] = []
    sent = 0
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            method = method.upper()
            if (method, path) in SKIP:
                continue
            before = await _row_counts()
            requests: list[tuple[str, str, bytes | None, bool]] = []
            good_query = "&".join(f"{k}={quote(v)}" for k, v in GOOD_QUERIES.get(path, {}).items())
            for param in op.get("parameters", []):
                name, where, schema = param["name"], param["in"], param.get("schema", {})
                for what, encoded in IN_URL.items():
                    if where == "path":
                        url = _fill(path, ids, (name, encoded))
                        requests.append((f"path {name}={what}", url, b"{}", True))
                    else:
                        others = "&".join(
                            p for p in good_query.split("&") if p and not p.startswith(name + "=")
                        )
                        url = f"{_fill(path, ids)}?{others}&{name}={encoded}".replace("?&", "?")
                        must_refuse = _structured(schema) or what in ("NUL", "4,301 digits")
                        requests.append((f"query {name}={what}", url, None, must_refuse))
            for what, raw, must_refuse in _body_cases(method, path, op):
                requests.append((f"body {what}", _fill(path, ids), raw, must_refuse))
            for what, url, body, must_refuse in requests:
                content = body if method in ("POST", "PUT", "PATCH", "DELETE") else None
                response = await client.request(
                    method, url, content=content, headers={"content-type": "application/json"}
                )
                sent += 1
                status = response.status_code
                if status >= 500 or (must_refuse and not 400 <= status < 500):
                    problems.append(f"{method} {path} {what}: {status} {response.text[:160]}")
                elif 400 <= status < 500:
                    error = response.json().get("error", {})
                    message = error.get("message", "")
                    if not message or "\\u" in message or "{" in message or "Traceback" in message:
                        problems.append(f"{method} {path} {what}: no plain message: {message!r}")
            after = await _row_counts()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if path in COUNTED_FAILURES:
                # a wrong second factor is recorded on purpose: it counts toward the account's backoff
                changed.pop("accounts.AuditEvent", None)
            if changed:
                problems.append(f"{method} {path}: rows changed {changed}")
    assert sent > 1000, f"only {sent} hostile requests: is /openapi.json being walked?"
    assert problems == [], "\n".join(problems[:60])


# Content-Length values a client can put on the wire: "²" (latin-1 \xb2) and "١٢" pass str.isdigit(), and
# 5,000 digits make int() raise; each must be a plain 400 (413 for the huge number) before any handler reads it.
HOSTILE_LENGTHS: dict[str, bytes] = {
    "superscript two": b"\xb2",
    "Arabic-Indic twelve (UTF-8 bytes)": "١٢".encode(),
    "5,000 digits": b"9" * 5000,
    "negative": b"-1",
    "spaces inside": b"1 2",
}


async def test_hostile_content_length_is_a_400_and_stores_nothing(
    client: httpx.AsyncClient, app: Any
) -> None:
    """Straight into the ASGI app (an HTTP client would rewrite the header): a plain 400, nothing stored."""
    body = json.dumps({"email": "someone@example.org", "password": "plum tractor lantern orbit"}).encode()
    before = await _row_counts()
    for what, length in HOSTILE_LENGTHS.items():
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)  # noqa: B023 (awaited inside this iteration)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "https", "path": "/api/v1/auth/login", "raw_path": b"/api/v1/auth/login",
            "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000), "server": ("testserver", 443),
            "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                        (b"content-length", length)],
        }  # fmt: skip
        await app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
        if what == "5,000 digits":  # a whole number, just far too large
            assert start["status"] == 413, f"{what}: {start['status']} {text[:200]}"
            assert json.loads(text)["error"]["message"].startswith("The request body must be at most ")
            continue
        assert start["status"] == 400, f"{what}: {start['status']} {text[:200]}"
        assert json.loads(text)["error"]["message"] == "Content-Length must be a whole number."
    assert await _row_counts() == before


def test_hostile_content_length_on_the_wire_is_never_a_500(settings: Any) -> None:
    """The same headers as raw bytes to a real uvicorn server: uvicorn or the app refuses them with a 4xx."""
    import socket
    from urllib.parse import urlsplit

    from tests.support.server import live_server

    with live_server(settings) as base:
        url = urlsplit(base)
        for what, length in HOSTILE_LENGTHS.items():
            request = (
                b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + length + b"\r\nConnection: close\r\n\r\n{}"
            )
            with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
                sock.sendall(request)
                reply = b""
                while chunk := sock.recv(65536):
                    reply += chunk
            status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else None
            assert status is not None and 400 <= status < 500, f"{what}: {reply[:200]!r}"
