"""Survey attitude trends for the plan's dashboard: per finished month, the share of young people in the area who
said they feel safe (4 or 5 on a 'Not safe at all' to 'Very safe' scale).

A share gives away its two counts, so a month is shown only when both those who feel safe and those who do not
number at least 10; a finished month never changes, so later dashboards cannot be subtracted from earlier ones.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from backend.surveys.definitions import Survey
from backend.surveys.models import SurveyResponse
from backend.surveys.service import month_of
from backend.surveys.suppression import MIN_COUNT

SAFE_LABEL = "Very safe"


def _safety_questions(surveys: dict[str, Survey]) -> list[tuple[Survey, str, str, int]]:
    """(survey, question id, text, lowest 'safe' value): every scale question that ends at 'Very safe'."""
    out = []
    for survey in surveys.values():
        for q in survey.questions:
            if q.kind == "scale" and q.max_label == SAFE_LABEL:
                out.append((survey, q.id, q.text, q.max - 1))
    return out


async def feeling_safe(
    *, area: str, months: list[str], surveys: dict[str, Survey], today: dt.date
) -> list[dict[str, Any]]:
    finished = [m for m in months if m < month_of(today)]
    rows = await SurveyResponse.filter(area=area, month__in=finished) if finished else []
    out = []
    for survey, qid, text, safe_from in _safety_questions(surveys):
        safe: Counter[str] = Counter()
        unsafe: Counter[str] = Counter()
        for r in rows:
            value = r.answers.get(qid) if r.survey == survey.slug else None
            if type(value) is int:
                (safe if value >= safe_from else unsafe)[r.month] += 1
        if not safe and not unsafe:
            continue
        out.append({
            "survey": survey.title,
            "question": text,
            "months": [
                {"month": m, "feel_safe_pct": round(100 * safe[m] / (safe[m] + unsafe[m]))
                 if safe[m] >= MIN_COUNT and unsafe[m] >= MIN_COUNT else None}
                for m in finished
            ],
        })  # fmt: skip
    return out
