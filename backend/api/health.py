"""GET /healthz: is the database reachable and are the areas loaded (and how old is their data)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from backend.openapi import doc
from backend.responses import JSONResponse
from backend.state import app_state

HEALTH_SCHEMA = {
    "type": "object",
    "required": ["status", "db", "areas"],
    "properties": {
        "status": {"enum": ["ok", "degraded"]},
        "db": {"type": "string"},
        "areas": {"type": "object"},
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
}


async def _db_status() -> str:
    try:
        from tortoise import Tortoise

        if not Tortoise._inited:
            return "no models"
        conn = Tortoise.get_connection("default")
        await conn.execute_query("SELECT 1")
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


async def _push_status() -> dict[str, Any] | None:
    try:
        from backend.alerts.outbox import outbox_health

        return await outbox_health()
    except Exception:  # the outbox is optional for readiness
        return None


@doc(
    summary="Readiness: database, areas and the age of their data",
    tags=["meta"],
    responses={200: HEALTH_SCHEMA, 503: HEALTH_SCHEMA},
)
async def healthz(request: Request) -> JSONResponse:
    state = app_state(request)
    db = await _db_status()
    areas = {
        slug: {
            "name": pack.name,
            "streets": state.routers[slug].streets_coverage if slug in state.routers else "none",
            "router_loaded": slug in state.routers,
            "data_as_of": pack.data_as_of,
        }
        for slug, pack in state.areas.items()
    }
    push = await _push_status()
    reasons = []
    if db not in ("ok", "no models"):
        reasons.append(f"database: {db}")
    if not areas:
        reasons.append("no area packs loaded")
    body: dict[str, Any] = {"status": "degraded" if reasons else "ok", "db": db, "areas": areas}
    if push is not None:
        body["push"] = push  # reported, but never takes web workers out of service
    if reasons:
        body["reasons"] = reasons
    return JSONResponse(body, status_code=503 if reasons else 200)


routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
