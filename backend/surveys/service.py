"""Survey windows and anonymous answers: keyword-only functions that raise survey errors, never HTTP.

A device sends a random token it keeps to itself; the server stores HMAC(key, window, token) in a table of its
own, so a device counts once per window and nobody can tell which answer came from which device.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyproj import Transformer
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.surveys.definitions import TEXT_MAX, Question, Survey
from backend.surveys.errors import AnswersInvalid, SurveyClosed, WindowInvalid
from backend.surveys.models import SurveyDevice, SurveyFreeText, SurveyResponse, SurveyWindow
from content.areas import AreaPack

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 random bytes, base64url without padding
GRID_M = 100
MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class Respondent:
    """What a device chose to tell: its area (always), age tier and school (each may be left out)."""

    area: str
    tier: str | None = None
    school: str | None = None


@lru_cache(maxsize=1)
def _to_grid() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def grid_cell(lat: float, lon: float) -> str:
    """The 100 m British National Grid square a pin falls in ('530100:175200', its south-west corner)."""
    easting, northing = _to_grid().transform(lon, lat)
    return f"{int(easting // GRID_M) * GRID_M}:{int(northing // GRID_M) * GRID_M}"


def device_hash(*, key: bytes, window_id: int, token: str) -> str:
    return hmac.new(key, f"survey-window:{window_id}:{token}".encode(), hashlib.sha256).hexdigest()


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


async def current_window(*, survey: Survey, today: dt.date) -> SurveyWindow | None:
    return (
        await SurveyWindow.filter(survey=survey.slug, opens_on__lte=today, closes_on__gte=today)
        .order_by("-opens_on")
        .first()
    )


async def open_window(
    *, survey: Survey, opens_on: dt.date, closes_on: dt.date, staff_id: int | None, today: dt.date
) -> SurveyWindow:
    """Open a survey for a period. Windows never overlap, so 'once per window' means once per period."""
    if closes_on < opens_on:
        raise WindowInvalid("The closing date must be on or after the opening date.", "closes_on")
    if closes_on < today:
        raise WindowInvalid("The closing date has already passed. Choose today or a later date.", "closes_on")
    if (closes_on - opens_on).days > MAX_WINDOW_DAYS:
        raise WindowInvalid("A survey can be open for at most a year at a time.", "closes_on")
    clash = await SurveyWindow.filter(
        survey=survey.slug, opens_on__lte=closes_on, closes_on__gte=opens_on
    ).first()
    if clash is not None:
        raise WindowInvalid(
            f"This survey is already open from {clash.opens_on:%-d %B %Y} to {clash.closes_on:%-d %B %Y}. "
            "Choose dates outside that period.",
            "opens_on",
        )
    return await SurveyWindow.create(
        survey=survey.slug,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by_id=staff_id,
        survey_version=survey.version,
    )


async def close_window(*, window: SurveyWindow, today: dt.date) -> SurveyWindow:
    """Close now: the period ends yesterday, so nothing more is counted from today (a period that opened today
    then ends before it began, and keeps the answers it had). A period that has not begun is removed."""
    if window.closes_on < today:
        raise WindowInvalid("This survey period has already ended.", "closes_on")
    if window.opens_on > today:
        await window.delete()
        return window
    window.closes_on = today - dt.timedelta(days=1)
    await window.save(update_fields=["closes_on"])
    return window


def check_respondent(*, survey: Survey, respondent: Respondent, areas: Mapping[str, AreaPack]) -> None:
    pack = areas.get(respondent.area)
    if pack is None or (survey.areas and respondent.area not in survey.areas):
        raise AnswersInvalid("not_in_audience", "This survey is not running in your area.", {"field": "area"})
    if respondent.tier is not None and respondent.tier not in survey.tiers:
        raise AnswersInvalid(
            "not_in_audience", f"This survey is for people aged {survey.tiers[0].split('-')[0]} to "
            f"{survey.tiers[-1].split('-')[-1]}.", {"field": "tier"},
        )  # fmt: skip
    if respondent.school is not None and pack.school(respondent.school) is None:
        raise AnswersInvalid("unknown_school", "Choose your school from the list.", {"field": "school"})
    if survey.schools and respondent.school is None:
        raise AnswersInvalid(
            "school_needed",
            "This survey is running at a few schools first. Choose your school.",
            {"field": "school"},
        )
    if survey.schools and respondent.school not in survey.schools:
        raise AnswersInvalid(
            "not_in_audience", "This survey is not running at your school.", {"field": "school"}
        )


def _answer(q: Question, value: Any, *, pack: AreaPack) -> Any:
    """The stored form of one answer, or None when it is not a valid answer to that question."""
    if q.kind == "single":
        return value if isinstance(value, str) and value in q.option_ids() else None
    if q.kind == "multiple":
        ok = isinstance(value, list) and 0 < len(value) <= len(q.options)
        if not ok or not all(isinstance(v, str) and v in q.option_ids() for v in value):
            return None
        return sorted(set(value))
    if q.kind == "scale":
        return value if type(value) is int and q.min <= value <= q.max else None
    if q.kind == "pin":
        if not isinstance(value, dict) or set(value) != {"lat", "lon"}:
            return None
        lat, lon = value["lat"], value["lon"]
        if not all(type(v) in (int, float) and math.isfinite(v) for v in (lat, lon)):
            return None
        if not pack.contains(float(lat), float(lon)):
            raise AnswersInvalid(
                "pin_outside_area", "That place is outside the area this survey covers. Move the pin or leave it out.",
                {"question": q.id},
            )  # fmt: skip
        return grid_cell(float(lat), float(lon))  # the exact point is never stored
    text = value.strip() if isinstance(value, str) else None
    return text if text and len(text) <= TEXT_MAX else None


def check_answers(*, survey: Survey, answers: Any, pack: AreaPack) -> tuple[dict[str, Any], dict[str, str]]:
    """(answers to keep, free text to hold for review). All-or-nothing: one bad answer refuses the lot."""
    if not isinstance(answers, dict) or not answers:
        raise AnswersInvalid("invalid_answers", "Answer at least one question.")
    unknown = sorted(set(answers) - {q.id for q in survey.questions})
    if unknown:
        raise AnswersInvalid(
            "unknown_question",
            "Some answers are for questions this survey does not ask.",
            {"questions": unknown[:10]},
        )
    kept: dict[str, Any] = {}
    held: dict[str, str] = {}
    for q in survey.questions:
        value = answers.get(q.id)
        if value is None or value == [] or value == "":
            if q.required:
                raise AnswersInvalid("missing_answer", f"Please answer: {q.text}", {"question": q.id})
            continue
        clean = _answer(q, value, pack=pack)
        if clean is None:
            raise AnswersInvalid(
                "invalid_answer", f"Please check your answer to: {q.text}", {"question": q.id}
            )
        (held if q.kind == "text" else kept)[q.id] = clean
    return kept, held


async def submit(
    *,
    survey: Survey,
    window: SurveyWindow | None,
    respondent: Respondent,
    answers: Any,
    device_token: Any,
    key: bytes,
    areas: Mapping[str, AreaPack],
    today: dt.date,
) -> bool:
    """Store one device's answers; False (and nothing stored) when this device already answered this window."""
    if window is None:
        raise SurveyClosed()
    if not isinstance(device_token, str) or not TOKEN_RE.fullmatch(device_token):
        raise AnswersInvalid("invalid_device", "Please reload the app and try again.", {"field": "device"})
    check_respondent(survey=survey, respondent=respondent, areas=areas)
    kept, held = check_answers(survey=survey, answers=answers, pack=areas[respondent.area])
    month = month_of(today)
    digest = device_hash(key=key, window_id=window.id, token=device_token)
    try:
        async with in_transaction(SurveyResponse._meta.default_connection):
            await SurveyDevice.create(token_hash=digest, window_id=window.id)
            await SurveyResponse.create(
                survey=survey.slug, survey_version=survey.version, window_id=window.id, month=month,
                tier=respondent.tier, school_urn=respondent.school, area=respondent.area, answers=kept,
            )  # fmt: skip
            for qid, text in held.items():
                await SurveyFreeText.create(
                    survey=survey.slug, window_id=window.id, question=qid, text=text, month=month
                )
    except IntegrityError:
        return False
    return True


RETENTION_DAYS = 730  # docs/DPIA.md 3.1: 24 months after a survey period closes


async def purge_expired(*, today: dt.date) -> dict[str, int]:
    """Delete the answers, device hashes and free text of periods that closed more than 24 months ago."""
    old = await SurveyWindow.filter(closes_on__lt=today - dt.timedelta(days=RETENTION_DAYS)).values_list(
        "id", flat=True
    )
    ids = [int(i) for i in old]  # type: ignore[call-overload]
    if not ids:
        return {"survey_answers": 0, "survey_devices": 0, "survey_free_text": 0}
    return {
        "survey_answers": await SurveyResponse.filter(window_id__in=ids).delete(),
        "survey_devices": await SurveyDevice.filter(window_id__in=ids).delete(),
        "survey_free_text": await SurveyFreeText.filter(window_id__in=ids).delete(),
    }
