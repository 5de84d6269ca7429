"""`require_staff`: the one server-side check every staff endpoint makes before doing anything.

Order: session (401) -> CSRF token on unsafe methods (403 csrf_failed) -> role (403 forbidden_role) ->
object scope (403 forbidden_object). Admins pass every role and scope check. An area assignment covers every
school of that area pack.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.requests import Request

from backend.accounts.errors import NotAllowed, NotSignedIn
from backend.accounts.models import ROLES, User
from backend.accounts.sessions import SESSION_COOKIE, find_session

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALL_ROLES = frozenset(ROLES)


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    roles: frozenset[str]
    area_slugs: frozenset[str]
    school_urns: frozenset[str]
    display_name: str = ""
    area_school_urns: frozenset[str] = field(default=frozenset(), repr=False)
    session_id: int | None = None
    csrf_token: str = field(default="", repr=False)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_role(self, roles: Iterable[str]) -> bool:
        return self.is_admin or bool(self.roles & frozenset(roles))

    def may_act_for(self, area: str | None = None, school: str | None = None) -> bool:
        """True when every given scope is held (a school is held directly or through its area)."""
        if self.is_admin:
            return True
        if area is not None and area not in self.area_slugs:
            return False
        if school is not None:
            school = str(school)
            if school not in self.school_urns and school not in self.area_school_urns:
                return False
        return True

    @property
    def schools_in_scope(self) -> frozenset[str]:
        """Every school URN this person may act for (explicit plus those of their areas)."""
        return self.school_urns | self.area_school_urns


def _area_school_urns(request: Request, area_slugs: Iterable[str]) -> frozenset[str]:
    state = getattr(request.app.state, "wayhome", None)
    areas = getattr(state, "areas", None) or {}
    urns: set[str] = set()
    for slug in area_slugs:
        pack = areas.get(slug)
        for school in getattr(pack, "schools", None) or ():
            urns.add(str(school.urn))
    return frozenset(urns)


def staff_from_user(
    user: User, *, request: Request | None = None, session_id: int | None = None, csrf_token: str = ""
) -> Staff:
    areas = frozenset(user.area_slugs or ())
    return Staff(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=frozenset(user.roles or ()),
        area_slugs=areas,
        school_urns=frozenset(str(s) for s in user.school_urns or ()),
        area_school_urns=_area_school_urns(request, areas) if request is not None else frozenset(),
        session_id=session_id,
        csrf_token=csrf_token,
    )


async def current_staff(request: Request) -> Staff | None:
    """The signed-in staff member, or None; cached on the request. Does not check CSRF or roles."""
    cached = request.scope.get("wayhome.staff")
    if cached is not None:
        return cached if isinstance(cached, Staff) else None
    token = request.cookies.get(SESSION_COOKIE, "")
    session, reason = await find_session(token=token)
    if session is None:
        request.scope["wayhome.staff"] = reason or "missing"
        return None
    staff = staff_from_user(
        session.user, request=request, session_id=session.id, csrf_token=session.csrf_token
    )
    request.scope["wayhome.staff"] = staff
    return staff


async def require_staff(
    request: Request,
    roles: Iterable[str] | None = None,
    area: str | None = None,
    school: str | None = None,
) -> Staff:
    """Return the signed-in staff member allowed to do this, or raise 401/403 (see module docstring)."""
    staff = await current_staff(request)
    if staff is None:
        reason = request.scope.get("wayhome.staff")
        if reason == "expired":
            raise NotSignedIn("session_expired", "Your session has expired. Please sign in again.")
        raise NotSignedIn("not_authenticated", "Sign in as a staff member to do this.")
    if request.method.upper() not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent.encode(), staff.csrf_token.encode()):
            raise NotAllowed(
                "csrf_failed",
                "The request is missing the X-CSRF-Token header from /api/v1/me. Reload the page and retry.",
            )
    wanted = ALL_ROLES if roles is None else frozenset(roles)
    if not staff.has_role(wanted):
        raise NotAllowed(
            "forbidden_role",
            "Your role does not allow this action.",
            details={"needs_one_of": sorted(wanted)},
        )
    if not staff.may_act_for(area=area, school=school):
        details = {k: v for k, v in (("area", area), ("school", school)) if v is not None}
        raise NotAllowed("forbidden_object", "You are not assigned to this school or area.", details=details)
    return staff
