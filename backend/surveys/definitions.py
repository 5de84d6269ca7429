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
    """A survey definition that cannot be served: a file (at start-up and in the content tests) or a draft."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


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


def _text(data: dict[str, Any], key: str, label: str, *, required: bool = True, limit: int = 400) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise DefinitionError(f"Write {label} (at most {limit} characters).", key)
    return value.strip()


def _question(data: Any, *, n: int, free_text: bool) -> Question:
    where = f"Question {n}"
    if not isinstance(data, dict):
        raise DefinitionError(f"{where} is empty. Fill it in or remove it.", "questions")
    qid, kind = data.get("id"), data.get("kind")
    if not isinstance(qid, str) or not ID_RE.fullmatch(qid):
        raise DefinitionError(f"{where} needs a short name made of lower-case letters, digits and _.", "id")
    if kind not in KINDS:
        raise DefinitionError(f"{where}: choose what kind of answer it takes.", "kind")
    if kind == "text" and not free_text:
        raise DefinitionError(
            f"{where} asks for a written answer, but written answers are turned off for this survey.", "kind"
        )
    options: list[Option] = []
    if kind in ("single", "multiple"):
        raw = data.get("options")
        if not isinstance(raw, list) or not 2 <= len(raw) <= 12:
            raise DefinitionError(f"{where}: give between 2 and 12 choices.", "options")
        for o in raw:
            if not isinstance(o, dict) or not isinstance(o.get("id"), str) or not ID_RE.fullmatch(o["id"]):
                raise DefinitionError(
                    f"{where}: each choice needs a short name of lower-case letters and _.", "options"
                )
            options.append(
                Option(o["id"], _text(o, "label", f"the words of each choice in question {n}", limit=120))
            )
        if len({o.id for o in options}) != len(options):
            raise DefinitionError(
                f"{where}: two choices have the same words. Make each choice different.", "options"
            )
    if not isinstance(data.get("required", False), bool):
        raise DefinitionError(f"{where}: choose whether it must be answered.", "required")
    low, high = data.get("min", 1), data.get("max", 5)
    if kind == "scale" and not (type(low) is int and type(high) is int and 0 <= low < high <= 10):
        raise DefinitionError(
            f"{where}: a scale runs between two whole numbers from 0 to 10, lowest first.", "min"
        )
    return Question(
        id=qid,
        kind=kind,
        text=_text(data, "text", f"the words of question {n}", limit=200),
        required=data.get("required") is True,
        options=tuple(options),
        min=int(low) if kind == "scale" else 1,
        max=int(high) if kind == "scale" else 5,
        min_label=_text(
            data,
            "min_label",
            f"what the lowest number means in question {n}",
            required=kind == "scale",
            limit=60,
        ),
        max_label=_text(
            data,
            "max_label",
            f"what the highest number means in question {n}",
            required=kind == "scale",
            limit=60,
        ),
        hint=_text(data, "hint", f"the hint of question {n}", required=False, limit=200),
    )


def _strings(
    data: dict[str, Any], key: str, label: str, allowed: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DefinitionError(f"Choose {label} from the list.", key)
    if allowed is not None and not set(value) <= set(allowed):
        raise DefinitionError(f"Choose {label} from the list.", key)
    return tuple(value)


def parse_survey(data: Any, *, slug: str) -> Survey:
    """One survey definition, from its file or an editor's draft; refused with a sentence an editor can act on."""
    if not isinstance(data, dict) or data.get("slug") != slug or not SLUG_RE.fullmatch(slug):
        raise DefinitionError("The survey's short name must equal its file name.", "slug")
    version = data.get("version")
    if type(version) is not int or version < 1:
        raise DefinitionError("The survey's version must be a whole number from 1.", "version")
    free_text = data.get("free_text", False)
    if not isinstance(free_text, bool):
        raise DefinitionError("Choose whether written answers are allowed.", "free_text")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not 1 <= len(raw_questions) <= 30:
        raise DefinitionError("A survey asks between 1 and 30 questions.", "questions")
    questions = tuple(_question(q, n=i, free_text=free_text) for i, q in enumerate(raw_questions, start=1))
    if len({q.id for q in questions}) != len(questions):
        raise DefinitionError("Two questions have the same short name. Give each its own.", "questions")
    if sum(q.kind == "pin" for q in questions) > 1:
        raise DefinitionError("A survey can have at most one map question.", "questions")
    audience = data.get("audience", {})
    if not isinstance(audience, dict):
        raise DefinitionError("Choose who the survey is for.", "audience")
    tiers = _strings(audience, "tiers", "the age groups", AGE_TIERS) or AGE_TIERS
    return Survey(
        slug=slug,
        version=version,
        title=_text(data, "title", "the survey's title", limit=120),
        intro=_text(data, "intro", "the survey's first words to young people", limit=600),
        purpose=_text(data, "purpose", "what the survey is for", limit=600),
        questions=questions,
        tiers=tiers,
        areas=_strings(audience, "areas", "the areas"),
        schools=_strings(audience, "schools", "the schools"),
        free_text=free_text,
        sources=_strings(data, "sources", "the sources"),
    )


@lru_cache(maxsize=8)
def load_surveys(content_dir: Path) -> dict[str, Survey]:
    folder = Path(content_dir) / "surveys"
    surveys: dict[str, Survey] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            surveys[path.stem] = parse_survey(data, slug=path.stem)
        except DefinitionError as exc:
            raise DefinitionError(f"{path.name}: {exc.message}", exc.field) from None
        except ValueError as exc:
            raise DefinitionError(f"{path.name}: not valid JSON ({exc})") from None
    return surveys
