"""School finish times: a weekly pattern, term dates and exceptions, expanded into concrete days.

Pure functions over a plain dict (the JSON officers PUT), so the rules are testable without a database.
Nothing is ever guessed: a school with no pattern has no finish times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import jsonschema.validators

from backend.errors import ApiError
from backend.params import parse_date

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_GROUPS = "All pupils"
_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PLAIN = "^[^\\x00-\\x1f\\x7f]*$"  # no control characters (PostgreSQL JSON refuses NUL)
_TEXT = {"type": "string", "minLength": 1, "maxLength": 80, "pattern": _PLAIN}

RULES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["weekly"],
    "properties": {
        "weekly": {
            "type": "array",
            "maxItems": 40,
            "description": "Normal finish times; several entries with a `group` give staggered finishes.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["days", "finish"],
                "properties": {
                    "group": _TEXT,
                    "days": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"enum": list(WEEKDAYS)},
                    },
                    "finish": {"type": "string", "pattern": _TIME},
                },
            },
        },
        "terms": {
            "type": "array",
            "maxItems": 12,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["start", "end"],
                "properties": {
                    "name": _TEXT,
                    "start": {"type": "string", "pattern": _DATE},
                    "end": {"type": "string", "pattern": _DATE},
                    "last_day_finish": {"type": ["string", "null"], "pattern": _TIME},
                },
            },
        },
        "exceptions": {
            "type": "array",
            "maxItems": 200,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["date"],
                "properties": {
                    "date": {"type": "string", "pattern": _DATE},
                    "group": _TEXT,
                    "finish": {"type": ["string", "null"], "pattern": _TIME},
                    "closed": {"type": "boolean"},
                    "note": {"type": "string", "maxLength": 200, "pattern": _PLAIN},
                },
            },
        },
    },
}


DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_FIELD_SENTENCES = {
    "finish": "Type the time as 24-hour hours and minutes, for example 14:30.",
    "last_day_finish": "Type the time as 24-hour hours and minutes, for example 13:30, or leave it empty.",
    "start": "Pick the first day from the calendar.",
    "end": "Pick the last day from the calendar.",
    "date": "Pick the day from the calendar.",
    "group": "Name the group in 1 to 80 characters of plain text, for example Year 7.",
    "name": "Name the term in 1 to 80 characters of plain text, for example Autumn term.",
    "note": "Keep the note to 200 characters of plain text.",
    "days": "Tick at least one weekday.",
    "closed": "Choose whether the school is closed that day.",
}
_LIST_LIMITS = {
    "weekly": "There can be at most 40 finish-time rows.",
    "terms": "There can be at most 12 terms.",
    "exceptions": "There can be at most 200 changed days.",
}


def plain_message(err: jsonschema.ValidationError) -> str:
    """A sentence an officer can act on for one schema failure (never the schema's own wording)."""
    path = [str(p) for p in err.absolute_path]
    if not path and err.validator == "type":
        return "The finish times could not be read: reload the page and try again."
    if err.validator == "additionalProperties":
        return "This form sent something WayHome does not use: reload the page and try again."
    if err.validator == "required":
        missing = str(err.message).split("'")[1] if "'" in str(err.message) else ""
        return _FIELD_SENTENCES.get(missing, "Something required is missing: fill in every field in the row.")
    if err.validator == "maxItems" and path and path[-1] in _LIST_LIMITS:
        return _LIST_LIMITS[path[-1]]
    name = next((p for p in reversed(path) if not p.isdigit()), "")
    if name == "days" and err.validator in ("enum", "uniqueItems", "minItems"):
        return _FIELD_SENTENCES["days"]
    return _FIELD_SENTENCES.get(name, "This value is not accepted: check it and try again.")


class RulesError(ValueError):
    """The finish-time rules are malformed; `errors` lists what to fix, with JSON paths."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def _date(text: str, path: str, errors: list[dict[str, str]]) -> dt.date | None:
    try:
        return parse_date(text, field=path, years=None)  # the schema checked the shape; any year, as ever
    except ApiError:
        errors.append({"path": path, "message": "This is not a real date: pick one from the calendar."})
        return None


def _whole_string_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """JSON Schema `pattern`, but a final `$` means the end of the string: Python's `$` also matches before a
    trailing newline, which would let "15:20\\n" through as a time."""
    if not validator.is_type(instance, "string"):
        return
    anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith(r"\$") else pattern
    if not re.search(anchored, instance):
        example = {_TIME: "a time such as 15:20", _DATE: "a date such as 2026-12-01"}.get(
            pattern, "plain text"
        )
        yield jsonschema.ValidationError(f"{instance!r} does not match what this field takes: {example}.")


_RulesValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": _whole_string_pattern}
)


def validate_rules(rules: Any) -> dict[str, Any]:
    """Check shape and meaning (real dates, start <= end, one time per group and day); normalised."""
    validator = _RulesValidator(RULES_SCHEMA)
    errors = [
        {"path": "/" + "/".join(str(p) for p in err.absolute_path), "message": plain_message(err)}
        for err in sorted(validator.iter_errors(rules), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if errors:
        raise RulesError(errors[:20])
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(rules["weekly"]):
        group = entry.get("group", ALL_GROUPS)
        for day in entry["days"]:
            if (group, day) in seen:
                errors.append(
                    {
                        "path": f"/weekly/{i}/days",
                        "message": f"{group} already has a finish time on {DAY_NAMES[day]}: "
                        "untick it in one of the rows.",
                    }
                )
            seen.add((group, day))
    for i, term in enumerate(rules.get("terms", [])):
        start = _date(term["start"], f"/terms/{i}/start", errors)
        end = _date(term["end"], f"/terms/{i}/end", errors)
        if start and end and start > end:
            errors.append(
                {"path": f"/terms/{i}/end", "message": "The last day must be on or after the first day."}
            )
        if start and end and (end - start).days > 200:
            errors.append(
                {"path": f"/terms/{i}/end", "message": "A term longer than 200 days is probably a typo."}
            )
    for i, exc in enumerate(rules.get("exceptions", [])):
        _date(exc["date"], f"/exceptions/{i}/date", errors)
        if not exc.get("closed") and not exc.get("finish"):
            errors.append(
                {
                    "path": f"/exceptions/{i}/finish",
                    "message": "Give the finish time for that day, or choose that the school is closed.",
                }
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
