"""Request bodies over HTTP: the request's JSON object read into its type (`input_types`), or one 422.

The hostile classes (oversize, broken UTF-8, NUL, lone surrogates, huge numbers, NaN) are refused by the one
reader in `params.py` before a model sees the body. Every failure of the model is the same 422: code
`unknown_fields` when the only problem is a field WayHome does not know, otherwise the first problem's code
(`Says(code=)`) or the body's `invalid_code`; a sentence; and `details.errors`, one `{field, path, message}` per
problem, which the console places beside each control (`details.field` names the first). `Day` and `Moment` are
the date types read by the one date and date-time readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, ValidationError, WithJsonSchema
from pydantic_core import ErrorDetails
from starlette.requests import Request

from backend.errors import ApiError
from backend.params import BadDateTime, iso_datetime, parse_date, read_json_object
from input_types import Body, Changes, OneOf, Says, code_of, problems, refuse, summary

__all__ = [
    "Body", "Changes", "Day", "Moment", "OneOf", "Says", "invalid_body", "parse_body", "problems", "read_body",
    "refuse",
]  # fmt: skip


def _day(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # then refused as "not a date" by the strict date check
    try:
        return parse_date(value)
    except ApiError as exc:
        raise refuse(
            "Choose a day between the years 2000 and 2100."
            if exc.code == "out_of_range"
            else "Choose a date from the calendar."
        ) from None


# A calendar day written YYYY-MM-DD, read by the one date-only reader (params.parse_date).
Day = Annotated[dt.date, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]


def _moment(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # None where the field allows it; anything else is refused as "not a date-time"
    try:
        return iso_datetime(value, assume=None)
    except BadDateTime as exc:
        raise refuse(
            {
                "offset": "This date and time has no time zone: pick it again from the calendar.",
                "range": "Pick a date between the years 2000 and 2100.",
            }.get(exc.reason, "This is not a date and time WayHome understands: pick it again.")
        ) from None


# An ISO 8601 date-time with its offset (2026-11-25T15:30:00+00:00), years 2000-2100, read by params.iso_datetime.
Moment = Annotated[
    dt.datetime, BeforeValidator(_moment), WithJsonSchema({"type": "string", "format": "date-time"})
]

B = TypeVar("B", bound=Body)


async def read_body(request: Request, model: type[B], *, max_bytes: int = 64_000) -> B:
    """The request's JSON object as `model`, or a 4xx that says what to fix (nothing is stored either way)."""
    return parse_body(model, await read_json_object(request, max_bytes=max_bytes))


def parse_body(model: type[B], data: Mapping[str, Any]) -> B:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_body(model, exc.errors(include_url=False, include_input=False)) from None


def invalid_body(model: type[Body], errors: Sequence[ErrorDetails]) -> ApiError:
    found = problems(model, errors)
    if all(e["type"] == "extra_forbidden" for e in errors):
        return ApiError(
            422,
            "unknown_fields",
            model.unknown_fields_say,
            {"field": found[0]["field"], "errors": found},
        )
    return ApiError(
        422, code_of(model, errors[0]), summary(found), {"field": found[0]["field"], "errors": found}
    )
