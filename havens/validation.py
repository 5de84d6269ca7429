"""Validation of staff input (JSON bodies and CSV rows) for havens, help services and key messages.

One function per object returns cleaned model fields or raises `Invalid` listing every bad field, so the
HTTP layer and the CSV importer report the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from content.messages import TIERS, TOPIC_RE
from content.services import CHANNEL_KINDS, NEEDS, valid_channel_value
from havens.hours import InvalidHours, validate_hours
from havens.models import HAVEN_KINDS, HAVEN_STATUSES, MESSAGE_STATUSES, SERVICE_STATUSES

# fullmatch, ASCII: `$` would let a trailing newline through and `\d` would take "١٢".
POSTCODE_RE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")
WEBSITE_RE = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
NUMBER_TEXT_RE = re.compile(r"-?[0-9]{1,16}(?:\.[0-9]{1,16})?")
AREA_NATIONAL = "national"


class Invalid(ValueError):
    """Bad input; `errors` maps field name -> a sentence a person can act on."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _text(data: Mapping[str, Any], key: str, errors: dict[str, str], *, max_len: int, required: bool) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = "must be text"
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = "is required"
    elif len(value) > max_len:
        errors[key] = f"must be at most {max_len} characters"
    return value


def _number(value: Any, key: str, errors: dict[str, str], *, lo: float, hi: float) -> float | None:
    if isinstance(value, bool):
        errors[key] = "must be a number"
        return None
    if isinstance(value, str):
        if not NUMBER_TEXT_RE.fullmatch(value.strip()):
            errors[key] = "must be a number"
            return None
        value = float(value.strip())
    if isinstance(value, int) and abs(value) > 2**53:
        errors[key] = f"must be between {lo:g} and {hi:g}"
        return None
    if not isinstance(value, int | float) or value != value:
        errors[key] = "must be a number"
        return None
    if not lo <= float(value) <= hi:
        errors[key] = f"must be between {lo:g} and {hi:g}"
        return None
    return float(value)


def _optional_int(
    data: Mapping[str, Any], key: str, errors: dict[str, str], *, lo: int, hi: int
) -> int | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _number(value, key, errors, lo=lo, hi=hi)
    if number is None:
        return None
    if number != int(number):
        errors[key] = "must be a whole number"
        return None
    return int(number)


def _bool(data: Mapping[str, Any], key: str, errors: dict[str, str]) -> bool:
    value = data.get(key, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"", "0", "false", "no"}:
        return False
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes"}:
        return True
    errors[key] = "must be true or false"
    return False


def _choice(value: Any, key: str, errors: dict[str, str], choices: Collection[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        errors[key] = f"must be one of {', '.join(sorted(choices))}"
        return ""
    return str(value)


def _unknown_keys(data: Mapping[str, Any], allowed: Collection[str], errors: dict[str, str]) -> None:
    for key in data:
        if key not in allowed:
            errors[key] = "is not a field you can set"


HAVEN_FIELDS = (
    "area", "name", "kind", "address", "postcode", "lat", "lon", "opening_hours", "status", "contact", "website",
    "accessibility", "source", "notes", "sample", "needs_verification", "source_date", "source_name", "caveat",
)  # fmt: skip
SOURCE_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?\Z")
MESSAGE_SOURCE_RE = re.compile(r"^(https://[^\s]+|services:[a-z0-9-]+|claims:[a-z0-9-]+)\Z")


def clean_haven(data: Mapping[str, Any], *, areas: Collection[str], partial: bool = False) -> dict[str, Any]:
    """Cleaned Haven fields; with partial=True only the keys present are checked and returned."""
    errors: dict[str, str] = {}
    _unknown_keys(data, HAVEN_FIELDS, errors)
    out: dict[str, Any] = {}

    def want(key: str) -> bool:
        return not partial or key in data

    if want("area"):
        out["area"] = _choice(data.get("area"), "area", errors, areas)
    if want("name"):
        out["name"] = _text(data, "name", errors, max_len=200, required=True)
    if want("kind"):
        out["kind"] = _choice(data.get("kind"), "kind", errors, HAVEN_KINDS)
    for key, max_len in (("address", 300), ("contact", 200), ("accessibility", 2000), ("source", 2000)):
        if want(key):
            out[key] = _text(data, key, errors, max_len=max_len, required=False)
    if want("notes"):
        out["notes"] = _text(data, "notes", errors, max_len=2000, required=False)
    if want("caveat"):
        out["caveat"] = _text(data, "caveat", errors, max_len=2000, required=False)
    if want("source_name"):
        out["source_name"] = _text(data, "source_name", errors, max_len=120, required=False)
    if want("source_date"):
        day = _text(data, "source_date", errors, max_len=10, required=False)
        if day and not SOURCE_DATE_RE.match(day):
            errors["source_date"] = "must be a year, month or day such as 2022 or 2026-11-25"
        out["source_date"] = day
    if want("postcode"):
        pc = _text(data, "postcode", errors, max_len=10, required=False).upper()
        if pc and not POSTCODE_RE.fullmatch(pc):
            errors["postcode"] = "must be a UK postcode like SE15 5JR"
        out["postcode"] = pc
    if want("lat"):
        out["lat"] = _number(data.get("lat"), "lat", errors, lo=-90, hi=90)
    if want("lon"):
        out["lon"] = _number(data.get("lon"), "lon", errors, lo=-180, hi=180)
    if want("opening_hours"):
        raw = data.get("opening_hours")
        if raw is not None and not isinstance(raw, str):
            errors["opening_hours"] = "must be OpenStreetMap opening_hours text, or null when unknown"
        else:
            try:
                out["opening_hours"] = validate_hours(raw)
            except InvalidHours as exc:
                errors["opening_hours"] = str(exc)
    if want("status"):
        out["status"] = _choice(data.get("status", "pending"), "status", errors, HAVEN_STATUSES)
    if want("website"):
        site = _text(data, "website", errors, max_len=500, required=False)
        if site and not WEBSITE_RE.fullmatch(site):
            errors["website"] = "must start with http:// or https://"
        out["website"] = site
    for key in ("sample", "needs_verification"):
        if want(key):
            out[key] = _bool(data, key, errors)
    if errors:
        raise Invalid(errors)
    return out


SERVICE_FIELDS = (
    "name", "description", "needs", "channels", "age_min", "age_max", "area", "website", "source", "status",
)  # fmt: skip


def _channels(value: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        errors["channels"] = "must be a non-empty list of {kind, value, hours}"
        return []
    out: list[dict[str, Any]] = []
    for i, ch in enumerate(value):
        key = f"channels[{i}]"
        if not isinstance(ch, Mapping):
            errors[key] = "must be an object with kind, value and hours"
            continue
        kind, val, hours = ch.get("kind"), ch.get("value"), ch.get("hours")
        if kind not in CHANNEL_KINDS:
            errors[f"{key}.kind"] = f"must be one of {', '.join(CHANNEL_KINDS)}"
            continue
        if not isinstance(val, str) or not valid_channel_value(kind, val):
            errors[f"{key}.value"] = {
                "phone": "must be a UK phone number such as 0800 1111 or 101",
                "text": "must be a text short code such as 85258 or a UK number",
                "web": "must be an https:// link",
                "walk_in": "must give the address",
            }[kind]
            continue
        if hours is not None and not isinstance(hours, str):
            errors[f"{key}.hours"] = "must be opening_hours text or null"
            continue
        try:
            clean_hours = validate_hours(hours)
        except InvalidHours as exc:
            errors[f"{key}.hours"] = str(exc)
            continue
        out.append({"kind": kind, "value": val.strip(), "hours": clean_hours})
    return out


def clean_service(
    data: Mapping[str, Any], *, areas: Collection[str], partial: bool = False
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    _unknown_keys(data, SERVICE_FIELDS, errors)
    out: dict[str, Any] = {}

    def want(key: str) -> bool:
        return not partial or key in data

    if want("name"):
        out["name"] = _text(data, "name", errors, max_len=200, required=True)
    for key, max_len in (("description", 4000), ("source", 2000)):
        if want(key):
            out[key] = _text(data, key, errors, max_len=max_len, required=False)
    if want("needs"):
        needs = data.get("needs")
        if isinstance(needs, str):
            needs = [n.strip() for n in needs.split(";") if n.strip()]
        if not isinstance(needs, list) or not needs or not all(n in NEEDS for n in needs):
            errors["needs"] = f"must be a non-empty list from {', '.join(NEEDS)}"
        else:
            out["needs"] = list(dict.fromkeys(needs))
    if want("channels"):
        out["channels"] = _channels(data.get("channels"), errors)
    if want("age_min"):
        out["age_min"] = _optional_int(data, "age_min", errors, lo=0, hi=120)
    if want("age_max"):
        out["age_max"] = _optional_int(data, "age_max", errors, lo=0, hi=120)
    if out.get("age_min") is not None and out.get("age_max") is not None and out["age_min"] > out["age_max"]:
        errors["age_max"] = "must not be below age_min"
    if want("area"):
        out["area"] = _choice(data.get("area", AREA_NATIONAL), "area", errors, {AREA_NATIONAL, *areas})
    if want("website"):
        site = _text(data, "website", errors, max_len=500, required=False)
        if site and not WEBSITE_RE.fullmatch(site):
            errors["website"] = "must start with http:// or https://"
        out["website"] = site
    if want("status"):
        out["status"] = _choice(data.get("status", "needs_check"), "status", errors, SERVICE_STATUSES)
    if errors:
        raise Invalid(errors)
    return out


MESSAGE_FIELDS = ("tier", "topic", "title", "body_markdown", "status", "sources")


def _sources(value: Any, errors: dict[str, str]) -> list[str]:
    if isinstance(value, str):
        value = [line.strip() for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or len(value) > 40 or not all(isinstance(v, str) for v in value):
        errors["sources"] = "must be a list of up to 40 links, one per line"
        return []
    bad = [v for v in value if not MESSAGE_SOURCE_RE.match(v.strip()) or len(v) > 500]
    if bad:
        errors["sources"] = "must each be an https:// link (for the law, a legislation.gov.uk section)"
        return []
    return [v.strip() for v in value]


def clean_message(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: dict[str, str] = {}
    _unknown_keys(data, MESSAGE_FIELDS, errors)
    out: dict[str, Any] = {}

    def want(key: str) -> bool:
        return not partial or key in data

    if want("tier"):
        out["tier"] = _choice(data.get("tier"), "tier", errors, TIERS)
    if want("topic"):
        topic = _text(data, "topic", errors, max_len=64, required=True)
        if topic and not TOPIC_RE.fullmatch(topic):
            errors["topic"] = "must be a lower-case slug like getting-home-safely"
        out["topic"] = topic
    if want("title"):
        out["title"] = _text(data, "title", errors, max_len=200, required=True)
    if want("body_markdown"):
        out["body_markdown"] = _text(data, "body_markdown", errors, max_len=20_000, required=True)
    if want("status"):
        out["status"] = _choice(data.get("status", "draft"), "status", errors, MESSAGE_STATUSES)
    if "sources" in data:
        out["sources"] = _sources(data.get("sources"), errors)
    if errors:
        raise Invalid(errors)
    return out
