"""Finish-time rules expand into concrete days: weekly pattern, staggered groups, terms, early finishes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from backend.alerts.finish_times import RulesError, expand, public_view, validate_rules

RULES = {
    "weekly": [
        {"group": "Years 7-8", "days": ["mon", "tue", "wed", "thu"], "finish": "15:10"},
        {"group": "Years 7-8", "days": ["fri"], "finish": "14:00"},
        {"group": "Years 9-11", "days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:25"},
    ],
    "terms": [
        {"name": "Autumn 2026", "start": "2026-09-03", "end": "2026-12-18", "last_day_finish": "13:30"},
        {"name": "Spring 2027", "start": "2027-01-05", "end": "2027-03-26"},
    ],
    "exceptions": [
        {"date": "2026-12-09", "group": "Years 9-11", "finish": "12:30", "note": "Year 11 mock exams"},
        {"date": "2026-12-10", "closed": True, "note": "INSET day"},
    ],
}


def _days(start: str, days: int) -> dict[str, dict]:
    rules = validate_rules(RULES)
    return {d["date"]: d for d in expand(rules=rules, start=dt.date.fromisoformat(start), days=days)}


def test_staggered_weekly_pattern_gives_each_group_its_time() -> None:
    monday = _days("2026-11-30", 1)["2026-11-30"]
    assert monday["school_day"] is True
    assert [(f["group"], f["time"]) for f in monday["finishes"]] == [
        ("Years 7-8", "15:10"),
        ("Years 9-11", "15:25"),
    ]
    assert monday["finishes"][0]["at"] == "2026-11-30T15:10:00+00:00"
    friday = _days("2026-12-04", 1)["2026-12-04"]
    assert [(f["group"], f["time"]) for f in friday["finishes"]] == [
        ("Years 7-8", "14:00"),
        ("Years 9-11", "15:25"),
    ]


def test_weekend_and_holidays_are_not_school_days() -> None:
    days = _days("2026-12-19", 20)
    assert days["2026-12-19"]["school_day"] is False  # Saturday after term
    assert days["2026-12-21"]["reason"] == "holiday"
    assert days["2027-01-05"]["school_day"] is True
    assert days["2027-01-05"]["term"] == "Spring 2027"


def test_last_day_of_term_early_finish_applies_to_every_group() -> None:
    last = _days("2026-12-18", 1)["2026-12-18"]
    assert {f["time"] for f in last["finishes"]} == {"13:30"}
    assert {f["source"] for f in last["finishes"]} == {"last_day_of_term"}
    assert {f["usual_time"] for f in last["finishes"]} == {"14:00", "15:25"}


def test_exceptions_override_one_group_or_close_the_school() -> None:
    days = _days("2026-12-09", 2)
    mocks = {f["group"]: f for f in days["2026-12-09"]["finishes"]}
    assert mocks["Years 9-11"]["time"] == "12:30" and mocks["Years 9-11"]["source"] == "exception"
    assert mocks["Years 7-8"]["time"] == "15:10"
    assert days["2026-12-09"]["notes"] == ["Year 11 mock exams"]
    assert days["2026-12-10"]["school_day"] is False and days["2026-12-10"]["reason"] == "closed"


def test_summer_time_offset_is_correct() -> None:
    rules = validate_rules({"weekly": [{"days": ["mon"], "finish": "15:00"}]})
    day = expand(rules=rules, start=dt.date(2026, 6, 1), days=1)[0]
    assert day["finishes"][0]["at"] == "2026-06-01T15:00:00+01:00"
    assert day["term_dates_known"] is False


def test_no_rules_means_no_invented_times() -> None:
    view = public_view(rules=None, updated_at=None, today=dt.date(2026, 11, 30), days=14)
    assert view["status"] == "not_entered" and view["days"] == []
    assert "not been entered" in view["message"]


@pytest.mark.parametrize(
    ("rules", "fragment", "path"),
    [
        ({"weekly": [{"days": ["mon"], "finish": "25:00"}]}, "24-hour", "/weekly/0/finish"),
        (
            {"weekly": [{"days": ["funday"], "finish": "15:00"}]},
            "Tick at least one weekday",
            "/weekly/0/days/0",
        ),
        (
            {"weekly": [{"days": ["mon"], "finish": "15:00"}, {"days": ["mon"], "finish": "15:30"}]},
            "already has a finish time on Monday",
            "/weekly/1/days",
        ),
        (
            {"weekly": [], "terms": [{"start": "2026-12-01", "end": "2026-09-01"}]},
            "on or after the first day",
            "/terms/0/end",
        ),
        (
            {"weekly": [], "terms": [{"start": "2026-02-30", "end": "2026-03-01"}]},
            "not a real date",
            "/terms/0/start",
        ),
        (
            {"weekly": [], "exceptions": [{"date": "2026-12-01"}]},
            "or choose that the school is closed",
            "/exceptions/0/finish",
        ),
        ({"weekly": [], "surprise": 1}, "does not use", "/"),
        ([1, 2], "could not be read", "/"),
    ],
)
def test_bad_rules_are_refused_with_a_plain_sentence_and_a_path(
    rules: object, fragment: str, path: str
) -> None:
    with pytest.raises(RulesError) as info:
        validate_rules(rules)
    assert fragment in str(info.value)
    assert info.value.errors[0]["path"] == path
    for error in info.value.errors:  # what an officer reads: no schema words, patterns or field keys
        assert not re.search(
            r"\^|\$|\\d|'[a-z_]+'|does not match|is not of type|Additional properties", error["message"]
        )
    assert all("path" in e for e in info.value.errors)
