"""Insights through the HTTP API on north-london-demo: flows where schools meet, the planner's before/after,
the patrol plan (JSON, HTML, PDF, draft notice), imported counts whose small cells never reach any output."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import httpx

from backend.alerts.models import Delivery, Notice
from backend.insights.models import PupilCount
from tests.insights.conftest import FINISH
from tests.support.staff import login_as

AREA = "north-london-demo"
PUPIL_KEYS = {"pupils", "pupils_busiest", "pupils_window", "walking_pupils", "pupils_affected"}


def _next_weekday() -> str:
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day.isoformat()


DAY = _next_weekday()
Q = {"area": AREA, "date": DAY}


async def _finish_times(client: httpx.AsyncClient) -> None:
    for urn, time in FINISH.items():
        body = {"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "finish": time}]}
        r = await client.put(f"/api/v1/admin/schools/{urn}/finish-times", json=body)
        assert r.status_code == 200, r.text


def _pupil_numbers(doc: Any) -> list[Any]:
    found: list[Any] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in PUPIL_KEYS:
                found += value if isinstance(value, list) else [value]
            else:
                found += _pupil_numbers(value)
    elif isinstance(doc, list):
        for item in doc:
            found += _pupil_numbers(item)
    return found


def _suppressed(doc: Any) -> bool:
    numbers = _pupil_numbers(doc)
    return bool(numbers) and all(n is None or n == 0 or n >= 10 for n in numbers)


async def _outputs(client: httpx.AsyncClient) -> dict[str, Any]:
    flows = await client.get("/api/v1/admin/insights/flows", params=Q)
    planner = await client.post("/api/v1/admin/insights/planner", json=Q)
    patrol = await client.get("/api/v1/admin/insights/patrol-plan", params=Q)
    page = await client.get("/api/v1/admin/insights/patrol-plan.html", params=Q)
    for r in (flows, planner, patrol, page):
        assert r.status_code == 200, r.text
    return {"flows": flows.json(), "planner": planner.json(), "patrol": patrol.json(), "html": page.text}


async def test_flows_meet_planner_lowers_the_objective_and_patrol_plan_prints(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    r = await client.get("/api/v1/admin/insights/flows", params=Q)
    assert r.status_code == 409 and "Finish times" in r.json()["error"]["message"]
    await _finish_times(client)
    out = await _outputs(client)
    flows, planner, patrol = out["flows"], out["planner"], out["patrol"]
    assert len(flows["schools"]) == 6 and all(s["pupils_source"] == "modelled" for s in flows["schools"])
    meeting = [s for s in flows["streets"] if max(s["schools_meeting"]) >= 2 and s["conflict"] > 0]
    assert meeting, "two schools' pupils share a street in the same window"
    assert all(_suppressed(doc) for doc in (flows, planner, patrol))
    assert planner["after"] < planner["before"]
    assert any(s["shift_min"] != 0 for s in planner["schools"])
    assert any("walk at 1.3 m/s" in a for a in planner["assumptions"])
    points = patrol["points"]
    assert points and [p["arrive"] for p in points] == sorted(p["arrive"] for p in points)
    assert patrol["from"] <= points[0]["arrive"] and points[-1]["arrive"] <= patrol["to"]
    assert "@media print" in out["html"] and "<svg" in out["html"] and points[0]["street"] in out["html"]
    pdf = await client.get("/api/v1/admin/insights/patrol-plan.pdf", params=Q)
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and pdf.headers["content-type"] == "application/pdf"
    )
    draft = await client.post("/api/v1/admin/insights/patrol-plan/notice", params=Q)
    assert draft.status_code == 201, draft.text
    notice = await Notice.get(id=draft.json()["id"])
    assert notice.status == "draft" and notice.kind == "patrol" and notice.sent_at is None
    assert set(notice.schools) == {s["urn"] for s in patrol["schools"]} and notice.schools
    assert points[0]["street"] in notice.body
    assert await Delivery.filter(notice_id=notice.id).count() == 0


async def test_a_cell_under_10_never_reaches_any_output(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    await _finish_times(client)
    with_small = "sector,year_group,pupils\nN11 2,7,23\nN22 5,8,7\nN11 1,9,41\nN13 4,10,12\n"
    r = await client.post("/api/v1/admin/insights/pupil-counts", params={"school": "137531"}, content=with_small,
                          headers={"content-type": "text/csv"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["cells_kept"] == 3 and r.json()["cells_suppressed"] == 1
    stored = await PupilCount.all().values_list("sector", "pupils")
    assert sorted(stored) == [("N11 1", 41), ("N11 2", 23), ("N13 4", 12)]  # the 7 was never stored
    first = await _outputs(client)
    school = next(s for s in first["flows"]["schools"] if s["urn"] == "137531")
    assert school["pupils_source"] == "imported" and school["walking_pupils"] == 76
    assert all(_suppressed(first[k]) for k in ("flows", "planner", "patrol"))
    without = "sector,year_group,pupils\nN11 2,7,23\nN11 1,9,41\nN13 4,10,12\n"
    r = await client.post("/api/v1/admin/insights/pupil-counts", params={"school": "137531"},
                          json={"csv": without})  # fmt: skip
    assert r.status_code == 201 and r.json()["cells_suppressed"] == 0
    second = await _outputs(client)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    listing = (await client.get("/api/v1/admin/insights/pupil-counts", params={"area": AREA})).json()
    assert [i["school"] for i in listing["imports"]] == ["137531"]


async def test_hostile_or_pupil_level_files_are_refused_and_store_nothing(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    bad = {
        "name,postcode,year\nA Pupil,N22 5QJ,7\n": "three columns",
        "sector,year_group,pupils\nN22 5QJ,7,12\n": "not a full postcode",
        "sector,year_group,pupils\nN22 5,14,12\n": "7 to 13",
        "sector,year_group,pupils\nN22 5,7,=1+1\n": "whole number",
        "sector,year_group,pupils\nN22 5,7,\u00b2\n": "whole number",  # "²" passes str.isdigit()
        "sector,year_group,pupils\nN22 5,7,\u0661\u0662\n": "whole number",  # "١٢" would read as 12
        "sector,year_group,pupils\nN22 5,7," + "9" * 5000 + "\n": "whole number",  # int() raises on this
        "sector,year_group,pupils\nN22 5,7,12\nN22 5,Y7,15\n": "twice",
    }
    for text, words in bad.items():
        r = await client.post(
            "/api/v1/admin/insights/pupil-counts", params={"school": "137531"}, json={"csv": text}
        )
        assert r.status_code == 422, r.text
        body = r.json()["error"]
        assert words in json.dumps(body), body
    assert await PupilCount.all().count() == 0
    r = await client.post(
        "/api/v1/admin/insights/planner", json={**Q, "schools": {"137531": {"earliest_min": "x"}}}
    )
    assert r.status_code == 422
    r = await client.get("/api/v1/admin/insights/flows", params={"area": AREA, "date": "2026-02-30"})
    assert r.status_code == 422 and "real day" in r.json()["error"]["message"]


async def test_officers_of_another_area_and_editors_are_refused(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=("southwark",), schools=())
    for path in ("flows", "patrol-plan", "patrol-plan.html", "patrol-plan.pdf"):
        r = await client.get(f"/api/v1/admin/insights/{path}", params=Q)
        assert r.status_code == 403, (path, r.text)
    r = await client.post("/api/v1/admin/insights/pupil-counts", params={"school": "137531"},
                          json={"csv": "sector,year_group,pupils\nN22 5,7,12\n"})  # fmt: skip
    assert r.status_code == 403
    await login_as(client, role="editor", areas=(AREA,), schools=())
    r = await client.get("/api/v1/admin/insights/flows", params=Q)
    assert r.status_code == 403
    assert re.search("role|permission|allowed", r.json()["error"]["message"], re.I)
