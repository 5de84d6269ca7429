"""The parents' notice offered after a finish-time change says exactly what changes, and nothing when nothing does."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from backend.alerts.finish_time_notice import draft
from backend.alerts.finish_times import validate_rules
from tests.support.staff import login_as

MONDAY = dt.date(2026, 11, 30)
WEEK = {"days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:20"}


def test_first_entry_is_said_as_a_pattern() -> None:
    offer = draft(
        urn="1",
        school_name="Test School",
        old_rules=None,
        new_rules=validate_rules({"weekly": [WEEK]}),
        today=MONDAY,
    )
    assert offer is not None and offer["kind"] == "finish_time_change" and offer["schools"] == ["1"]
    assert offer["title"] == "Finish times change at Test School"
    assert "All pupils: Monday to Friday at 15:20" in offer["body"]


def test_staggered_group_and_term_end_are_named_with_their_days() -> None:
    old = validate_rules({"weekly": [WEEK]})
    new = validate_rules(
        {
            "weekly": [WEEK, {"group": "Year 7", "days": ["fri"], "finish": "14:30"}],
            "terms": [{"start": "2026-09-01", "end": "2026-12-18", "last_day_finish": "13:00"}],
        }
    )
    offer = draft(urn="1", school_name="Test School", old_rules=old, new_rules=new, today=MONDAY)
    assert offer is not None
    assert "Year 7: Fridays at 14:30" in offer["body"]
    assert "Friday 18 December: 13:00, Year 7 13:00" in offer["body"]
    assert "All pupils: Monday" not in offer["body"], "an unchanged row is not news"


def test_no_change_offers_no_notice() -> None:
    rules = validate_rules({"weekly": [WEEK]})
    assert draft(urn="1", school_name="S", old_rules=rules, new_rules=rules, today=MONDAY) is None


async def test_put_offers_the_draft_and_notice_errors_are_sentences(client: httpx.AsyncClient) -> None:
    urn = "137531"
    await login_as(client, role="officer", areas=(), schools=(urn,))
    first = await client.put(f"/api/v1/admin/schools/{urn}/finish-times", json={"weekly": [WEEK]})
    assert (
        first.status_code == 200
        and first.json()["notice_draft"]["title"] == "Finish times change at Alexandra Park School"
    )
    again = await client.put(f"/api/v1/admin/schools/{urn}/finish-times", json={"weekly": [WEEK]})
    assert again.json()["notice_draft"] is None
    bad = await client.post(
        "/api/v1/admin/notices",
        json={"kind": "patrol", "title": "T", "body": "B", "schools": [urn],
              "send_at": "2026-12-01T16:00:00+00:00", "expires_at": "2026-12-01T15:00:00+00:00"},
    )  # fmt: skip
    error = bad.json()["error"]
    assert bad.status_code == 422 and error["message"] == "The end must be after the send time."
    assert error["details"]["field"] == "expires_at"
    missing = (
        await client.post("/api/v1/admin/notices", json={"kind": "patrol", "body": "B", "schools": [urn]})
    ).json()
    assert missing["error"]["message"] == "Write a title." and not re.search(
        r"'[a-z_]+'", missing["error"]["message"]
    )
