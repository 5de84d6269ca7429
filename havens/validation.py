"""Checking what staff send for Havens, help services and key messages (JSON bodies and CSV rows alike).

The shape of each object is its type in `bodies.py`; here are the checks that need more than the body (the
areas served, for a change the values it would leave), and one error, `Invalid`, that lists every problem so
the console and the CSV import report the same sentences.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from havens.bodies import (
    HavenChanges,
    HavenDraft,
    MessageChanges,
    MessageDraft,
    ServiceChanges,
    ServiceDraft,
)
from input_types import Body, problem_at, problems

AREA_NATIONAL = "national"
# The CSV's column order (the same fields as HavenDraft, whose order is the console form's).
HAVEN_FIELDS = (
    "area", "name", "kind", "address", "postcode", "lat", "lon", "opening_hours", "status", "contact",
    "website", "accessibility", "source", "notes", "sample", "needs_verification", "source_date", "source_name", "caveat",
)  # fmt: skip
CHOOSE_AREA = "Choose an area from the list."


class Invalid(ValueError):
    """Bad input; `errors` maps a field ("lat", "channels[0].value") to a sentence a person can act on, and
    `problems` lists the same as `{field, path, message}`, the one error shape of every body."""

    def __init__(self, errors: dict[str, str], found: list[dict[str, str]] | None = None) -> None:
        super().__init__(" ".join(dict.fromkeys(errors.values())))
        self.errors = errors
        self.problems = found or [problem_at((key,), text) for key, text in errors.items()]


def _key(path: str) -> str:
    """ "/channels/0/value" -> "channels[0].value", the key the console's fields are found by; an item of a list
    of choices is the list's field ("/needs/1" -> "needs")."""
    parts = path.strip("/").split("/")
    while len(parts) > 1 and parts[-1].isdigit():
        parts.pop()
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


B = TypeVar("B", bound=Body)


def checked(model: type[B], data: Mapping[str, Any]) -> B:
    """`data` as `model`, or Invalid with every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = problems(model, exc.errors(include_url=False, include_input=False))
        errors: dict[str, str] = {}
        for problem in found:
            errors.setdefault(_key(problem["path"]), problem["message"])
        raise Invalid(errors, found) from None


def _values(body: Body, *, partial: bool) -> dict[str, Any]:
    return body.sent_data() if partial else body.model_dump()


def clean_haven(data: Mapping[str, Any], *, areas: Collection[str], partial: bool = False) -> dict[str, Any]:
    """Haven fields to store: all of them for a new Haven, with partial=True only the ones sent."""
    out = _values(checked(HavenChanges if partial else HavenDraft, data), partial=partial)
    if "area" in out and out["area"] not in areas:
        raise Invalid({"area": CHOOSE_AREA})
    return out


def clean_service(
    data: Mapping[str, Any], *, areas: Collection[str], partial: bool = False
) -> dict[str, Any]:
    """Help-service fields to store (partial=True: the ones sent); a national service is in no one area."""
    out = _values(checked(ServiceChanges if partial else ServiceDraft, data), partial=partial)
    errors: dict[str, str] = {}
    if "area" in out and out["area"] not in {AREA_NATIONAL, *areas}:
        errors["area"] = CHOOSE_AREA
    if out.get("age_min") is not None and out.get("age_max") is not None and out["age_min"] > out["age_max"]:
        errors["age_max"] = AGES_IN_ORDER
    if errors:
        raise Invalid(errors)
    return out


AGES_IN_ORDER = "The oldest age must not be below the youngest."


def clean_message(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Key-message fields to store (partial=True: the ones sent)."""
    return _values(checked(MessageChanges if partial else MessageDraft, data), partial=partial)
