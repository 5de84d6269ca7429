"""Editors change a survey's questions in the console: a draft checked like a survey file, then published by a
second editor as the next version (which applies from the next survey period)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.accounts.guard import require_staff
from backend.api.admin.havens import EDITORS, audited
from backend.api.surveys import survey_from_path
from backend.bodies import read_body
from backend.openapi import doc
from backend.responses import JSONResponse
from backend.surveys import catalogue
from backend.surveys.bodies import SurveyDraft

SLUG_PARAM = [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}]


def _draft_json(draft: Any, *, me: int) -> dict[str, Any] | None:
    if draft is None:
        return None
    return {"version": draft.version, "definition": draft.definition, "written_by_me": draft.author_id == me,
            "saved_at": draft.created_at.isoformat() if draft.created_at else None}  # fmt: skip


@doc(summary="A survey's current questions and the draft change waiting, if any (editors)",
     tags=["surveys", "staff"], params=SLUG_PARAM, responses={200: {"type": "object"}, 404: "error"},
     security="staff")  # fmt: skip
async def get_draft(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    current = await survey_from_path(request)
    draft = await catalogue.draft_of(current.slug)
    return JSONResponse({"current": current.json(), "draft": _draft_json(draft, me=staff.id)},
                        headers={"cache-control": "no-store"})  # fmt: skip


@doc(summary="Save a draft change to a survey's questions (editors); checked like a survey file",
     tags=["surveys", "staff"], params=SLUG_PARAM, body=SurveyDraft,
     responses={200: {"type": "object"}, 404: "error", 422: "error"}, security="staff")  # fmt: skip
async def save_draft(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    current = await survey_from_path(request)
    body = await read_body(request, SurveyDraft, max_bytes=64_000)
    async with audited(request, staff, action="survey.draft", object_type="survey") as audit:
        draft = await catalogue.save_draft(current=current, fields=body.sent_data(), author_id=staff.id)
        await audit(current.slug, {"version": draft.version})
    return JSONResponse({"draft": _draft_json(draft, me=staff.id)})


@doc(summary="Publish the draft as the survey's next version (a different editor from its author)",
     tags=["surveys", "staff"], params=SLUG_PARAM, responses={200: {"type": "object"}, 404: "error",
                                                               409: "error", 422: "error"},
     security="staff")  # fmt: skip
async def publish_draft(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    current = await survey_from_path(request)
    async with audited(request, staff, action="survey.publish", object_type="survey") as audit:
        edition = await catalogue.publish_draft(current=current, publisher_id=staff.id)
        await audit(current.slug, {"version": edition.version})
    return JSONResponse({"published": True, "version": edition.version,
                         "message": "Published. It applies from the survey's next period."})  # fmt: skip


routes: list[BaseRoute] = [
    Route("/api/v1/admin/surveys/{slug}/draft", get_draft, methods=["GET"]),
    Route("/api/v1/admin/surveys/{slug}/draft", save_draft, methods=["PUT"]),
    Route("/api/v1/admin/surveys/{slug}/draft/publish", publish_draft, methods=["POST"]),
]
