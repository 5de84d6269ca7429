"""Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in Europe/London with GB public holidays.

Parsing is cached because the same few expressions are evaluated again and again (one state check is ~8 us,
one parse ~40 us). `None` means "hours unknown": we never guess.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State

from havens.bank_holidays import is_bank_holiday

LONDON = ZoneInfo("Europe/London")
CLOSING_SOON_MIN = 30
MAX_EXPR_LEN = 500
_DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_RANGE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")


class InvalidHours(ValueError):
    """The text is not a valid OpenStreetMap opening_hours expression; the message is a sentence to act on."""


@lru_cache(maxsize=16_384)
def parse_hours(expr: str) -> OpeningHours:
    """Parse once per distinct expression; GB holidays so `PH off` means closed on bank holidays."""
    if len(expr) > MAX_EXPR_LEN:
        raise InvalidHours(f"Keep the opening hours to {MAX_EXPR_LEN} characters.")
    try:
        return OpeningHours(expr, timezone=LONDON, country="GB")
    except Exception as exc:  # the library raises its own ParserError/SyntaxError types
        where = re.search(r"--> \d+:(\d+)", str(exc))
        near = f" (the problem is near character {where.group(1)})" if where else ""
        raise InvalidHours(
            "Write the opening hours the OpenStreetMap way, for example "
            f"Mo-Fr 08:00-18:00; Sa 10:00-16:00; PH off{near}, or leave them empty when unknown."
        ) from exc


def validate_hours(expr: str | None) -> str | None:
    """Return the cleaned expression (None/blank = unknown) or raise InvalidHours."""
    if expr is None:
        return None
    cleaned = expr.strip()
    if not cleaned:
        return None
    parse_hours(cleaned)
    return cleaned


@dataclass(frozen=True, slots=True)
class OpenState:
    """Open state at one moment: open_now None means unknown."""

    open_now: bool | None
    opens_at: datetime | None
    closes_at: datetime | None
    closes_in_min: int | None
    closing_soon: bool


UNKNOWN_STATE = OpenState(
    open_now=None, opens_at=None, closes_at=None, closes_in_min=None, closing_soon=False
)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        return at.replace(tzinfo=LONDON)
    return at.astimezone(LONDON)


# Weekday bank holidays the library's GB calendar does know: (Monday..Friday) -> one such date.
_REFERENCE_HOLIDAYS = {
    d.weekday(): d
    for d in (
        date(2028, 12, 25),
        date(2029, 12, 25),
        date(2030, 12, 25),
        date(2031, 12, 25),
        date(2026, 12, 25),
    )
}


@lru_cache(maxsize=4_096)
def _library_knows_holiday(day: date) -> bool:
    state, _ = parse_hours("PH open").state(datetime.combine(day, time(12), LONDON))
    return bool(state == State.OPEN)


def _evaluation_moment(expr: str, when: datetime) -> tuple[datetime, timedelta]:
    """Where to evaluate: on a bank holiday the library misses, an expression with PH rules is evaluated at the
    same wall-clock time on a weekday holiday the library knows; returns (moment, shift to undo)."""
    day = when.date()
    if "PH" not in expr or not is_bank_holiday(day) or _library_knows_holiday(day):
        return when, timedelta(0)
    reference = _REFERENCE_HOLIDAYS.get(day.weekday())
    if reference is None:
        return when, timedelta(0)
    moved = datetime.combine(reference, when.timetz().replace(tzinfo=None), LONDON)
    return moved, reference - day


def _undo(moment: datetime | None, shift: timedelta) -> datetime | None:
    if moment is None or not shift:
        return moment
    local = _aware(moment)
    return datetime.combine(local.date() - shift, local.timetz().replace(tzinfo=None), LONDON)


def is_open(expr: str | None, *, at: datetime) -> bool | None:
    """Cheap open check (no next-change search): True, False or None for unknown."""
    if expr is None:
        return None
    moment, _shift = _evaluation_moment(expr, _aware(at))
    state, _comment = parse_hours(expr).state(moment)
    if state == State.OPEN:
        return True
    if state == State.CLOSED:
        return False
    return None


def open_state(expr: str | None, *, at: datetime) -> OpenState:
    """Open state plus when it next opens/closes and a "closes in N min" cue."""
    if expr is None:
        return UNKNOWN_STATE
    real_when = _aware(at)
    when, shift = _evaluation_moment(expr, real_when)
    oh = parse_hours(expr)
    state, _comment = oh.state(when)
    if state == State.UNKNOWN:
        return UNKNOWN_STATE
    change = oh.next_change(when)
    if shift:
        if change is not None and _aware(change).date() != when.date():
            # The next change lies after the holiday: look it up on the real calendar from the next midnight.
            change = _next_change_from(
                oh, datetime.combine(real_when.date() + timedelta(days=1), time(0), LONDON), state
            )
        else:
            change = _undo(change, shift)
        when = real_when
    if state == State.OPEN:
        closes_at = _aware(change) if change is not None else None
        closes_in_min = math.ceil((closes_at - when).total_seconds() / 60) if closes_at else None
        return OpenState(
            open_now=True,
            opens_at=None,
            closes_at=closes_at,
            closes_in_min=closes_in_min,
            closing_soon=closes_in_min is not None and closes_in_min <= CLOSING_SOON_MIN,
        )
    opens_at = None
    if change is not None:
        change = _aware(change)
        next_state, _ = oh.state(change)
        if next_state == State.OPEN:
            opens_at = change
    return OpenState(
        open_now=False, opens_at=opens_at, closes_at=None, closes_in_min=None, closing_soon=False
    )


def _next_change_from(oh: OpeningHours, start: datetime, state: State) -> datetime | None:
    """The first moment from `start` whose state differs from `state` (start itself included)."""
    first, _ = oh.state(start)
    if first != state:
        return start
    change = oh.next_change(start)
    return _aware(change) if change is not None else None


def weekly_to_osm(day_ranges: dict[str, str | None]) -> str | None:
    """Build an expression from per-weekday text like `09:30-20:00` (keys Mo..Su).

    Empty text = closed that day; text we cannot read = `unknown` for that day; no data at all = None.
    Public holidays are `PH unknown`: weekly timetables rarely say what happens on bank holidays.
    """
    rules: list[str] = []
    any_known = False
    for code in _DAY_CODES:
        raw = (day_ranges.get(code) or "").strip()
        if not raw:
            rules.append(f"{code} off")
            continue
        parts = [p.strip() for p in raw.split(",")]
        if all(_RANGE.match(p) for p in parts):
            rules.append(f"{code} {','.join(parts)}")
            any_known = True
        else:
            rules.append(f"{code} unknown")
    if not any_known:
        return None
    expr = "; ".join([*rules, "PH unknown"])
    parse_hours(expr)
    return expr
