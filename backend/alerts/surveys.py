"""Anonymous surveys defined in content/surveys/*.json; answers are checked against the definition, nothing else kept.

No free-text questions: free text invites names and addresses, which we must not collect.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from backend.alerts.models import SurveyResponse
from backend.errors import ApiError

KINDS = ("scale", "choice", "multi")


def _check_definition(data: dict[str, Any], path: Path) -> dict[str, Any]:
    if data.get("slug") != path.stem or not isinstance(data.get("questions"), list):
        raise ValueError(f"{path.name}: slug must equal the file name and questions must be a list")
    for q in data["questions"]:
        if q.get("kind") not in KINDS or not isinstance(q.get("id"), str):
            raise ValueError(
                f"{path.name}: question {q.get('id')!r} has an unknown kind (free text is not allowed)"
            )
    return data


@lru_cache(maxsize=8)
def load_surveys(content_dir: Path) -> dict[str, dict[str, Any]]:
    folder = Path(content_dir) / "surveys"
    surveys: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        surveys[path.stem] = _check_definition(json.loads(path.read_text(encoding="utf-8")), path)
    return surveys


def validate_answers(survey: dict[str, Any], answers: Any) -> dict[str, Any]:
    if not isinstance(answers, dict):
        raise ApiError(422, "invalid_answers", "'answers' must be an object of question id -> answer.")
    questions = {q["id"]: q for q in survey["questions"]}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ApiError(
            422,
            "unknown_question",
            "Some answers are for questions this survey does not ask.",
            {"questions": unknown[:10]},
        )
    clean: dict[str, Any] = {}
    for qid, q in questions.items():
        value = answers.get(qid)
        if value is None:
            if q.get("required"):
                raise ApiError(
                    422, "missing_answer", f"Please answer '{q.get('text', qid)}'.", {"question": qid}
                )
            continue
        ok = False
        if q["kind"] == "scale":
            ok = isinstance(value, int) and not isinstance(value, bool) and q["min"] <= value <= q["max"]
        elif q["kind"] == "choice":
            ok = isinstance(value, str) and value in q["choices"]
        elif q["kind"] == "multi":
            ok = (
                isinstance(value, list)
                and len(value) <= len(q["choices"])
                and all(isinstance(v, str) and v in q["choices"] for v in value)
            )
            value = sorted(set(value)) if ok else value
        if not ok:
            raise ApiError(
                422,
                "invalid_answer",
                f"That is not a valid answer to '{q.get('text', qid)}'.",
                {"question": qid},
            )
        clean[qid] = value
    return clean


async def store(*, survey: dict[str, Any], answers: dict[str, Any]) -> SurveyResponse:
    """Only the day is kept, not the time, so an answer cannot be matched to a request log line."""
    return await SurveyResponse.create(
        survey=survey["slug"],
        survey_version=int(survey.get("version", 1)),
        answers=answers,
        received_on=dt.datetime.now(dt.UTC).date(),
    )
