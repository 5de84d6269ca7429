"""Anonymous surveys: which are open for me, their questions, and answers (201 counted, 200 already counted).

No account, cookie or address is kept with an answer; the device token is hashed with a server key per survey
period and stored apart from the answers (backend/surveys/service.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.bodies import Body, OneOf, Says, read_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import LONDON, query_str
from backend.responses import JSONResponse
from backend.state import app_state
from backend.surveys import catalogue, service
from backend.surveys.definitions import AGE_TIERS, Survey
from backend.surveys.errors import SurveyNotFound


class SurveyAnswers(Body):
    """A young person's anonymous answers; the survey's own questions check `answers` (surveys/service.py)."""

    unknown_fields_say = "Send only the answers and what the app adds to them."
    answers: Annotated[dict[str, Any], Says("Answer at least one question.")] = Field(
        title="Answers",
        description="question id -> answer (option id, list of ids, whole number, {lat, lon} for the map "
        "question, text only where the survey allows it)",
    )
    device: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{43}$"), Says("Please reload the app and try again.")
    ] = Field(
        title="This device's token",
        description="32 random bytes made and kept on the device (base64url); stored only hashed",
    )
    area: Annotated[str, StringConstraints(max_length=64), Says("Choose your area first.")] = Field(
        title="Area"
    )
    tier: Annotated[Annotated[str, OneOf(AGE_TIERS)] | None, Says("Choose your age from the list.")] = Field(
        None, title="Age"
    )
    school: Annotated[
        Annotated[str, StringConstraints(max_length=16)] | None, Says("Choose your school from the list.")
    ] = Field(None, title="School", description="the school's URN, if given")


SURVEY_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["slug", "title", "questions", "window"],
    "properties": {"slug": {"type": "string"}, "title": {"type": "string"}, "questions": {"type": "array"},
                   "window": {"type": ["object", "null"]}},
}  # fmt: skip


def london_today() -> dt.date:
    return dt.datetime.now(LONDON).date()


async def all_surveys(request: Request) -> dict[str, Survey]:
    return await catalogue.current_surveys(app_state(request).settings.content_dir)


async def survey_from_path(request: Request) -> Survey:
    found = (await all_surveys(request)).get(str(request.path_params["slug"]))
    if found is None:
        raise SurveyNotFound()
    return found


async def asked_in(request: Request, survey: Survey, window: Any) -> Survey:
    """The questions of the period (the version live when it opened)."""
    return await catalogue.survey_for_window(app_state(request).settings.content_dir, survey, window)


def device_key(secret: str) -> bytes:
    """A key of its own for device hashes, derived from the installation secret."""
    return hmac.new(secret.encode(), b"wayhome survey device hashes", hashlib.sha256).digest()


def _window_json(window: Any) -> dict[str, str] | None:
    if window is None:
        return None
    return {"opens_on": window.opens_on.isoformat(), "closes_on": window.closes_on.isoformat()}


@doc(summary="Surveys open today for an area (and age tier, school)", tags=["surveys"],
     params=[{"name": "area", "required": True, "schema": {"type": "string", "maxLength": 64}},
             {"name": "tier", "required": False, "schema": {"enum": list(AGE_TIERS)}},
             {"name": "school", "required": False, "schema": {"type": "string", "maxLength": 16}}],
     responses={200: {"type": "object", "required": ["surveys"],
                      "properties": {"surveys": {"type": "array", "items": SURVEY_OUT}}}})  # fmt: skip
async def list_open(request: Request) -> JSONResponse:
    area = query_str(request, "area", max_len=64)
    tier = query_str(request, "tier", max_len=8, default=None, choices=AGE_TIERS)
    school = query_str(request, "school", max_len=16, default=None)
    if area not in app_state(request).areas:
        raise ApiError(404, "unknown_area", "There is no area with that name.")
    today, out = london_today(), []
    for survey in (await all_surveys(request)).values():
        if (survey.areas and area not in survey.areas) or (tier and tier not in survey.tiers):
            continue
        if school and survey.schools and school not in survey.schools:
            continue
        window = await service.current_window(survey=survey, today=today)
        if window is not None:
            out.append({**(await asked_in(request, survey, window)).json(), "window": _window_json(window)})
    return JSONResponse({"surveys": out}, headers={"cache-control": "no-cache"})


@doc(summary="A survey's questions, and the period it is open (null when it is not open)", tags=["surveys"],
     responses={200: SURVEY_OUT, 404: "error"})  # fmt: skip
async def get_survey(request: Request) -> JSONResponse:
    survey = await survey_from_path(request)
    window = await service.current_window(survey=survey, today=london_today())
    asked = await asked_in(request, survey, window)
    return JSONResponse(
        {**asked.json(), "window": _window_json(window)}, headers={"cache-control": "no-cache"}
    )


@doc(
    summary="Send anonymous answers (201 counted; 200 when this device already answered in this period)",
    tags=["surveys"],
    body=SurveyAnswers,
    responses={201: {"type": "object", "required": ["counted", "message"]},
               200: {"type": "object", "required": ["counted", "message"]},
               400: "error", 404: "error", 409: "error", 413: "error", 415: "error", 422: "error", 429: "error"},
)  # fmt: skip
async def post_response(request: Request) -> JSONResponse:
    survey = await survey_from_path(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":  # a form post from another site cannot send this without CORS
        raise ApiError(415, "unsupported_media_type", "Send the answers as JSON (application/json).")
    body = await read_body(request, SurveyAnswers, max_bytes=8_000)
    state = app_state(request)
    today = london_today()
    window = await service.current_window(survey=survey, today=today)
    counted = await service.submit(
        survey=await asked_in(request, survey, window),
        window=window,
        respondent=service.Respondent(area=body.area, tier=body.tier, school=body.school),
        answers=body.answers,
        device_token=body.device,
        key=device_key(state.settings.secret_key),
        areas=state.areas,
        today=today,
    )
    if counted:
        return JSONResponse(
            {"counted": True, "message": "Thank you. Your answers have been counted."}, status_code=201
        )
    return JSONResponse({"counted": False, "message": "You have already answered this survey. Thank you."})


routes: list[BaseRoute] = [
    Route("/api/v1/surveys", list_open, methods=["GET"]),
    Route("/api/v1/surveys/{slug}", get_survey, methods=["GET"]),
    Route("/api/v1/surveys/{slug}/responses", post_response, methods=["POST"]),
]
