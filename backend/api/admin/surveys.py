"""Staff survey pages: open and close survey periods (editors), suppressed reports and CSV (any staff, their
areas), and the free-text review queue (editors; free text never reaches a report)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from tortoise.functions import Count

from backend.accounts.guard import require_staff
from backend.api.admin.area_scope import AREA_PARAM, area_in_scope, download
from backend.api.admin.havens import EDITORS, ID_PARAM, audited, path_id
from backend.api.surveys import all_surveys, asked_in, london_today, survey_from_path
from backend.bodies import Body, Day, OneOf, Says, read_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import LONDON, query_str
from backend.responses import JSONResponse
from backend.state import app_state
from backend.surveys import service
from backend.surveys.models import FREE_TEXT_STATUSES, SurveyFreeText, SurveyResponse, SurveyWindow
from backend.surveys.reports import BREAKDOWNS, build_report, report_csv
from backend.surveys.suppression import MIN_COUNT


class SurveyPeriod(Body):
    """The days a survey is open, first and last included."""

    invalid_code = "invalid_window"  # as the survey domain's own checks of a period answer

    opens_on: Annotated[Day, Says("Choose a date from the calendar.")] = Field(title="Opens on")
    closes_on: Annotated[Day, Says("Choose a date from the calendar.")] = Field(title="Closes on")


class FreeTextDecision(Body):
    """Keep (approve) or remove one free-text answer."""

    invalid_code = "invalid_decision"

    decision: Annotated[str, OneOf(("approve", "remove")), Says("Choose keep or remove.")] = Field(
        title="Keep or remove"
    )


def _window_json(w: SurveyWindow, *, answers: int, today: dt.date) -> dict[str, Any]:
    state = "open" if w.opens_on <= today <= w.closes_on else "closed" if w.closes_on < today else "planned"
    return {"id": w.id, "opens_on": w.opens_on.isoformat(), "closes_on": w.closes_on.isoformat(), "state": state,
            "answers": answers if answers >= MIN_COUNT else None}  # fmt: skip


@doc(summary="Surveys with their periods (answer counts under 10 are not shown)", tags=["surveys", "staff"],
     responses={200: {"type": "object", "required": ["surveys"]}}, security="staff")  # fmt: skip
async def list_surveys(request: Request) -> JSONResponse:
    staff = await require_staff(request)
    today = london_today()
    windows = await SurveyWindow.all().order_by("-opens_on")
    grouped = (
        await SurveyResponse.all().group_by("window_id").annotate(n=Count("id")).values("window_id", "n")
    )
    counts = {int(r["window_id"]): int(r["n"]) for r in grouped}
    out = []
    for survey in (await all_surveys(request)).values():
        mine = [w for w in windows if w.survey == survey.slug]
        out.append(
            {
                **survey.json(),
                "windows": [_window_json(w, answers=counts.get(w.id, 0), today=today) for w in mine],
            }
        )
    held_query = SurveyFreeText.filter(status="held")
    held = await (
        held_query if staff.is_admin else held_query.filter(area__in=sorted(staff.area_slugs))
    ).count()
    return JSONResponse({"surveys": out, "free_text_held": held, "breakdowns": list(BREAKDOWNS)})


@doc(summary="Open a survey for a period (editors)", tags=["surveys", "staff"], body=SurveyPeriod,
     responses={201: {"type": "object"}, 404: "error", 422: "error"}, security="staff")  # fmt: skip
async def create_window(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    survey = await survey_from_path(request)
    period = await read_body(request, SurveyPeriod, max_bytes=2_000)
    opens_on, closes_on = period.opens_on, period.closes_on
    today = london_today()
    async with audited(request, staff, action="survey.open", object_type="survey_window") as audit:
        window = await service.open_window(
            survey=survey, opens_on=opens_on, closes_on=closes_on, staff_id=staff.id, today=today
        )
        await audit(
            window.id,
            {"survey": survey.slug, "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
        )
    return JSONResponse(_window_json(window, answers=0, today=today), status_code=201)


async def _window(request: Request) -> SurveyWindow:
    window = await SurveyWindow.get_or_none(id=path_id(request, "survey period"))
    if window is None:
        raise ApiError(404, "not_found", "No survey period with that id.")
    return window


@doc(summary="Close a survey period now (editors); a period that has not begun is removed",
     tags=["surveys", "staff"], params=ID_PARAM, responses={200: {"type": "object"}, 404: "error", 422: "error"},
     security="staff")  # fmt: skip
async def close_window(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    window = await _window(request)
    today = london_today()
    async with audited(request, staff, action="survey.close", object_type="survey_window") as audit:
        await service.close_window(window=window, today=today)
        await audit(window.id, {"survey": window.survey, "closes_on": window.closes_on.isoformat()})
    return JSONResponse({"closed": True, "closes_on": window.closes_on.isoformat()})


@doc(summary="A survey period's results for one area, suppressed (JSON, or CSV with format=csv)",
     tags=["surveys", "staff"],
     params=[*ID_PARAM, AREA_PARAM, {"name": "by", "required": False, "schema": {"enum": list(BREAKDOWNS)}},
             {"name": "format", "required": False, "schema": {"enum": ["json", "csv"]}}],
     responses={200: {"type": "object", "required": ["questions", "columns"]}, 403: "error", 404: "error",
                409: "error"}, security="staff")  # fmt: skip
async def report(request: Request) -> Response:
    staff = await require_staff(request)
    window = await _window(request)
    area = area_in_scope(request, staff)
    by = query_str(request, "by", max_len=8, default="month", choices=BREAKDOWNS)
    fmt = query_str(request, "format", max_len=4, default="json", choices=("json", "csv"))
    current = (await all_surveys(request)).get(window.survey)
    if current is None:
        raise ApiError(404, "unknown_survey", "This survey is no longer in the content folder.")
    survey = await asked_in(request, current, window)
    pack = app_state(request).areas[area]
    rows = await SurveyResponse.filter(window_id=window.id, area=area)
    result = build_report(
        survey=survey, window=window, area=area, by=by, rows=rows,
        school_names={s.urn: s.name for s in pack.schools}, today=london_today(),
    )  # fmt: skip
    if fmt == "csv":
        name = f"{survey.slug}-{window.opens_on.isoformat()}-{area}-by-{by}.csv"
        return download(report_csv(result), media_type="text/csv; charset=utf-8", filename=name)
    return JSONResponse({**result, "area_name": pack.name}, headers={"cache-control": "no-store"})


@doc(summary="Free-text answers waiting for an editor (never shown in reports)", tags=["surveys", "staff"],
     params=[{"name": "status", "required": False, "schema": {"enum": list(FREE_TEXT_STATUSES)}}],
     responses={200: {"type": "object", "required": ["items"]}}, security="staff")  # fmt: skip
async def list_free_text(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    status = query_str(request, "status", max_len=8, default="held", choices=FREE_TEXT_STATUSES)
    query = SurveyFreeText.filter(status=status)
    if not staff.is_admin:
        query = query.filter(area__in=sorted(staff.area_slugs))
    rows = await query.order_by("id").limit(200)
    items = [{"id": r.id, "survey": r.survey, "area": r.area, "question": r.question, "text": r.text, "month": r.month,
              "status": r.status} for r in rows]  # fmt: skip
    return JSONResponse({"items": items}, headers={"cache-control": "no-store"})


@doc(summary="Keep (approve) or remove one free-text answer (editors)", tags=["surveys", "staff"],
     params=ID_PARAM, body=FreeTextDecision, responses={200: {"type": "object"}, 404: "error", 422: "error"},
     security="staff")  # fmt: skip
async def decide_free_text(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=EDITORS)
    item = await SurveyFreeText.get_or_none(id=path_id(request, "free-text answer"))
    if item is None:
        raise ApiError(404, "not_found", "No free-text answer with that id.")
    area_in_scope(request, staff, item.area)
    decision = (await read_body(request, FreeTextDecision, max_bytes=500)).decision
    async with audited(
        request, staff, action=f"survey.free_text.{decision}", object_type="survey_free_text"
    ) as audit:
        item.status = "approved" if decision == "approve" else "removed"
        if decision == "remove":
            item.text = ""
        item.reviewed_by_id, item.reviewed_at = staff.id, dt.datetime.now(LONDON)
        await item.save()
        await audit(item.id, {"survey": item.survey})
    return JSONResponse({"id": item.id, "status": item.status})


routes: list[BaseRoute] = [
    Route("/api/v1/admin/surveys", list_surveys, methods=["GET"]),
    Route("/api/v1/admin/surveys/{slug}/windows", create_window, methods=["POST"]),
    Route("/api/v1/admin/surveys/windows/{id:int}/close", close_window, methods=["POST"]),
    Route("/api/v1/admin/surveys/windows/{id:int}/report", report, methods=["GET"]),
    Route("/api/v1/admin/surveys/free-text", list_free_text, methods=["GET"]),
    Route("/api/v1/admin/surveys/free-text/{id:int}", decide_free_text, methods=["POST"]),
]
