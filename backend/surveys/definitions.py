"""Survey definitions: versioned JSON files in content/surveys, checked once when they are read.

A definition says what is asked and of whom (age tiers, areas, schools); *when* a survey is open is a
decision staff record in the console (models.SurveyWindow), so no date in these files is made up.
Free text is off unless the file says `"free_text": true`: free text invites names and addresses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

KINDS = ("single", "multiple", "scale", "pin", "text")
AGE_TIERS = ("10-13", "14-17", "18-24")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
TEXT_MAX = 500


class DefinitionError(ValueError):
    """A survey file that cannot be served; raised at start-up and by the content tests."""


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    required: bool = False
    options: tuple[Option, ...] = ()
    min: int = 1
    max: int = 5
    min_label: str = ""
    max_label: str = ""
    hint: str = ""

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "text": self.text, "required": self.required}
        if self.hint:
            out["hint"] = self.hint
        if self.kind in ("single", "multiple"):
            out["options"] = [{"id": o.id, "label": o.label} for o in self.options]
        if self.kind == "scale":
            out.update(min=self.min, max=self.max, min_label=self.min_label, max_label=self.max_label)
        if self.kind == "text":
            out["max_length"] = TEXT_MAX
        return out


@dataclass(frozen=True)
class Survey:
    slug: str
    version: int
    title: str
    intro: str
    purpose: str
    questions: tuple[Question, ...]
    tiers: tuple[str, ...] = AGE_TIERS
    areas: tuple[str, ...] = ()  # empty: every area served
    schools: tuple[str, ...] = ()  # empty: every school in those areas
    free_text: bool = False
    sources: tuple[str, ...] = field(default=())

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "intro": self.intro,
            "purpose": self.purpose,
            "audience": {"tiers": list(self.tiers), "areas": list(self.areas), "schools": list(self.schools)},
            "free_text": self.free_text,
            "questions": [q.json() for q in self.questions],
        }


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True, limit: int = 400) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise DefinitionError(f"{where}: '{key}' must be text of at most {limit} characters")
    return value.strip()


def _question(data: Any, *, where: str, free_text: bool) -> Question:
    if not isinstance(data, dict):
        raise DefinitionError(f"{where}: each question must be an object")
    qid, kind = data.get("id"), data.get("kind")
    if not isinstance(qid, str) or not ID_RE.fullmatch(qid):
        raise DefinitionError(f"{where}: question id {qid!r} must be lower-case letters, digits and _")
    where = f"{where} question {qid}"
    if kind not in KINDS:
        raise DefinitionError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if kind == "text" and not free_text:
        raise DefinitionError(f'{where}: free-text questions need "free_text": true on the survey')
    options: list[Option] = []
    if kind in ("single", "multiple"):
        raw = data.get("options")
        if not isinstance(raw, list) or not 2 <= len(raw) <= 12:
            raise DefinitionError(f"{where}: give between 2 and 12 options")
        for o in raw:
            if not isinstance(o, dict) or not isinstance(o.get("id"), str) or not ID_RE.fullmatch(o["id"]):
                raise DefinitionError(f"{where}: each option needs an id of lower-case letters and _")
            options.append(Option(o["id"], _text(o, "label", where, limit=120)))
        if len({o.id for o in options}) != len(options):
            raise DefinitionError(f"{where}: option ids must be different")
    low, high = data.get("min", 1), data.get("max", 5)
    if kind == "scale" and not (type(low) is int and type(high) is int and 0 <= low < high <= 10):
        raise DefinitionError(f"{where}: a scale needs whole numbers 0 <= min < max <= 10")
    return Question(
        id=qid,
        kind=kind,
        text=_text(data, "text", where, limit=200),
        required=data.get("required") is True,
        options=tuple(options),
        min=int(low) if kind == "scale" else 1,
        max=int(high) if kind == "scale" else 5,
        min_label=_text(data, "min_label", where, required=kind == "scale", limit=60),
        max_label=_text(data, "max_label", where, required=kind == "scale", limit=60),
        hint=_text(data, "hint", where, required=False, limit=200),
    )


def _strings(
    data: dict[str, Any], key: str, where: str, allowed: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DefinitionError(f"{where}: '{key}' must be a list of text")
    if allowed is not None and not set(value) <= set(allowed):
        raise DefinitionError(f"{where}: '{key}' may only hold {', '.join(allowed)}")
    return tuple(value)


def parse_survey(data: Any, *, path: Path) -> Survey:
    where = path.name
    if not isinstance(data, dict) or data.get("slug") != path.stem or not SLUG_RE.fullmatch(path.stem):
        raise DefinitionError(f"{where}: 'slug' must equal the file name")
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise DefinitionError(f"{where}: 'version' must be a whole number from 1")
    free_text = data.get("free_text", False) is True
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not 1 <= len(raw_questions) <= 30:
        raise DefinitionError(f"{where}: give between 1 and 30 questions")
    questions = tuple(_question(q, where=where, free_text=free_text) for q in raw_questions)
    if len({q.id for q in questions}) != len(questions):
        raise DefinitionError(f"{where}: question ids must be different")
    if sum(q.kind == "pin" for q in questions) > 1:
        raise DefinitionError(f"{where}: at most one map question")
    audience = data.get("audience", {})
    if not isinstance(audience, dict):
        raise DefinitionError(f"{where}: 'audience' must be an object")
    tiers = _strings(audience, "tiers", where, AGE_TIERS) or AGE_TIERS
    return Survey(
        slug=path.stem,
        version=version,
        title=_text(data, "title", where, limit=120),
        intro=_text(data, "intro", where, limit=600),
        purpose=_text(data, "purpose", where, limit=600),
        questions=questions,
        tiers=tiers,
        areas=_strings(audience, "areas", where),
        schools=_strings(audience, "schools", where),
        free_text=free_text,
        sources=_strings(data, "sources", where),
    )


@lru_cache(maxsize=8)
def load_surveys(content_dir: Path) -> dict[str, Survey]:
    folder = Path(content_dir) / "surveys"
    surveys: dict[str, Survey] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise DefinitionError(f"{path.name}: not valid JSON ({exc})") from None
        surveys[path.stem] = parse_survey(data, path=path)
    return surveys
