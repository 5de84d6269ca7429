"""Parsing of query strings and JSON bodies that fails with a clear 4xx, never a 500."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from starlette.requests import Request

from backend.errors import ApiError

LONDON: Final = ZoneInfo("Europe/London")


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


def query_float(request: Request, name: str, *, min: float, max: float, default: Any = MISSING) -> Any:
    raw = _raw(request, name, default)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(422, "invalid_number", f"'{name}' must be a number.", {"param": name}) from None
    if not math.isfinite(value) or not min <= value <= max:
        raise ApiError(
            422,
            "out_of_range",
            f"'{name}' must be between {min} and {max}.",
            {"param": name, "min": min, "max": max},
        )
    return value


def query_int(request: Request, name: str, *, min: int, max: int, default: Any = MISSING) -> Any:
    raw = _raw(request, name, default)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(422, "invalid_integer", f"'{name}' must be a whole number.", {"param": name}) from None
    if not min <= value <= max:
        raise ApiError(
            422,
            "out_of_range",
            f"'{name}' must be between {min} and {max}.",
            {"param": name, "min": min, "max": max},
        )
    return value


def parse_datetime(value: str, *, field: str = "at") -> datetime:
    """ISO 8601; a time without an offset is read as Europe/London local time."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            422,
            "invalid_datetime",
            f"'{field}' must be an ISO 8601 date-time, e.g. 2026-11-25T15:30:00+00:00.",
            {"param": field},
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    if not 2000 <= parsed.year <= 2100:
        raise ApiError(
            422, "out_of_range", f"'{field}' must be between the years 2000 and 2100.", {"param": field}
        )
    return parsed.astimezone(LONDON)


def query_datetime(request: Request, name: str = "at", *, default_now: bool = True) -> Any:
    raw = _raw(request, name, None if default_now else MISSING)
    if raw is None:
        return datetime.now(LONDON)
    return parse_datetime(raw, field=name)


async def read_body(request: Request, *, max_bytes: int, what: str = "The request body") -> bytes:
    """The raw body, refused with a 413 as soon as it passes `max_bytes` (declared or streamed)."""
    too_large = ApiError(
        413, "body_too_large", f"{what} must be at most {max_bytes} bytes.", {"max_bytes": max_bytes}
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise too_large
    return bytes(body)


async def read_json(request: Request, *, max_bytes: int = 64_000) -> Any:
    """The request's JSON body (any JSON value), size-capped."""
    body = await read_body(request, max_bytes=max_bytes)
    if not body:
        raise ApiError(400, "empty_body", "Send a JSON body with this request.")
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    where = _nul_path(value)
    if where is not None:
        raise ApiError(
            422,
            "invalid_characters",
            "Text in the request must not contain NUL characters.",
            {"field": where},
        )
    return value


def _nul_path(value: Any) -> str | None:
    """Where a NUL character hides (e.g. "weekly.0.group"): never meaningful in our text, and PostgreSQL
    refuses to store it. Iterative, so deeply nested JSON cannot exhaust the stack."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path or "body"
        elif isinstance(item, dict):
            for key, inner in item.items():
                where = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    return where
                stack.append((inner, where))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}.{i}" if path else str(i)) for i, inner in enumerate(item))
    return None


async def read_json_object(request: Request, *, max_bytes: int = 64_000) -> dict[str, Any]:
    body = await read_json(request, max_bytes=max_bytes)
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_body", "The request body must be a JSON object.")
    return body
