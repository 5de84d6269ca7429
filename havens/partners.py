"""The directory of partner websites to audit (council, schools, youth services, ...): add, list, remove."""

from __future__ import annotations

from havens.models import PartnerWebsite
from outbound import OutboundPolicy, UrlRefused, check_url, resolve_allowed


class PartnerInvalid(ValueError):
    """A field of a partner website is not acceptable; `field` names it, `message` says why in plain words."""

    def __init__(self, field: str, message: str, code: str = "invalid_field") -> None:
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


async def check_partner_url(url: object, *, policy: OutboundPolicy) -> str:
    """The URL when the audit would be allowed to fetch it; refuses internal addresses before saving."""
    try:
        parts = check_url(url, policy=policy)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            await resolve_allowed(host, port, policy=policy)
        except UrlRefused as exc:
            if exc.code != "unresolvable":  # a name that does not resolve today is the audit's finding
                raise
    except UrlRefused as exc:
        raise PartnerInvalid("url", exc.message, code=exc.code) from exc
    return str(url).strip()


async def add_partner(
    *,
    name: str,
    url: str,
    kind: str,
    area: str,
    policy: OutboundPolicy,
    added_by: str,
    allowed_areas: frozenset[str] | None,
) -> PartnerWebsite:
    """Add a page to the audit: in the adder's areas, at an address the audit would be allowed to fetch."""
    if area and allowed_areas is not None and area not in allowed_areas:
        raise PartnerInvalid("area", "You can only add pages for your own areas.", code="forbidden_object")
    checked = await check_partner_url(url, policy=policy)
    return await PartnerWebsite.create(name=name, url=checked, kind=kind, area=area, added_by=added_by)


async def list_partners() -> list[PartnerWebsite]:
    return list(await PartnerWebsite.all().order_by("name", "id"))
