"""/api/v1/admin/insights/: pupil flows, the staggering planner, patrol plans and imported pupil counts.

Officers act for whole areas here (the analysis covers every secondary school of an area); a school's own
officer may upload that school's counts. Only aggregated, suppressed numbers leave these endpoints.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from backend.accounts.audit import record_audit
from backend.accounts.guard import Staff, require_staff
from backend.alerts.finish_times import LONDON
from backend.alerts.notices import notice_json, school_area
from backend.api.admin.area_scope import area_in_scope, download
from backend.api.admin.imports import CsvUpload, read_csv
from backend.bodies import read_body
from backend.errors import ApiError
from backend.insights import service
from backend.insights.bodies import PlannerRequest
from backend.insights.models import PupilCountImport
from backend.openapi import doc
from backend.params import parse_date, query_int, query_str
from backend.state import app_state
from insights.flowmap import flows_document
from insights.patrol import PatrolPlan, plan_patrol
from insights.pdf import plan_pdf
from insights.printable import content_security_policy, notice_text, plan_html, plan_rows
from insights.staggering import PlannerInputError, ShiftRange, plan

ROLES = {"officer", "admin"}
_AREA = {"name": "area", "in": "query", "required": True, "schema": {"type": "string"}}
_DATE = {"name": "date", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
         "description": "YYYY-MM-DD; default: the next weekday"}  # fmt: skip
_WINDOW = [
    {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}},
    {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}},
    {"name": "points", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 12}},
]  # fmt: skip
ERRORS: dict[int, Any] = {400: "error", 401: "error", 403: "error", 404: "error", 409: "error", 422: "error"}
OBJECT = {"type": "object"}
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["area", "date", "before", "after", "schools", "assumptions"],
    "properties": {
        "area": {"type": "string"}, "date": {"type": "string"}, "method": {"type": "string"},
        "before": {"type": "number"}, "after": {"type": "number"}, "reduction_pct": {"type": "number"},
        "schools": {"type": "array", "items": OBJECT}, "improving_streets": {"type": "array", "items": OBJECT},
        "assumptions": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip


def _area(request: Request, staff: Staff, slug: Any) -> tuple[Any, Any]:
    state = app_state(request)
    slug = area_in_scope(request, staff, slug)
    router = state.routers.get(slug)
    if router is None:
        raise ApiError(
            409, "no_streets", "This area has no street data yet, so pupil journeys cannot be worked out."
        )
    return state.areas[slug], router


def _day(day: dt.date | None) -> dt.date:
    """The day asked for (read by `params.parse_date` or the body's `Day`), within a year; none: the next school day."""
    today = dt.datetime.now(LONDON).date()
    if day is None:
        return service.next_school_day(today=today)
    if abs((day - today).days) > 366:
        raise ApiError(422, "invalid_date", "Choose a day within a year of today.")
    return day


def _query_day(request: Request) -> dt.date | None:
    text = query_str(request, "date", max_len=10, default=None)
    return parse_date(text) if text else None


async def _analysis(request: Request, staff: Staff, slug: Any, day: dt.date | None) -> service.DayAnalysis:
    pack, router = _area(request, staff, slug)
    return await service.day_analysis(router=router, pack=pack, day=_day(day))


@doc(summary="Expected pupil flows per street and 5-minute window after school (suppressed under 10)",
     tags=["admin", "insights"], security="staff", params=[_AREA, _DATE], responses={200: OBJECT, **ERRORS})  # fmt: skip
async def get_flows(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    day = await _analysis(
        request,
        staff,
        query_str(request, "area", max_len=64),
        _query_day(request),
    )
    document = await asyncio.to_thread(flows_document, day.analysis)
    return JSONResponse({**document, "notes": day.notes})


@doc(summary="Staggered finish times that lower the conflict score, with before/after numbers per school",
     tags=["admin", "insights"], security="staff", body=PlannerRequest, responses={200: PLAN_SCHEMA, **ERRORS})  # fmt: skip
async def post_planner(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    body = await read_body(request, PlannerRequest, max_bytes=32_000)
    ranges = {
        urn: ShiftRange(earliest_min=s.earliest_min, latest_min=s.latest_min, pinned=s.pinned)
        for urn, s in body.schools.items()
    }
    day = await _analysis(request, staff, body.area, body.date)
    try:
        result = await asyncio.to_thread(plan, day.analysis, ranges, method=body.method)
    except PlannerInputError as exc:
        raise ApiError(422, "invalid_shifts", str(exc)) from None
    except ValueError:
        raise ApiError(
            422, "too_many_combinations", "Too many combinations to solve exactly; use method auto or local."
        ) from None
    return JSONResponse({**result, "notes": day.notes})


def _clock(request: Request, name: str, day: dt.date, default: dt.datetime) -> dt.datetime:
    raw = query_str(request, name, max_len=5, default=None)
    if not raw:
        return default
    try:
        when = dt.time.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, "invalid_time", f"'{name}' must be a time of day such as 15:30.") from None
    return dt.datetime.combine(day, when, tzinfo=LONDON)


async def _patrol(request: Request) -> tuple[service.DayAnalysis, PatrolPlan, Any]:
    staff = await require_staff(request, roles=ROLES)
    slug = query_str(request, "area", max_len=64)
    points = query_int(request, "points", min=1, max=12, default=5)
    day = await _analysis(request, staff, slug, _query_day(request))
    start, end = service.after_school_window(day.analysis)
    start = _clock(request, "from", day.analysis.day, start)
    end = _clock(request, "to", day.analysis.day, end)
    if end <= start:
        raise ApiError(422, "invalid_window", "The patrol window must end after it starts.")
    patrol = await asyncio.to_thread(plan_patrol, day.analysis, start=start, end=end, points=points)
    return day, patrol, app_state(request).areas[slug]


def _plan_json(day: service.DayAnalysis, patrol: PatrolPlan) -> dict[str, Any]:
    title, body = notice_text(day.analysis, patrol)
    names = {s.urn: s.name for s in day.analysis.schools}
    return {
        "area": day.analysis.area, "date": day.analysis.day.isoformat(),
        "from": patrol.start.strftime("%H:%M"), "to": patrol.end.strftime("%H:%M"),
        "points": plan_rows(day.analysis, patrol), "loop_m": round(patrol.loop_m),
        "schools": [{"urn": u, "name": names.get(u, u)} for u in patrol.schools],
        "draft_notice": {"title": title, "body": body},
        "assumptions": day.analysis.assumptions(), "notes": day.notes,
    }  # fmt: skip


@doc(summary="Patrol plan: N points with arrival times and a walking loop, and the draft notice text",
     tags=["admin", "insights"], security="staff", params=[_AREA, _DATE, *_WINDOW], responses={200: OBJECT, **ERRORS})  # fmt: skip
async def get_patrol_plan(request: Request) -> JSONResponse:
    day, patrol, _ = await _patrol(request)
    return JSONResponse(_plan_json(day, patrol))


@doc(summary="The patrol plan as a printable HTML page (map, table, draft notice)", tags=["admin", "insights"],
     security="staff", params=[_AREA, _DATE, *_WINDOW],
     responses={200: {"type": "string", "x-media-type": "text/html"}, **ERRORS})  # fmt: skip
async def get_patrol_plan_html(request: Request) -> Response:
    day, patrol, pack = await _patrol(request)
    page = await asyncio.to_thread(plan_html, day.analysis, patrol, area_name=pack.name)
    return Response(
        page,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": content_security_policy()},
    )


@doc(summary="The patrol plan as a PDF", tags=["admin", "insights"], security="staff", params=[_AREA, _DATE, *_WINDOW],
     responses={200: {"type": "string", "x-media-type": "application/pdf"}, **ERRORS})  # fmt: skip
async def get_patrol_plan_pdf(request: Request) -> Response:
    day, patrol, pack = await _patrol(request)
    pdf = await asyncio.to_thread(plan_pdf, day.analysis, patrol, area_name=pack.name)
    name = f"patrol-plan-{day.analysis.area}-{day.analysis.day.isoformat()}.pdf"
    return download(pdf, media_type="application/pdf", filename=name)


@doc(summary="Create the patrol plan's notice to the affected schools' families as a draft (nothing is sent)",
     tags=["admin", "insights"], security="staff", params=[_AREA, _DATE, *_WINDOW], responses={201: OBJECT, **ERRORS})  # fmt: skip
async def post_patrol_notice(request: Request) -> JSONResponse:
    day, patrol, _ = await _patrol(request)
    staff = await require_staff(request, roles=ROLES)
    if not patrol.schools:
        raise ApiError(
            409,
            "no_patrol_points",
            "No street has enough expected pupils in this window for a patrol notice.",
        )
    title, body = notice_text(day.analysis, patrol)

    async def audit(notice: Any) -> None:
        await record_audit(request, staff, action="notice.create", object_type="notice", object_id=notice.id,
                           details={"from": "patrol_plan", "schools": len(patrol.schools)})  # fmt: skip

    notice = await service.draft_patrol_notice(
        schools=list(patrol.schools), areas_by_slug=app_state(request).areas, title=title, body=body,
        staff_id=staff.id, expires_at=patrol.points[-1].leave + dt.timedelta(hours=1), audit=audit,
    )  # fmt: skip
    return JSONResponse(notice_json(notice), status_code=201)


COUNTS_RESULT = {"type": "object", "required": ["school", "cells_kept", "cells_suppressed"],
                 "properties": {"school": {"type": "string"}, "cells_kept": {"type": "integer"},
                                "cells_suppressed": {"type": "integer"}, "imported_at": {"type": "string"}}}  # fmt: skip


@doc(summary="Import a school's pupils per postcode sector and year group (CSV sector,year_group,pupils); "
     "cells under 10 are dropped, never stored", tags=["admin", "insights"], security="staff",
     params=[{"name": "school", "in": "query", "required": True, "schema": {"type": "string"}},
             {"name": "source", "in": "query", "required": False, "schema": {"enum": ["school", "council"]}}],
     body=CsvUpload,
     responses={201: COUNTS_RESULT, **ERRORS})  # fmt: skip
async def post_pupil_counts(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    urn = query_str(request, "school", max_len=16)
    source = query_str(request, "source", max_len=8, default="school", choices=("school", "council"))
    slug = school_area(app_state(request).areas, urn)
    if slug is None:
        raise ApiError(404, "unknown_school", "No school with that URN in the areas served.", {"urn": urn})
    if not staff.may_act_for(school=urn):
        raise ApiError(403, "forbidden_object", "You are not assigned to this school.", {"school": urn})
    text = await read_csv(request)

    async def audit(upload: PupilCountImport) -> None:
        await record_audit(request, staff, action="pupil_counts.import", object_type="school", object_id=urn,
                           details={"cells_kept": upload.cells_kept, "cells_suppressed": upload.cells_suppressed})  # fmt: skip

    upload = await service.import_counts(pack=app_state(request).areas[slug], school_urn=urn, text=text,
                                         source=source, staff_id=staff.id, audit=audit)  # fmt: skip
    return JSONResponse(
        {"school": urn, "cells_kept": upload.cells_kept, "cells_suppressed": upload.cells_suppressed,
         "imported_at": upload.imported_at.isoformat()}, status_code=201,
    )  # fmt: skip


@doc(summary="Which schools of an area have imported pupil counts, and when", tags=["admin", "insights"],
     security="staff", params=[_AREA], responses={200: OBJECT, **ERRORS})  # fmt: skip
async def get_pupil_counts(request: Request) -> JSONResponse:
    staff = await require_staff(request, roles=ROLES)
    slug = query_str(request, "area", max_len=64)
    pack, _ = _area(request, staff, slug)
    uploads = await PupilCountImport.filter(area=slug).order_by("school_urn")
    return JSONResponse({"area": slug, "imports": [
        {"school": u.school_urn, "name": getattr(pack.school(u.school_urn), "name", u.school_urn), "source": u.source,
         "cells_kept": u.cells_kept, "cells_suppressed": u.cells_suppressed, "imported_at": u.imported_at.isoformat()}
        for u in uploads]})  # fmt: skip


routes: list[BaseRoute] = [
    Route("/api/v1/admin/insights/flows", get_flows, methods=["GET"]),
    Route("/api/v1/admin/insights/planner", post_planner, methods=["POST"]),
    Route("/api/v1/admin/insights/patrol-plan", get_patrol_plan, methods=["GET"]),
    Route("/api/v1/admin/insights/patrol-plan.html", get_patrol_plan_html, methods=["GET"]),
    Route("/api/v1/admin/insights/patrol-plan.pdf", get_patrol_plan_pdf, methods=["GET"]),
    Route("/api/v1/admin/insights/patrol-plan/notice", post_patrol_notice, methods=["POST"]),
    Route("/api/v1/admin/insights/pupil-counts", post_pupil_counts, methods=["POST"]),
    Route("/api/v1/admin/insights/pupil-counts", get_pupil_counts, methods=["GET"]),
]
