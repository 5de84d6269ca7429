"""Survey reports: counts by month, school or age tier for one survey period in one area, suppressed.

Every report is a view of one table per (period, area, breakdown): areas never overlap and no report adds a
filter of its own, so two reports cannot be subtracted to reveal a hidden cell. Months are shown only once
they are over; breakdowns by school and age only once the period has closed, because a running total that grows
between two reports would give away the answers that came in between.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backend.surveys.definitions import Question, Survey
from backend.surveys.errors import ReportNotReady
from backend.surveys.models import SurveyResponse, SurveyWindow
from backend.surveys.service import month_of
from backend.surveys.suppression import MIN_COUNT, suppress
from havens.csv_io import neutralise_cell

BREAKDOWNS = ("month", "school", "tier")
REPORTED_KINDS = ("single", "multiple", "scale")
TIER_LABELS = {"10-13": "Aged 10 to 13", "14-17": "Aged 14 to 17", "18-24": "Aged 18 to 24"}


@dataclass(frozen=True)
class Column:
    key: str | None
    label: str


def _months(window: SurveyWindow, *, until: str) -> list[str]:
    out, day = [], window.opens_on.replace(day=1)
    while month_of(day) <= min(until, month_of(window.closes_on)):
        out.append(month_of(day))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def _columns(
    *, by: str, survey: Survey, window: SurveyWindow, rows: list[SurveyResponse], school_names: Mapping[str, str],
    today: dt.date,
) -> list[Column]:  # fmt: skip
    if by == "month":
        last_complete = month_of(today.replace(day=1) - dt.timedelta(days=1))
        until = month_of(window.closes_on) if window.closes_on < today else last_complete
        return [
            Column(m, dt.date.fromisoformat(f"{m}-01").strftime("%B %Y"))
            for m in _months(window, until=until)
        ]
    if window.closes_on >= today:
        raise ReportNotReady(
            f"Results by {'school' if by == 'school' else 'age'} are shown after the survey closes on "
            f"{window.closes_on:%-d %B %Y}, so that nobody can work out a small group's answers by comparing "
            "reports from different days. The month-by-month results are shown now."
        )
    if by == "tier":
        return [Column(t, TIER_LABELS.get(t, t)) for t in survey.tiers] + [Column(None, "Age not given")]
    schools = sorted({r.school_urn for r in rows if r.school_urn}, key=lambda u: (school_names.get(u, u), u))
    return [Column(u, school_names.get(u, "A school no longer in the area data")) for u in schools] + [
        Column(None, "School not given")
    ]


def _key(row: SurveyResponse, by: str) -> str | None:
    return row.month if by == "month" else row.tier if by == "tier" else row.school_urn


def _answer_rows(q: Question) -> list[tuple[Any, str]]:
    if q.kind == "scale":
        labels = {q.min: f"{q.min} ({q.min_label})", q.max: f"{q.max} ({q.max_label})"}
        return [(v, labels.get(v, str(v))) for v in range(q.min, q.max + 1)]
    return [(o.id, o.label) for o in q.options]


def _question_table(
    q: Question, columns: list[Column], rows: list[SurveyResponse], *, by: str
) -> dict[str, Any]:
    answer_rows = _answer_rows(q)
    index = {c.key: i for i, c in enumerate(columns)}
    counts = [[0] * len(columns) for _ in answer_rows]
    answered = [0] * len(columns)
    position = {value: r for r, (value, _) in enumerate(answer_rows)}
    for row in rows:
        col = index.get(_key(row, by))
        value = row.answers.get(q.id)
        if col is None or value is None:
            continue
        answered[col] += 1
        for v in value if isinstance(value, list) else [value]:
            if v in position:
                counts[position[v]][col] += 1
    totals = by != "month"
    table = suppress(counts, column_totals=answered, totals=totals)
    n_rows, n_cols = len(answer_rows), len(columns)
    return {
        "id": q.id,
        "text": q.text,
        "kind": q.kind,
        "rows": [
            {
                "key": str(value),
                "label": label,
                "cells": [table.shown((r, c)) for c in range(n_cols)],
                "total": table.shown((r, n_cols)) if totals else None,
            }
            for r, (value, label) in enumerate(answer_rows)
        ],
        "answered": [table.shown((n_rows, c)) for c in range(n_cols)],
        "answered_total": table.shown((n_rows, n_cols)) if totals else None,
        "hidden_cells": len(table.hidden),
    }


def build_report(
    *, survey: Survey, window: SurveyWindow, area: str, by: str, rows: Iterable[SurveyResponse],
    school_names: Mapping[str, str], today: dt.date,
) -> dict[str, Any]:  # fmt: skip
    kept = [r for r in rows if r.window_id == window.id and r.area == area]
    columns = _columns(by=by, survey=survey, window=window, rows=kept, school_names=school_names, today=today)
    if by == "month":
        kept = [r for r in kept if r.month in {c.key for c in columns}]
    questions = [
        _question_table(q, columns, kept, by=by) for q in survey.questions if q.kind in REPORTED_KINDS
    ]
    return {
        "survey": {"slug": survey.slug, "title": survey.title, "version": survey.version},
        "window": {
            "id": window.id,
            "opens_on": window.opens_on.isoformat(),
            "closes_on": window.closes_on.isoformat(),
        },
        "area": area,
        "by": by,
        "columns": [{"key": c.key, "label": c.label} for c in columns],
        "totals": by != "month",
        "min_count": MIN_COUNT,
        "questions": questions,
        "note": (
            f"Numbers under {MIN_COUNT} are hidden, and so are some others, so that no hidden number can be worked "
            "out from the totals. Answers are what young people told us about how they feel; they are not a count "
            "of crimes."
        ),
    }


def report_csv(report: dict[str, Any]) -> str:
    """The same suppressed table as the screen, one row per answer; hidden numbers are written 'hidden'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    labels = [c["label"] for c in report["columns"]]
    writer.writerow(
        ["Question", "Answer", *map(neutralise_cell, labels), *(["Total"] if report["totals"] else [])]
    )

    def cell(value: int | None) -> str:
        return "hidden" if value is None else str(value)

    for q in report["questions"]:
        for row in [
            *q["rows"],
            {"label": "People who answered", "cells": q["answered"], "total": q["answered_total"]},
        ]:
            total = [cell(row["total"])] if report["totals"] else []
            writer.writerow(
                [neutralise_cell(q["text"]), neutralise_cell(row["label"]), *map(cell, row["cells"]), *total]
            )
    return out.getvalue()
