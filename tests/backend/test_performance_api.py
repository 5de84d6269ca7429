"""The plan's performance dashboard: knife crime by month from the pack, Havens checked, notices and deliveries."""

from __future__ import annotations

import datetime as dt

import httpx
import pandas as pd

from backend.alerts.models import Delivery, Notice, Subscription
from backend.settings import ROOT
from havens.models import Haven
from tests.partnership.test_review import pdf_texts
from tests.support.staff import login_as

AREA = "southwark"
URL = "/api/v1/admin/performance"


def _published(borough: str, subtype: str) -> pd.Series:
    df = pd.read_csv(ROOT / "content" / "areas" / AREA / "knife_crime_monthly.csv", dtype={"month": str})
    sel = df[(df.area_name == borough) & (df.crime_subtype == subtype) & (df.measure == "Offences")]
    return sel.set_index("month")["count"]


def _series(body: dict, measure: str, borough: str) -> dict[str, int | None]:
    m = next(m for m in body["knife"]["measures"] if m["key"] == measure)
    b = next(b for b in m["boroughs"] if b["name"] == borough)
    return dict(zip(body["knife"]["months"], b["counts"], strict=True))


async def test_knife_crime_by_month_is_the_published_table_with_gaps_left_as_gaps(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    r = await client.get(URL, params={"area": AREA, "months": 48})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["knife"]["data_as_of"] == "2026-02" and body["knife"]["level"] == "borough"
    assert {b["name"] for b in body["knife"]["measures"][0]["boroughs"]} == {
        "Southwark", "Lambeth", "Lewisham", "Bromley"}  # fmt: skip
    published = _published("Southwark", "Knife Crime")
    shown = _series(body, "knife_crime", "Southwark")
    assert {m: c for m, c in shown.items() if c is not None} == {m: int(c) for m, c in published.items()}
    # Bromley has no published row for some months of knife injury victims: a gap, never a zero.
    victims = _series(body, "knife_injury_victims_1_24", "Bromley")
    gaps = [m for m, c in victims.items() if c is None]
    assert gaps and not set(gaps) & set(_published("Bromley", "Knife Injury Victims (1-24)").index)
    # The default window is the newest 24 months.
    default = (await client.get(URL, params={"area": AREA})).json()
    assert len(default["knife"]["months"]) == 24 and default["knife"]["months"][-1] == "2026-02"


async def test_the_quarter_compares_with_the_quarter_before_and_a_year_before(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    body = (await client.get(URL, params={"area": AREA})).json()
    quarter = body["quarter"]
    assert (quarter["quarter"], quarter["previous"], quarter["year_before"]) == (
        "2025-Q4",
        "2025-Q3",
        "2024-Q4",
    )
    row = next(r for r in quarter["rows"] if r["measure"] == "knife_crime" and r["borough"] == "Southwark")
    published = _published("Southwark", "Knife Crime")
    assert row["count"] == int(published[["2025-10", "2025-11", "2025-12"]].sum())
    assert row["previous"] == int(published[["2025-07", "2025-08", "2025-09"]].sum())
    assert row["year_before"] == int(published[["2024-10", "2024-11", "2024-12"]].sum())
    # A quarter with a missing month has no total (a partial sum would understate it).
    bromley = next(
        r
        for r in quarter["rows"]
        if r["measure"] == "knife_injury_victims_1_24" and r["borough"] == "Bromley"
    )
    assert bromley["count"] is None  # no published figure for 2025-10
    bad = await client.get(URL, params={"area": AREA, "quarter": "2025-Q5"})
    assert (
        bad.status_code == 422 and bad.json()["error"]["message"] == "Choose a quarter written like 2025-Q4."
    )
    bad = await client.get(URL, params={"area": AREA, "months": "２４"})
    assert bad.status_code == 422


async def test_notices_count_for_the_area_and_small_delivery_counts_are_hidden(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    now = dt.datetime.now(dt.UTC)
    later = now + dt.timedelta(hours=2)
    ours = await Notice.create(kind="patrol", title="t", body="b", areas=[AREA], status="sent", sent_at=now,
                               expires_at=later)  # fmt: skip
    small = await Notice.create(kind="patrol", title="t", body="b", areas=[AREA], status="sent", sent_at=now,
                                expires_at=later)  # fmt: skip
    await Notice.create(kind="patrol", title="t", body="b", areas=["north-london-demo"], status="sent",
                        sent_at=now, expires_at=later)  # fmt: skip
    await Notice.create(kind="patrol", title="t", body="b", areas=[AREA], expires_at=later)  # a draft
    subs = [
        await Subscription.create(
            endpoint=f"https://fcm.googleapis.com/fcm/send/{i}", p256dh="x", auth="y", last_ok_at=now
        )
        for i in range(15)
    ]
    await Delivery.bulk_create(
        [Delivery(notice_id=ours.id, subscription_id=s.id, status="done", next_attempt_at=now) for s in subs[:12]]
        + [Delivery(notice_id=small.id, subscription_id=s.id, status="failed", next_attempt_at=now)
           for s in subs[12:]]
    )  # fmt: skip
    body = (await client.get(URL, params={"area": AREA})).json()
    this_month = next(n for n in body["notices"] if n["month"] == now.strftime("%Y-%m"))
    assert this_month == {"month": now.strftime("%Y-%m"), "sent": 2, "delivered": 12, "not_delivered": None}
    assert body["notices"][-1]["month"] == now.strftime("%Y-%m") and len(body["notices"]) == 24


async def test_havens_checked_by_the_council_are_counted(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    before = (await client.get(URL, params={"area": AREA})).json()["havens"]
    haven = await Haven.filter(area=AREA, status="active", verified_at=None).first()
    assert haven is not None
    haven.verified_at = dt.datetime.now(dt.UTC)
    await haven.save()
    after = (await client.get(URL, params={"area": AREA})).json()["havens"]
    assert after["verified"] == before["verified"] + 1 and after["listed"] == before["listed"]


async def test_the_printable_summary_carries_the_quarter_and_its_source(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    r = await client.get("/api/v1/admin/performance.pdf", params={"area": AREA, "quarter": "2025-Q4"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert 'filename="performance-southwark-2025-Q4.pdf"' in r.headers["content-disposition"]
    texts = pdf_texts(r.content)
    joined = " ".join(texts)
    assert "WayHome performance summary: Southwark" in joined
    published = _published("Southwark", "Knife Crime")
    now, before = (int(published[months].sum()) for months in (["2025-10", "2025-11", "2025-12"],
                                                               ["2025-07", "2025-08", "2025-09"]))  # fmt: skip
    row = next(i for i in range(len(texts) - 1) if texts[i : i + 2] == ["Knife crime offences", "Southwark"])
    change = now - before
    assert texts[row + 2 : row + 5] == [str(now), str(before), f"+{change}" if change > 0 else str(change)]
    assert "Metropolitan Police" in joined


async def test_survey_trends_show_the_share_feeling_safe_only_with_10_on_each_side(
    client: httpx.AsyncClient,
) -> None:
    from backend.surveys.models import SurveyResponse, SurveyWindow
    from backend.surveys.service import month_of

    today = dt.datetime.now(dt.UTC).date()
    last = month_of(today.replace(day=1) - dt.timedelta(days=1))
    before = month_of((today.replace(day=1) - dt.timedelta(days=32)).replace(day=1))
    window = await SurveyWindow.create(
        survey="travel-home", opens_on=today - dt.timedelta(days=70), closes_on=today
    )
    for month, safe, unsafe in ((last, 12, 13), (before, 14, 4)):  # a test fixture: made-up answers
        for value, n in ((5, safe), (2, unsafe)):
            for _ in range(n):
                await SurveyResponse.create(
                    survey="travel-home", survey_version=1, window_id=window.id, month=month, area=AREA,
                    answers={"feel_safe": value},
                )  # fmt: skip
    await SurveyResponse.create(  # this month is not finished: never counted
        survey="travel-home",
        survey_version=1,
        window_id=window.id,
        month=month_of(today),
        area=AREA,
        answers={"feel_safe": 5},
    )
    await login_as(client, role="officer", areas=(AREA,), schools=())
    trends = (await client.get(URL, params={"area": AREA})).json()["surveys"]
    travel = next(t for t in trends if t["question"] == "How safe do you feel on your way home from school?")
    shares = {m["month"]: m["feel_safe_pct"] for m in travel["months"]}
    assert shares[last] == round(100 * 12 / 25)
    assert shares[before] is None  # 4 who do not feel safe would be given away by the share
    assert month_of(today) not in shares
    pdf = pdf_texts((await client.get("/api/v1/admin/performance.pdf", params={"area": AREA})).content)
    assert "Survey: Your way home from school" in pdf and f"{round(100 * 12 / 25)}%" in pdf
