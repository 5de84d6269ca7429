"""England and Wales bank holidays, including the ones the opening_hours library's calendar misses."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from havens.bank_holidays import bank_holidays, easter_sunday
from havens.hours import is_open, open_state

LONDON = ZoneInfo("Europe/London")
LIBRARY_HOURS = "Mo-Fr 10:00-18:00; Sa 10:00-16:00; PH off"


def test_2026_and_2027_match_the_published_lists() -> None:
    assert bank_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
    }
    # 2027: Christmas on a Saturday, so both Christmas and Boxing Day move to Monday and Tuesday.
    assert bank_holidays(2027) == {
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),
        date(2027, 12, 28),
    }


def test_easter_dates() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]


@pytest.mark.parametrize("day", sorted(bank_holidays(2026)))
def test_ph_off_is_closed_on_every_2026_bank_holiday(day: date) -> None:
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
    assert is_open(LIBRARY_HOURS, at=noon) is False
    state = open_state(LIBRARY_HOURS, at=noon)
    assert state.open_now is False
    assert state.opens_at is not None and state.opens_at.date() > day


def test_ph_hours_apply_on_a_missed_holiday_and_ordinary_rules_otherwise() -> None:
    at = datetime(2026, 8, 31, 12, 30, tzinfo=LONDON)  # summer bank holiday, missed by the library
    short = open_state("Mo-Fr 10:00-18:00; PH 11:00-13:00", at=at)
    assert short.open_now is True
    assert short.closes_at == datetime(2026, 8, 31, 13, 0, tzinfo=LONDON)
    assert short.closing_soon is True
    # An expression without PH rules treats the bank holiday as an ordinary Monday.
    assert open_state("Mo-Fr 10:00-18:00", at=at).closes_at == datetime(2026, 8, 31, 18, 0, tzinfo=LONDON)
    # The Friday before is an ordinary day.
    assert is_open(LIBRARY_HOURS, at=datetime(2026, 8, 28, 12, tzinfo=LONDON)) is True
