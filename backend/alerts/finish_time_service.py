"""Finish times as a domain service: validate a school's rules and store them, keeping what they replace.

The API layer checks who may act for the school and audits the write (it calls `save_rules` inside
`audited_write`); `finish_times.py` holds the pure rules (schema, expansion, the public view).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.alerts import finish_times
from backend.alerts.models import FinishTimes


@dataclass(frozen=True)
class SavedRules:
    record: FinishTimes
    rules: dict[str, Any]
    old_rules: dict[str, Any] | None  # None for a school's first rules (the parents' notice says so)


async def save_rules(*, urn: str, area: str, body: Any, updated_by_id: int | None) -> SavedRules:
    """Validate `body` (raises finish_times.RulesError with one sentence per field) and store it for the school."""
    rules = finish_times.validate_rules(body)
    record = await FinishTimes.get_or_none(school_urn=urn)
    old_rules = dict(record.rules) if record else None
    if record is None:
        record = await FinishTimes.create(school_urn=urn, area=area, rules=rules, updated_by_id=updated_by_id)
    else:
        record.rules, record.updated_by_id = rules, updated_by_id
        await record.save()
    return SavedRules(record=record, rules=rules, old_rules=old_rules)
