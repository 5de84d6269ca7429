"""Schools API and officers' finish-time editing."""

from __future__ import annotations

import datetime as dt

import httpx

from backend.accounts.models import AuditEvent
from backend.alerts.finish_times import LONDON
from backend.alerts.models import FinishTimes
from tests.alerts.support import SCHOOL_A, SCHOOL_B
from tests.support.staff import login_as, logout_locally


def _rules_from_today() -> dict:
    today = dt.datetime.now(LONDON).date()
    return {
        "weekly": [
            {"group": "Reception", "days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:00"},
            {"group": "Years 1-2", "days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:15"},
        ],
        "terms": [
            {
                "name": "This term",
                "start": (today - dt.timedelta(days=30)).isoformat(),
                "end": (today + dt.timedelta(days=60)).isoformat(),
                "last_day_finish": "13:30",
            }
        ],
        "exceptions": [
            {"date": (today + dt.timedelta(days=1)).isoformat(), "finish": "12:00", "note": "Staff training"}
        ],
    }


async def test_school_list_filters_by_area_and_name(client: httpx.AsyncClient) -> None:
    everything = (await client.get("/api/v1/schools", params={"limit": 500})).json()
    southwark = (await client.get("/api/v1/schools", params={"area": "southwark", "limit": 500})).json()
    north = (await client.get("/api/v1/schools", params={"area": "north-london-demo", "limit": 500})).json()
    assert southwark["total"] + north["total"] == everything["total"]
    assert {s["area"] for s in southwark["schools"]} == {"southwark"}
    found = (await client.get("/api/v1/schools", params={"q": "paxton"})).json()["schools"]
    assert [s["urn"] for s in found] == [SCHOOL_B]
    assert set(found[0]) >= {"urn", "name", "phase", "lat", "lon", "area"}
    assert (await client.get("/api/v1/schools", params={"area": "atlantis"})).status_code == 404
    assert (await client.get("/api/v1/schools", params={"limit": "many"})).status_code == 422


async def test_school_without_finish_times_says_so(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/api/v1/schools/{SCHOOL_A}")
    assert response.status_code == 200
    body = response.json()
    assert body["urn"] == SCHOOL_A and body["area"] == "southwark"
    assert body["finish_times"]["status"] == "not_entered" and body["finish_times"]["days"] == []
    assert body["notices"] == []
    assert (await client.get("/api/v1/schools/999999")).status_code == 404


async def test_officer_puts_finish_times_and_public_sees_them(client: httpx.AsyncClient) -> None:
    staff = await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    rules = _rules_from_today()
    put = await client.put(f"/api/v1/admin/schools/{SCHOOL_A}/finish-times", json=rules)
    assert put.status_code == 200, put.text
    assert put.json()["preview"]["status"] == "entered"
    got = await client.get(f"/api/v1/admin/schools/{SCHOOL_A}/finish-times")
    assert got.json()["rules"]["weekly"] == rules["weekly"]
    assert (
        await AuditEvent.filter(action="finish_times.update", object_id=SCHOOL_A, actor_id=staff.id).count()
        == 1
    )
    logout_locally(client)
    view = (await client.get(f"/api/v1/schools/{SCHOOL_A}", params={"days": 21})).json()["finish_times"]
    assert view["status"] == "entered" and len(view["days"]) == 21
    tomorrow = view["days"][1]
    if tomorrow["weekday"] in ("sat", "sun"):
        assert tomorrow["school_day"] is False
    else:
        assert {f["time"] for f in tomorrow["finishes"]} == {"12:00"}
        assert tomorrow["notes"] == ["Staff training"]
    weekdays = [d for d in view["days"][2:] if d["weekday"] not in ("sat", "sun")]
    assert weekdays and all([f["time"] for f in d["finishes"]] == ["15:00", "15:15"] for d in weekdays)


async def test_finish_time_edits_are_scoped_and_validated(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/api/v1/admin/schools/{SCHOOL_A}/finish-times")).status_code == 401
    await login_as(client, role="officer", schools=(SCHOOL_B,), areas=())
    denied = await client.put(f"/api/v1/admin/schools/{SCHOOL_A}/finish-times", json=_rules_from_today())
    assert denied.status_code == 403
    await login_as(client, role="editor", schools=(SCHOOL_A,), areas=())
    assert (
        await client.put(f"/api/v1/admin/schools/{SCHOOL_A}/finish-times", json=_rules_from_today())
    ).status_code == 403
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    bad = await client.put(
        f"/api/v1/admin/schools/{SCHOOL_A}/finish-times",
        json={"weekly": [{"days": ["mon"], "finish": "3pm"}]},
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_finish_times"
    assert bad.json()["error"]["details"]["errors"][0]["path"] == "/weekly/0/finish"
    assert (
        await client.put("/api/v1/admin/schools/999999/finish-times", json=_rules_from_today())
    ).status_code == 404
    assert await FinishTimes.all().count() == 0
