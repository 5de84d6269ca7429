"""What the area-scoped staff pages share: the `area` (and `quarter`) query read and checked against the officer's
scope one way, and files handed over as downloads one way (never cached, named for the reader)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from backend.accounts.guard import Staff
from backend.errors import ApiError
from backend.params import query_str
from backend.review import QUARTER_RE
from backend.state import app_state

AREA_PARAM: dict[str, Any] = {"name": "area", "in": "query", "required": True,
                              "schema": {"type": "string", "maxLength": 64}}  # fmt: skip
QUARTER_PARAM: dict[str, Any] = {
    "name": "quarter", "in": "query", "required": False, "schema": {"type": "string", "pattern": "^20[0-9]{2}-Q[1-4]$"},
    "description": "e.g. 2025-Q4; default: the newest full quarter of the MPS data",
}  # fmt: skip


def area_in_scope(request: Request, staff: Staff, slug: object = None) -> str:
    """The served area named by `slug` (default: the `area` query), refused with 404/403 when unknown or not the
    officer's."""
    state = app_state(request)
    if slug is None:
        slug = query_str(request, "area", max_len=64)
    if not isinstance(slug, str) or slug not in state.areas:
        raise ApiError(404, "unknown_area", "There is no area with that name.", {"area": str(slug)[:64]})
    if not staff.may_act_for(area=slug):
        raise ApiError(403, "forbidden_object", "You are not assigned to this area.", {"area": slug})
    return slug


def query_quarter(request: Request) -> str | None:
    quarter = query_str(request, "quarter", max_len=7, default=None)
    if quarter is not None and not QUARTER_RE.fullmatch(quarter):
        raise ApiError(422, "invalid_quarter", "Choose a quarter written like 2025-Q4.", {"field": "quarter"})
    return None if quarter is None else str(quarter)


def download(body: bytes | str, *, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"})  # fmt: skip
