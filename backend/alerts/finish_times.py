"""School finish times: a weekly pattern, term dates and exceptions, expanded into concrete days.

Pure functions over a plain dict (the JSON officers PUT, checked as `FinishTimeRules`), so the rules are
testable without a database.
Nothing is ever guessed: a school with no pattern has no finish times.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from backend.alerts.finish_time_bodies import WEEKDAYS, FinishTimeRules
from backend.bodies import problems
from backend.errors import ApiError
from backend.params import parse_date
from input_types import problem_at

LONDON = ZoneInfo("Europe/London")
ALL_GROUPS = "All pupils"
DAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)


class RulesError(ValueError):
    """The finish-time rules cannot be used; `errors` lists what to fix: `{field, path, message}` each."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def _shape_problems(exc: ValidationError) -> list[dict[str, str]]:
    """The body layer's problems, with a field WayHome does not know placed on the row that holds it."""
    errors = exc.errors(include_url=False, include_input=False)
    found = problems(FinishTimeRules, errors)
    for error, problem in zip(errors, found, strict=True):
        if error["type"] == "extra_forbidden":
            problem.update(problem_at(error["loc"][:-1], FinishTimeRules.unknown_fields_say))
    return found


def _date(text: str, loc: tuple[str, int, str], errors: list[dict[str, str]]) -> dt.date | None:
    try:
        return parse_date(text, years=None)  # the body checked the shape; any year, as ever
    except ApiError:
        errors.append(problem_at(loc, "This is not a real date: pick one from the calendar."))
        return None


def validate_rules(rules: Any) -> dict[str, Any]:
    """Check shape (`FinishTimeRules`) and meaning (real dates, start <= end, one time per group and day).

    The rules come back as stored: plain JSON, with a field left out or empty not stored at all."""
    try:
        rules = FinishTimeRules.model_validate(rules).model_dump(exclude_none=True)
    except ValidationError as exc:
        raise RulesError(_shape_problems(exc)[:20]) from None
    errors: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(rules["weekly"]):
        group = entry.get("group", ALL_GROUPS)
        for day in entry["days"]:
            if (group, day) in seen:
                errors.append(
                    problem_at(
                        ("weekly", i, "days"),
                        f"{group} already has a finish time on {DAY_NAMES[day]}: untick it in one of the rows.",
                    )
                )
            seen.add((group, day))
    for i, term in enumerate(rules.get("terms", [])):
        start = _date(term["start"], ("terms", i, "start"), errors)
        end = _date(term["end"], ("terms", i, "end"), errors)
        if start and end and start > end:
            errors.append(problem_at(("terms", i, "end"), "The last day must be on or after the first day."))
        if start and end and (end - start).days > 200:
            errors.append(problem_at(("terms", i, "end"), "A term longer than 200 days is probably a typo."))
    for i, changed in enumerate(rules.get("exceptions", [])):
        _date(changed["date"], ("exceptions", i, "date"), errors)
        if not changed.get("closed") and not changed.get("finish"):
            errors.append(
                problem_at(
                    ("exceptions", i, "finish"),
                    "Give the finish time for that day, or choose that the school is closed.",
                )
            )
    if errors:
        raise RulesError(errors[:20])
    return {
        "weekly": rules["weekly"],
        "terms": sorted(rules.get("terms", []), key=lambda t: t["start"]),
        "exceptions": sorted(rules.get("exceptions", []), key=lambda e: e["date"]),
    }


def _at(day: dt.date, hhmm: str) -> str:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).isoformat()


def _term_for(day: dt.date, terms: list[dict[str, Any]]) -> dict[str, Any] | None:
    for term in terms:
        if term["start"] <= day.isoformat() <= term["end"]:
            return term
    return None


def expand(*, rules: dict[str, Any], start: dt.date, days: int) -> list[dict[str, Any]]:
    """Concrete finish times for `days` days from `start`: one entry per day, with `school_day` and reasons.

    Precedence: an exception for the date (and group) > the term's last-day finish > the weekly pattern.
    With no term dates entered, weekly times are shown with `term_dates_known: false` rather than guessed.
    """
    terms = rules.get("terms", [])
    by_date: dict[str, list[dict[str, Any]]] = {}
    for exc in rules.get("exceptions", []):
        by_date.setdefault(exc["date"], []).append(exc)
    groups: list[str] = []
    for entry in rules["weekly"]:
        group = entry.get("group", ALL_GROUPS)
        if group not in groups:
            groups.append(group)
    out: list[dict[str, Any]] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        weekday = WEEKDAYS[day.weekday()]
        term = _term_for(day, terms)
        record: dict[str, Any] = {
            "date": day.isoformat(),
            "weekday": weekday,
            "term_dates_known": bool(terms),
            "term": term.get("name") if term else None,
            "school_day": False,
            "finishes": [],
            "notes": [],
        }
        if terms and term is None:
            record["reason"] = "holiday"
            out.append(record)
            continue
        exceptions = by_date.get(day.isoformat(), [])
        if any(e.get("closed") and "group" not in e for e in exceptions):
            record["reason"] = "closed"
            record["notes"] = [e["note"] for e in exceptions if e.get("note")]
            out.append(record)
            continue
        finishes: list[dict[str, Any]] = []
        for group in groups:
            normal = next(
                (
                    e["finish"]
                    for e in rules["weekly"]
                    if e.get("group", ALL_GROUPS) == group and weekday in e["days"]
                ),
                None,
            )
            if normal is None:
                continue
            finish, source = normal, "weekly"
            if term and term.get("last_day_finish") and day.isoformat() == term["end"]:
                finish, source = term["last_day_finish"], "last_day_of_term"
            exc = next((e for e in exceptions if e.get("group") == group), None) or next(
                (e for e in exceptions if "group" not in e), None
            )
            if exc is not None:
                if exc.get("closed"):
                    continue
                finish, source = exc["finish"], "exception"
            item = {"group": group, "time": finish, "at": _at(day, finish), "source": source}
            if source != "weekly":
                item["usual_time"] = normal
            finishes.append(item)
        record["finishes"] = sorted(finishes, key=lambda f: (f["time"], f["group"]))
        record["school_day"] = bool(finishes)
        record["notes"] = [e["note"] for e in exceptions if e.get("note")]
        if not finishes:
            record["reason"] = "no_school"
        out.append(record)
    return out


def public_view(
    *, rules: dict[str, Any] | None, updated_at: dt.datetime | None, today: dt.date, days: int
) -> dict[str, Any]:
    """What the public API shows: entered times, or a plain statement that none were entered."""
    if rules is None:
        return {
            "status": "not_entered",
            "message": "This school's finish times have not been entered yet. Check with the school.",
            "updated_at": None,
            "days": [],
        }
    return {
        "status": "entered",
        "message": None,
        "updated_at": updated_at.isoformat() if updated_at else None,
        "days": expand(rules=rules, start=today, days=days),
    }
