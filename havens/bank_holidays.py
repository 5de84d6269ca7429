"""England and Wales bank holidays, computed from the rules, to fill gaps in the opening_hours calendar.

opening_hours_py 2.1's GB calendar misses some England and Wales bank holidays (in 2026: New Year's Day,
Easter Monday and the summer bank holiday), so `PH off` would show a library as open on those days. The rules
below are the statutory ones with their usual substitute days; one-off proclamations (e.g. a coronation) must
be entered as exceptions by staff.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

MON, FRI, SAT, SUN = 0, 4, 5, 6


def easter_sunday(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(MON - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - MON) % 7)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """The England and Wales bank holidays of one year (substitute days included)."""
    days: set[date] = set()
    new_year = date(year, 1, 1)
    days.add(new_year + timedelta(days={SAT: 2, SUN: 1}.get(new_year.weekday(), 0)))
    easter = easter_sunday(year)
    days |= {easter - timedelta(days=2), easter + timedelta(days=1)}
    days |= {_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)}
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == SAT:  # Christmas moves to Monday 27th, Boxing Day to Tuesday 28th
        days |= {date(year, 12, 27), date(year, 12, 28)}
    elif christmas.weekday() == SUN:  # Boxing Day stays on Monday 26th, Christmas moves to Tuesday 27th
        days |= {boxing, date(year, 12, 27)}
    elif christmas.weekday() == FRI:  # Boxing Day (Saturday) moves to Monday 28th
        days |= {christmas, date(year, 12, 28)}
    else:
        days |= {christmas, boxing}
    return frozenset(days)


def is_bank_holiday(day: date) -> bool:
    return day in bank_holidays(day.year)
