"""Public "Become a safe place" form and venues' change reports: no account, rate limited, nothing public.

An application is shown to nobody but officers until one has visited and published it as a Haven.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from backend.bodies import read_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.params import query_int
from backend.state import app_state
from havens.applications import service
from havens.applications.bodies import SafePlaceApplicationBody, VenueChangeReport
from havens.applications.service import Locate
from havens.models import Haven

RECEIVED = {
    "type": "object",
    "required": ["received", "message"],
    "properties": {"received": {"type": "boolean"}, "message": {"type": "string"}},
}


def locator(request: Request) -> Locate:
    areas = app_state(request).areas

    def locate(postcode: str) -> tuple[str, float, float] | None:
        for slug, pack in areas.items():
            found = pack.postcode(postcode)
            if found is not None and pack.contains(found.lat, found.lon):
                return slug, found.lat, found.lon
        return None

    return locate


def invalid(exc: service.ApplicationInvalid) -> ApiError:
    count = len(exc.errors)
    message = (
        "One answer needs fixing: see the message beside it."
        if count == 1
        else f"{count} answers need fixing: see the messages beside them."
    )
    errors = [{"field": key, "message": text} for key, text in exc.errors.items()]
    return ApiError(422, "invalid_application", message, {"errors": errors})


@doc(
    summary="The words of the safe place agreement, for the public form",
    tags=["havens"],
    responses={200: {"type": "object", "required": ["agreements"]}},
)
async def get_form(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "agreements": [{"key": k, "text": v} for k, v in service.AGREEMENTS.items()],
            "days": list(service.DAYS),
        },
        headers={"cache-control": "public, max-age=3600"},
    )


@doc(
    summary="Apply to become a safe place (CitySafe Haven); reviewed by an officer before anything is public",
    tags=["havens"],
    body=SafePlaceApplicationBody,
    responses={201: RECEIVED, 409: "error", 422: "error", 429: "error"},
)
async def post_application(request: Request) -> JSONResponse:
    body = await read_body(request, SafePlaceApplicationBody, max_bytes=16_000)
    if body.company:  # filled in only by bots: accept quietly, store nothing
        return JSONResponse({"received": True, "message": THANKS}, status_code=201)
    try:
        await service.submit_application(data=body.model_dump(), locate=locator(request))
    except service.ApplicationInvalid as exc:
        raise invalid(exc) from None
    except service.ApplicationConflict as exc:
        raise ApiError(409, "applications_full", str(exc)) from None
    return JSONResponse({"received": True, "message": THANKS}, status_code=201)


THANKS = (
    "Thank you. A Safer Schools officer will contact you to arrange a visit. "
    "Nothing about your venue is shown in WayHome until after that visit."
)


@doc(
    summary="A safe place says it has closed or changed its hours; an officer checks before anything changes",
    tags=["havens"],
    body=VenueChangeReport,
    responses={201: RECEIVED, 422: "error", 429: "error"},
)
async def post_report(request: Request) -> JSONResponse:
    body = await read_body(request, VenueChangeReport, max_bytes=8_000)
    try:
        await service.report_change(data=body.model_dump())
    except service.ApplicationInvalid as exc:
        raise invalid(exc) from None
    return JSONResponse(
        {"received": True, "message": "Thank you. An officer will check and update WayHome."}, status_code=201
    )


@doc(
    summary="The public name of a CitySafe Haven, for the venue's change form (reached from its poster)",
    tags=["havens"],
    params=[{"name": "haven", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}}],
    responses={200: {"type": "object", "required": ["id", "name"]}, 404: "error", 422: "error"},
)
async def get_venue(request: Request) -> JSONResponse:
    haven_id = query_int(request, "haven", min=1, max=2**31 - 1)
    haven = await Haven.get_or_none(id=haven_id, kind="citysafe_haven", status="active")
    if haven is None:
        raise ApiError(
            404, "unknown_venue", "This safe place is not listed. Check the address on your poster."
        )
    return JSONResponse({"id": haven.id, "name": haven.name, "opening_hours": haven.opening_hours})


routes: list[BaseRoute] = [
    Route("/api/v1/safe-place-reports/venue", get_venue, methods=["GET"]),
    Route("/api/v1/safe-place-applications/form", get_form, methods=["GET"]),
    Route("/api/v1/safe-place-applications", post_application, methods=["POST"]),
    Route("/api/v1/safe-place-reports", post_report, methods=["POST"]),
]
