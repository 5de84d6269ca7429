"""One error format for every failure: {"error": {"code", "message", "details"}}.

Handlers turn ApiError, Starlette's HTTPException and anything unexpected into that shape, so a client never
has to parse an HTML error page and a bug is a logged 500 with a request id, not a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from backend.accounts.errors import (
    AccountConflict,
    AccountInvalid,
    HashingBusy,
    InvitationNotValid,
    NotAllowed,
    NotSignedIn,
    TooManyAttempts,
)
from backend.alerts.errors import NoticeConflict, NoticeInvalid, SubscriptionInvalid
from backend.domain_errors import DomainError
from backend.hotspots.errors import HotspotInvalid
from backend.insights.errors import CountsInvalid, InsightsNotReady
from backend.responses import JSONResponse
from backend.surveys.errors import (
    AnswersInvalid,
    DraftInvalid,
    ReportNotReady,
    SecondEditorNeeded,
    SurveyClosed,
    SurveyNotFound,
    WindowInvalid,
)

log = logging.getLogger("wayhome.errors")

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    431: "headers_too_large",
    503: "not_ready",
}


class ApiError(Exception):
    """An error a client can act on: raise it anywhere below an endpoint."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = (
        exc.detail if isinstance(exc.detail, str) and exc.detail else code.replace("_", " ").capitalize()
    )
    if exc.status_code == 404:
        message = f"Nothing here: {request.url.path} is not a WayHome address."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}."
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    request_id = request.scope.get("state", {}).get("request_id", "")
    log.exception("unhandled error", extra={"request_id": request_id, "path": request.url.path})
    return error_response(
        500,
        "internal_error",
        "Something went wrong on our side. Please try again.",
        {"request_id": request_id},
    )


# Domain errors, raised in the domains' own words, and the HTTP status each class means at the API.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NoticeInvalid: 422,
    NoticeConflict: 409,
    HotspotInvalid: 422,
    SubscriptionInvalid: 422,
    CountsInvalid: 422,
    InsightsNotReady: 409,
    AccountInvalid: 422,
    AccountConflict: 409,
    InvitationNotValid: 404,
    NotSignedIn: 401,
    NotAllowed: 403,
    TooManyAttempts: 429,
    HashingBusy: 503,
    SurveyNotFound: 404,
    SurveyClosed: 409,
    AnswersInvalid: 422,
    WindowInvalid: 422,
    ReportNotReady: 409,
    DraftInvalid: 422,
    SecondEditorNeeded: 409,
}


async def handle_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    status = next(code for cls, code in DOMAIN_STATUS.items() if isinstance(exc, cls))
    wait_s = getattr(exc, "retry_after_s", None)
    headers = {"Retry-After": str(wait_s)} if wait_s is not None else None
    return error_response(status, exc.code, exc.message, exc.details, headers)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: handle_api_error,
    **dict.fromkeys(DOMAIN_STATUS, handle_domain_error),
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
