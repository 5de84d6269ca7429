"""Staff: the directory of partner websites to audit, and running the website audit on demand."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.transactions import in_transaction

from backend.accounts.audit import record_audit
from backend.accounts.guard import require_staff
from backend.api.admin.havens import path_id
from backend.bodies import Body, OneOf, Says, read_body
from backend.errors import ApiError
from backend.openapi import doc
from backend.settings import Settings
from havens.models import PARTNER_KINDS, PartnerWebsite, WebsiteAuditRun
from havens.partners import PartnerInvalid, add_partner, list_partners
from havens.website_audit import partner_json, run_audit, run_summary
from outbound import OutboundPolicy

STAFF = frozenset({"officer", "editor"})
PARTNER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "url", "kind"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "url": {"type": "string"},
        "kind": {"enum": list(PARTNER_KINDS)},
        "area": {"type": "string"},
        "checked_at": {"type": ["string", "null"]},
        "result": {"type": ["string", "null"]},
        "status": {"type": ["integer", "null"]},
        "final_url": {"type": ["string", "null"]},
        "changed_since_last_check": {"type": "boolean"},
        "content_changed_at": {"type": ["string", "null"]},
        "stale": {"type": "boolean"},
    },
}


class PartnerWebsiteBody(Body):
    """A partner's page for the website audit."""

    name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        Says("Give the partner's name (up to 200 characters)."),
    ] = Field(title="Partner's name")
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field(title="Web address")
    kind: Annotated[str, OneOf(PARTNER_KINDS), Says("Choose what kind of partner this is from the list.")] = (
        Field("other", title="Kind of partner")
    )
    area: Annotated[str, StringConstraints(max_length=64), Says("Choose an area from the list.")] = Field(
        "", title="Area"
    )


def audit_policy(settings: Settings | None) -> OutboundPolicy:
    """The outbound guard's policy for the website audit; tests may open given loopback ports only."""
    ports = settings.audit_loopback_ports if settings else ()
    return OutboundPolicy(allow_loopback=bool(ports), loopback_ports=ports)


def _settings(request: Request) -> Settings | None:
    return getattr(getattr(request.app.state, "wayhome", None), "settings", None)


@doc(
    summary="Partner websites to audit (council, schools, youth services...) with their last check",
    tags=["havens", "staff"],
    security="staff",
    responses={200: {"type": "object", "required": ["partners"],
                     "properties": {"partners": {"type": "array", "items": PARTNER_SCHEMA}}}},
)  # fmt: skip
async def get_partners(request: Request) -> Response:
    await require_staff(request, roles=STAFF)
    return JSONResponse({"partners": [partner_json(p) for p in await list_partners()]})


@doc(
    summary="Add a partner website to the audit (internal, loopback and link-local addresses are refused)",
    tags=["havens", "staff"],
    security="staff",
    body=PartnerWebsiteBody,
    responses={201: PARTNER_SCHEMA, 403: "error", 422: "error"},
)
async def post_partner(request: Request) -> Response:
    staff = await require_staff(request, roles=STAFF)
    body = await read_body(request, PartnerWebsiteBody, max_bytes=4_000)
    allowed = None if staff.is_admin else staff.area_slugs
    try:
        async with in_transaction():
            partner = await add_partner(
                name=body.name,
                url=body.url,
                kind=body.kind,
                area=body.area,
                policy=audit_policy(_settings(request)),
                added_by=staff.email,
                allowed_areas=allowed,
            )
            await record_audit(request, staff, action="partner_website.create", object_type="partner_website",
                               object_id=partner.id, details={"kind": partner.kind})  # fmt: skip
    except PartnerInvalid as exc:
        status = 403 if exc.code == "forbidden_object" else 422
        raise ApiError(status, exc.code, exc.message, details={"field": exc.field}) from exc
    return JSONResponse(partner_json(partner), status_code=201)


@doc(
    summary="Remove a partner website from the audit",
    tags=["havens", "staff"],
    security="staff",
    responses={204: None, 403: "error", 404: "error"},
)
async def delete_partner(request: Request) -> Response:
    partner_id = path_id(request, "partner website")
    partner = await PartnerWebsite.get_or_none(id=partner_id)
    staff = await require_staff(request, roles=STAFF, area=(partner.area or None) if partner else None)
    if partner is None:
        raise ApiError(404, "not_found", "This partner website is not in the list any more.")
    async with in_transaction():
        await partner.delete()
        await record_audit(request, staff, action="partner_website.delete", object_type="partner_website",
                           object_id=partner_id)  # fmt: skip
    return Response(status_code=204)


@doc(
    summary="Run the website audit now (Havens', services' and partners' pages) and return its findings",
    tags=["havens", "staff"],
    security="staff",
    responses={200: {"type": "object", "required": ["run", "problems", "results"]}, 403: "error"},
)
async def post_audit_run(request: Request) -> Response:
    staff = await require_staff(request, roles=STAFF)

    async def audit(run: WebsiteAuditRun) -> None:  # inside run_audit's transaction
        await record_audit(request, staff, action="website_audit.run", object_type="website_audit",
                           object_id=run.id, details={"checked": run.checked, "problems": run.problems})  # fmt: skip

    run = await run_audit(policy=audit_policy(_settings(request)), timeout_s=8.0, audit=audit)
    return JSONResponse(run_summary(run))


routes: list[BaseRoute] = [
    Route("/api/v1/admin/partner-websites", get_partners, methods=["GET"]),
    Route("/api/v1/admin/partner-websites", post_partner, methods=["POST"]),
    Route("/api/v1/admin/partner-websites/{id:int}", delete_partner, methods=["DELETE"]),
    Route("/api/v1/admin/website-audit/run", post_audit_run, methods=["POST"]),
]
