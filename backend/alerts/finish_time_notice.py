"""The parents' notice an officer is offered after changing a school's finish times.

Built from what actually changes in the coming weeks (old rules against new), so the officer does not retype it
and parents are told only real, entered times. Nothing is stored here: the officer sends it, or not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.alerts.finish_time_bodies import WEEKDAYS
from backend.alerts.finish_times import ALL_GROUPS, DAY_NAMES, expand

LOOKAHEAD_DAYS = 70
MAX_DAYS_LISTED = 4


def _summary(day: dict[str, Any]) -> tuple[Any, ...]:
    return (day["school_day"], tuple((f["group"], f["time"]) for f in day["finishes"]), day.get("reason"))


def _describe(day: dict[str, Any]) -> str:
    when = dt.date.fromisoformat(day["date"])
    label = f"{when:%A} {when.day} {when:%B}"
    if not day["school_day"]:
        return f"{label}: no school" if day.get("reason") == "closed" else f"{label}: no finish time"
    times = ", ".join(
        f["time"] if f["group"] == ALL_GROUPS else f"{f['group']} {f['time']}" for f in day["finishes"]
    )
    return f"{label}: {times}"


def changed_days(
    *, old_rules: dict[str, Any] | None, new_rules: dict[str, Any], today: dt.date
) -> list[dict[str, Any]]:
    """Days in the look-ahead whose finish times differ between the old rules (or none) and the new ones."""
    new = expand(rules=new_rules, start=today, days=LOOKAHEAD_DAYS)
    if old_rules is None:
        return [d for d in new if d["school_day"]]
    old = expand(rules=old_rules, start=today, days=LOOKAHEAD_DAYS)
    return [n for o, n in zip(old, new, strict=True) if _summary(o) != _summary(n)]


def _weekly_sentence(rule: dict[str, Any]) -> str:
    picked = [i for i, d in enumerate(WEEKDAYS) if d in rule["days"]]
    days = [DAY_NAMES[WEEKDAYS[i]] + "s" for i in picked]
    if len(picked) >= 3 and picked == list(range(picked[0], picked[-1] + 1)):
        joined = f"{DAY_NAMES[WEEKDAYS[picked[0]]]} to {DAY_NAMES[WEEKDAYS[picked[-1]]]}"
    else:
        joined = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
    group = rule.get("group", ALL_GROUPS)
    return f"{group}: {joined} at {rule['finish']}"


def draft(
    *,
    urn: str,
    school_name: str,
    old_rules: dict[str, Any] | None,
    new_rules: dict[str, Any],
    today: dt.date,
) -> dict[str, Any] | None:
    """A `finish_time_change` notice body ready for POST /api/v1/admin/notices, or None if nothing changes.

    New or changed weekly rows are said as a pattern ("Year 7: Fridays at 14:30"); dated changes (early
    finishes, closures, the last day of term) are listed by day.
    """
    days = changed_days(old_rules=old_rules, new_rules=new_rules, today=today)
    old_weekly = (old_rules or {}).get("weekly", [])
    weekly = [_weekly_sentence(r) for r in new_rules["weekly"] if r not in old_weekly]
    dated = [d for d in days if not d["school_day"] or any(f["source"] != "weekly" for f in d["finishes"])]
    if not days and not weekly:
        return None
    if not weekly and not dated:
        dated = days  # a row was removed: say which days are now different
    parts = weekly + [_describe(d) for d in dated[:MAX_DAYS_LISTED]]
    more = len(dated) - MAX_DAYS_LISTED
    tail = f" (and {more} more {'day' if more == 1 else 'days'})" if more > 0 else ""
    body = (
        f"New finish times. {'; '.join(parts)}{tail}. Open the school's page in WayHome to see every day, "
        "and plan who meets your child."
    )
    return {
        "kind": "finish_time_change",
        "title": f"Finish times change at {school_name}"[:120],
        "body": body[:1000],
        "schools": [urn],
        "changed_days": len(days),
    }
