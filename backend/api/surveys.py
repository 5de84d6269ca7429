"""Anonymous surveys: the questions, and POST answers -> 201. No identifiers are stored with an answer."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.alerts import surveys
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import read_json_object
from backend.responses import JSONResponse
from backend.state import app_state


def _survey_or_404(request: Request) -> dict[str, Any]:
    slug = str(request.path_params["slug"])
    found = surveys.load_surveys(app_state(request).settings.content_dir).get(slug)
    if found is None:
        raise ApiError(404, "unknown_survey", "There is no survey with that name.")
    return found


@doc(
    summary="A survey's questions",
    tags=["surveys"],
    responses={200: {"type": "object", "required": ["slug", "questions"]}, 404: "error"},
)
async def get_survey(request: Request) -> JSONResponse:
    return JSONResponse(_survey_or_404(request), headers={"cache-control": "public, max-age=300"})


@doc(
    summary="Send anonymous answers to a survey",
    tags=["surveys"],
    body={
        "type": "object",
        "required": ["answers"],
        "properties": {"answers": {"type": "object"}},
        "additionalProperties": False,
    },
    responses={
        201: {"type": "object", "required": ["received"], "properties": {"received": {"type": "boolean"}}},
        400: "error",
        404: "error",
        413: "error",
        415: "error",
        422: "error",
        429: "error",
    },
)
async def post_response(request: Request) -> JSONResponse:
    survey = _survey_or_404(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":  # a form post from another site cannot send this without CORS
        raise ApiError(415, "unsupported_media_type", "Send the answers as JSON (application/json).")
    body = await read_json_object(request, max_bytes=4_000)
    extra = sorted(set(body) - {"answers"})
    if extra:
        raise ApiError(422, "unknown_field", "Send only 'answers'.", {"fields": extra[:10]})
    answers = surveys.validate_answers(survey, body.get("answers"))
    await surveys.store(survey=survey, answers=answers)
    return JSONResponse({"received": True}, status_code=201)


routes: list[BaseRoute] = [
    Route("/api/v1/surveys/{slug}", get_survey, methods=["GET"]),
    Route("/api/v1/surveys/{slug}/responses", post_response, methods=["POST"]),
]
