"""The types that check what people send: one pydantic model per body, whose fields carry the words a person
reads when they are wrong. Pure (no web framework, no database), so every package can type its input with it.

A model checks shape, types, lengths and choices (strict: no text taken as a number, no unknown field). Its
failures become `problems`: one `{field, path, message}` each, the message a sentence (the field's `Says`, or one
made from its title), so no key reaches a screen. `backend/bodies.py` reads a request into a model and answers
those problems as one 422; `havens` reads its CSV rows into the same models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError, core_schema

__all__ = [
    "HHMM", "SENTENCE", "Body", "Changes", "OneOf", "Says", "code_of", "problem_at", "problems", "refuse", "summary",
]  # fmt: skip

SENTENCE = "sentence"  # the error type of a check that words its own sentence (`refuse`)
# A 24-hour time, 00:00-23:59, as a field pattern (pydantic's regex: `$` is the end of the text, never before "\n").
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class Body(BaseModel):
    """A request body: unknown fields refused, no type coercion, immutable once read."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, allow_inf_nan=False, hide_input_in_errors=True
    )
    # What a person reads when a body has fields WayHome does not know (a form may say it at its reader's level).
    unknown_fields_say: ClassVar[str] = (
        "This form has fields WayHome does not know: send only the fields it asks for."
    )
    # The error code of a body that fails its checks; a domain may keep the code its clients know.
    invalid_code: ClassVar[str] = "invalid_input"

    def sent(self) -> dict[str, Any]:
        """The fields the request carried (not those filled by a default), by name, in declaration order."""
        return {
            name: getattr(self, name) for name in type(self).model_fields if name in self.model_fields_set
        }

    def sent_data(self) -> dict[str, Any]:
        """`sent()` as plain data: a nested body becomes a dict with its defaults filled in."""
        return self.model_dump(include=self.model_fields_set)


@dataclass(frozen=True)
class Says:
    """`Annotated[str, Says("Give your email address.")]`: what a person reads when this field is wrong
    (`missing`: when it is left out, if that needs other words; `code`: the error code its clients know,
    when it is not the body's `invalid_code`)."""

    sentence: str
    missing: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class OneOf:
    """`Annotated[str, OneOf(KINDS)]`: one of a domain's fixed choices, checked and documented as an enum."""

    values: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.literal_schema(list(self.values))


def refuse(sentence: str, *, code: str | None = None) -> PydanticCustomError:
    """Raise this from a field validator: the sentence reaches the person as it is (`code`: as for `Says`)."""
    return PydanticCustomError(SENTENCE, sentence, {"code": code} if code else None)


def _unchanged_when_left_out(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)
    schema["description"] = (schema.get("description", "") + " A field left out stays as it is.").strip()


class Changes(Body):
    """A PATCH body: only the fields sent change. Its defaults only satisfy the types: they are never written
    and not documented (the schema says a field left out stays as it is)."""

    model_config = ConfigDict(json_schema_extra=_unchanged_when_left_out)


def problems(model: type[Body], errors: Sequence[ErrorDetails]) -> list[dict[str, str]]:
    """One `{field, path, message}` per problem: where it is (dotted and as a JSON pointer), and what to do."""
    return [problem_at(e["loc"], _sentence(model, e)) for e in errors]


def problem_at(loc: Sequence[int | str], message: str) -> dict[str, str]:
    """A problem a domain check finds after the body's type, in the same shape: `("terms", 0, "end")` gives
    field "terms.0.end" and path "/terms/0/end"."""
    return {"field": ".".join(str(p) for p in loc), "path": _pointer(tuple(loc)), "message": message}


def summary(found: Sequence[dict[str, str]]) -> str:
    """The sentence above a form: the one problem, or how many there are and the first."""
    first = found[0]["message"]
    return first if len(found) == 1 else f"{len(found)} answers need fixing. First: {first}"


def code_of(model: type[Body], error: ErrorDetails) -> str:
    """The first problem's own code (from `refuse` or its field's `Says`), else the body's."""
    own = (error.get("ctx") or {}).get("code")
    if isinstance(own, str):
        return own
    says = _says(_field(model, error["loc"]))
    return says.code if says and says.code else model.invalid_code


def _says(info: FieldInfo | None) -> Says | None:
    return next((m for m in info.metadata if isinstance(m, Says)), None) if info else None


def _pointer(loc: tuple[int | str, ...]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def _field(model: type[BaseModel], loc: tuple[int | str, ...]) -> FieldInfo | None:
    """The innermost declared field along `loc` (list indexes skipped), to find its title and sentence."""
    found: FieldInfo | None = None
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            break
        found, current = info, _model_inside(info.annotation)
    return found


def _model_inside(annotation: Any) -> Any:
    """The model a field holds, directly or as the items of a list (`list[Channel]`), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        inner = _model_inside(arg)
        if inner is not None:
            return inner
    return None


def _sentence(model: type[Body], error: ErrorDetails) -> str:
    if error["type"] == SENTENCE:
        return str(error["msg"])
    if not error["loc"]:
        return "This form could not be read: reload the page and try again."
    info = _field(model, error["loc"])
    if error["type"] == "extra_forbidden" or info is None:
        return "WayHome does not know this field: leave it out."
    says = _says(info)
    if says is not None:
        return says.missing if error["type"] == "missing" and says.missing else says.sentence
    label = info.title or str(error["loc"][-1]).replace("_", " ").capitalize()
    ctx = error.get("ctx") or {}
    words = {
        "missing": "is needed",
        "string_too_short": "is needed" if ctx.get("min_length") == 1 else "is too short",
        "string_too_long": f"can be at most {ctx.get('max_length')} characters",
        "string_type": "must be text",
        "bool_type": "must be yes or no",
        "int_type": "must be a whole number",
        "float_type": "must be a number",
        "finite_number": "must be a number",
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "literal_error": "must be one of the choices offered",
        "list_type": "must be a list",
        "too_long": f"can have at most {ctx.get('max_length')} entries",
        "too_short": f"needs at least {ctx.get('min_length')}",
        "dict_type": "must be a set of answers",
        "model_type": "must be a set of answers",
    }.get(error["type"], "is not right")
    return f"{label} {words}."
