"""Parsing of query strings and JSON bodies that fails with a clear 4xx, never a 500."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

from starlette.requests import Request

from backend.errors import ApiError

LONDON: Final = ZoneInfo("Europe/London")
# The largest integer any field takes (JavaScript's safe range): ids, counts, ages, limits are all far below.
MAX_JSON_INT: Final = 2**53
_INT_TEXT: Final = re.compile(r"-?[0-9]{1,16}")
_FLOAT_TEXT: Final = re.compile(r"-?[0-9]{1,16}(?:\.[0-9]{1,16})?(?:[eE][-+]?[0-9]{1,3})?")
# ISO 8601 as people and browsers write it: ASCII digits, a "T" or space, optional seconds/fraction/offset.
_ISO_DATETIME: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
)
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BAD_TEXT: Final = re.compile(r"[\x00\ud800-\udfff]")
_WHOLE_TEXT: Final = re.compile(r"[0-9]+")


def whole_number(
    text: str | bytes | None, *, max_digits: int = 18, saturate_at: int | None = None
) -> int | None:
    """A non-negative whole number in ASCII digits (at most `max_digits` of them), else None; with
    `saturate_at`, longer or larger numbers read as that ceiling (a delay of "forever" is the longest we wait).

    The one check for numbers in headers, path segments and uploaded cells: `str.isdigit()` is not it, since
    "²" passes it and then `int()` raises, "١٢" passes and `int()` reads 12, and 5,000 digits make `int()` raise.
    """
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    if not isinstance(text, str) or not _WHOLE_TEXT.fullmatch(text):
        return None
    if len(text) > max_digits:
        return saturate_at
    value = int(text)
    return value if saturate_at is None else min(value, saturate_at)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _raw(request: Request, name: str, default: Any) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ApiError(
            422, "repeated_parameter", f"Give '{name}' once, not {len(values)} times.", {"param": name}
        )
    if not values or values[0] == "":
        if default is MISSING:
            raise ApiError(422, "missing_parameter", f"The '{name}' parameter is required.", {"param": name})
        return None
    return values[0]


def query_str(
    request: Request,
    name: str,
    *,
    max_len: int = 200,
    default: Any = MISSING,
    choices: tuple[str, ...] | list[str] | None = None,
) -> Any:
    raw = _raw(request, name, default)
    if raw is None:
        return default
    value = raw.strip()
    if _BAD_TEXT.search(value):
        raise ApiError(
            422, "invalid_characters", f"'{name}' contains characters that are not text.", {"param": name}
        )
    if len(value) > max_len:
        raise ApiError(
            422,
            "parameter_too_long",
            f"'{name}' must be at most {max_len} characters.",
            {"param": name, "max_len": max_len},
        )
    if choices is not None and value not in choices:
        raise ApiError(
            422,
            "invalid_choice",
            f"'{name}' must be one of: {', '.join(choices)}.",
            {"param": name, "choices": list(choices)},
        )
    return value


def _query_number(
    request: Request,
    name: str,
    *,
    text: re.Pattern[str],
    read: type[float] | type[int],
    code: str,
    what: str,
    min: float,
    max: float,
    default: Any,
) -> Any:
    """A number from the query string: ASCII digits in `text`'s shape, then within [min, max]."""
    raw = _raw(request, name, default)
    if raw is None:
        return default
    if not text.fullmatch(raw):
        raise ApiError(422, code, f"'{name}' must be {what}.", {"param": name})
    value = read(raw)
    if not math.isfinite(value) or not min <= value <= max:
        raise ApiError(
            422,
            "out_of_range",
            f"'{name}' must be between {min} and {max}.",
            {"param": name, "min": min, "max": max},
        )
    return value


def query_float(request: Request, name: str, *, min: float, max: float, default: Any = MISSING) -> Any:
    return _query_number(request, name, text=_FLOAT_TEXT, read=float, code="invalid_number", what="a number",
                         min=min, max=max, default=default)  # fmt: skip


def query_int(request: Request, name: str, *, min: int, max: int, default: Any = MISSING) -> Any:
    return _query_number(request, name, text=_INT_TEXT, read=int, code="invalid_integer", what="a whole number",
                         min=min, max=max, default=default)  # fmt: skip


class BadDateTime(ValueError):
    """Not a date-time we accept; `reason` is "format", "offset" (none given where one is needed) or "range"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def iso_datetime(value: str, *, assume: tzinfo | None = LONDON) -> datetime:
    """ISO 8601 in ASCII digits, years 2000-2100, as an aware UTC datetime; the one date-time reader.

    A value without an offset is read in `assume` (refused when it is None). The year is checked before any
    conversion, so calendar-edge values (9999-12-31T23:00-05:00) are refused instead of overflowing.
    """
    if not isinstance(value, str) or not _ISO_DATETIME.fullmatch(value):
        raise BadDateTime("format")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadDateTime("format") from None
    if parsed.tzinfo is None:
        if assume is None:
            raise BadDateTime("offset")
        parsed = parsed.replace(tzinfo=assume)
    if not 2000 <= parsed.year <= 2100:
        raise BadDateTime("range")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # pragma: no cover - the year check keeps us well inside the calendar
        raise BadDateTime("range") from None


def parse_datetime(value: str, *, field: str = "at") -> datetime:
    """ISO 8601; a time without an offset is read as Europe/London local time."""
    try:
        parsed = iso_datetime(value)
    except BadDateTime as exc:
        if exc.reason == "range":
            raise ApiError(
                422, "out_of_range", f"'{field}' must be between the years 2000 and 2100.", {"param": field}
            ) from None
        raise ApiError(
            422,
            "invalid_datetime",
            f"'{field}' must be an ISO 8601 date-time, e.g. 2026-11-25T15:30:00+00:00.",
            {"param": field},
        ) from None
    return parsed.astimezone(LONDON)


def parse_date(value: object, *, field: str = "date", years: tuple[int, int] | None = (2000, 2100)) -> date:
    """A calendar day written YYYY-MM-DD in ASCII digits (2026-11-25), by default in the years 2000-2100; the one
    date-only reader. `date.fromisoformat` alone is not it: it also reads "20261125", "2026-W48-3" and, for
    `str(value)`, whatever a number or list prints as. `years=None` leaves the year unchecked."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ApiError(
            422,
            "invalid_date",
            f"'{field}' must be a date written YYYY-MM-DD, e.g. 2026-11-25.",
            {"param": field},
        )
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422,
            "invalid_date",
            f"'{field}' is not a real day: {value} is not in the calendar.",
            {"param": field},
        ) from None
    if years is not None and not years[0] <= day.year <= years[1]:
        raise ApiError(
            422,
            "out_of_range",
            f"'{field}' must be between the years {years[0]} and {years[1]}.",
            {"param": field, "min": years[0], "max": years[1]},
        )
    return day


def query_datetime(request: Request, name: str = "at", *, default_now: bool = True) -> Any:
    raw = _raw(request, name, None if default_now else MISSING)
    if raw is None:
        return datetime.now(LONDON)
    return parse_datetime(raw, field=name)


async def read_body_bytes(request: Request, *, max_bytes: int, what: str = "The request body") -> bytes:
    """The raw body, refused with a 413 as soon as it passes `max_bytes` (declared or streamed)."""
    too_large = ApiError(
        413, "body_too_large", f"{what} must be at most {max_bytes} bytes.", {"max_bytes": max_bytes}
    )
    declared = request.headers.get("content-length")
    if declared is not None:
        length = whole_number(declared, saturate_at=max_bytes + 1)
        if length is None:
            raise ApiError(400, "bad_content_length", "Content-Length must be a whole number.", {})
        if length > max_bytes:
            raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise too_large
    return bytes(body)


class _NotAllowed(ValueError):
    """Raised from inside json.loads hooks, so hostile numbers never become Python objects."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_JSON_INT:
        raise _NotAllowed("number_too_large", "A number in the request is too large.")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or len(text) > 40:
        raise _NotAllowed("number_too_large", "A number in the request is too large.")
    return value


def _json_constant(text: str) -> Any:
    raise _NotAllowed("invalid_number", "NaN and Infinity are not numbers this service takes.")


def parse_json(body: bytes | str) -> Any:
    """The one JSON reader for request bodies: refuses, with a 4xx, everything that would fail later.

    json.loads accepts lone UTF-16 surrogates ("\\ud800"), NUL characters, NaN and integers of any size; each
    breaks something further on (database drivers, JSON responses, logs, `int` limits), so none gets past here.
    """
    try:
        value = json.loads(body, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except _NotAllowed as exc:
        raise ApiError(422, exc.code, exc.message) from None
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    where = _bad_text_path(value)
    if where is not None:
        path, char = where
        message = (
            "Text in the request must not contain NUL characters."
            if char == "\x00"
            else "Text in the request contains a broken character (a lone surrogate); please type it again."
        )
        raise ApiError(422, "invalid_characters", message, {"field": path})
    return value


async def read_json(request: Request, *, max_bytes: int = 64_000) -> Any:
    """The request's JSON body (any JSON value), size-capped."""
    body = await read_body_bytes(request, max_bytes=max_bytes)
    if not body:
        raise ApiError(400, "empty_body", "Send a JSON body with this request.")
    return parse_json(body)


def _bad_text_path(value: Any) -> tuple[str, str] | None:
    """Where a NUL or lone surrogate hides (e.g. "weekly.0.group") and which: never meaningful in our text;
    PostgreSQL refuses NUL and UTF-8 cannot encode a surrogate. Iterative, so deep JSON cannot exhaust the stack."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            found = _BAD_TEXT.search(item)
            if found:
                return path or "body", found.group()
        elif isinstance(item, dict):
            for key, inner in item.items():
                where = f"{path}.{key}" if path else str(key)
                found = _BAD_TEXT.search(str(key))
                if found:
                    return _BAD_TEXT.sub("?", where), found.group()
                stack.append((inner, where))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}.{i}" if path else str(i)) for i, inner in enumerate(item))
    return None


def has_bad_text(text: str) -> bool:
    """True when `text` holds a NUL or a lone surrogate (for input that does not arrive as JSON)."""
    return _BAD_TEXT.search(text) is not None


async def read_json_object(request: Request, *, max_bytes: int = 64_000) -> dict[str, Any]:
    body = await read_json(request, max_bytes=max_bytes)
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_body", "The request body must be a JSON object.")
    return body
