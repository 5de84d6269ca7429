"""Opening hours in Europe/London with GB public holidays, overnight ranges and unknown hours."""

from __future__ import annotations

from datetime import datetime

import pytest

from havens.hours import LONDON, InvalidHours, is_open, open_state, validate_hours, weekly_to_osm

LIB = "Mo-Fr 10:00-22:00; Sa,Su 09:00-19:00; PH off"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_christmas_day_and_a_bank_holiday_are_closed_with_ph_off() -> None:
    assert is_open(LIB, at=at("2026-12-24T12:00")) is True  # Thursday, ordinary day
    assert is_open(LIB, at=at("2026-12-25T12:00")) is False  # Christmas Day 2026 (Friday)
    assert is_open(LIB, at=at("2026-05-04T12:00")) is False  # Early May bank holiday 2026 (Monday)
    assert is_open(LIB, at=at("2026-05-11T12:00")) is True  # the Monday after


def test_overnight_range_is_open_after_midnight() -> None:
    expr = "Fr 22:00-02:00"
    assert is_open(expr, at=at("2026-11-27T23:30")) is True  # Friday night
    assert is_open(expr, at=at("2026-11-28T01:30")) is True  # early Saturday
    assert is_open(expr, at=at("2026-11-28T02:30")) is False
    state = open_state(expr, at=at("2026-11-28T01:45"))
    assert state.closes_at == at("2026-11-28T02:00")
    assert state.closes_in_min == 15 and state.closing_soon is True


def test_unknown_hours_are_none_not_a_guess() -> None:
    state = open_state(None, at=at("2026-11-26T12:00"))
    assert state.open_now is None and state.opens_at is None and state.closes_at is None
    assert is_open("Mo-Fr 09:00-17:00; PH unknown", at=at("2026-12-25T12:00")) is None


def test_opens_at_and_closes_in() -> None:
    closed = open_state(LIB, at=at("2026-11-26T08:00"))
    assert closed.open_now is False and closed.opens_at == at("2026-11-26T10:00")
    open_ = open_state(LIB, at=at("2026-11-26T21:40"))
    assert open_.open_now is True and open_.closes_in_min == 20 and open_.closing_soon
    far = open_state(LIB, at=at("2026-11-26T12:00"))
    assert far.closes_in_min == 600 and not far.closing_soon
    always = open_state("24/7", at=at("2026-12-25T03:00"))
    assert always.open_now is True and always.closes_at is None and not always.closing_soon


def test_summer_time_offsets_are_london_local() -> None:
    state = open_state(LIB, at=datetime.fromisoformat("2026-07-01T20:30:00+00:00"))  # 21:30 BST
    assert state.open_now is True and state.closes_at is not None
    assert state.closes_at.isoformat() == "2026-07-01T22:00:00+01:00"


def test_invalid_expressions_are_rejected() -> None:
    with pytest.raises(InvalidHours):
        validate_hours("open when we feel like it")
    assert validate_hours("  ") is None
    assert validate_hours(" Mo-Fr 09:00-17:00 ") == "Mo-Fr 09:00-17:00"


def test_weekly_table_to_osm() -> None:
    expr = weekly_to_osm({"Mo": "09:30-20:00", "Tu": "10:00-13:00,14:00-18:00", "We": "", "Th": "1:00-18:00"})
    assert expr == (
        "Mo 09:30-20:00; Tu 10:00-13:00,14:00-18:00; We off; Th unknown; Fr off; Sa off; Su off; PH unknown"
    )
    assert is_open(expr, at=at("2026-11-30T19:00")) is True  # Monday
    assert is_open(expr, at=at("2026-12-01T13:30")) is False  # Tuesday lunch
    assert is_open(expr, at=at("2026-12-03T12:00")) is None  # Thursday: the source value is unreadable
    assert weekly_to_osm({"Mo": "", "Tu": "??"}) is None
