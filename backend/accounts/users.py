"""Staff user management: invitations, acceptance, role/scope changes and disabling.

Input is validated field by field against an allow-list (no mass assignment): unknown fields are refused, and
nobody can change their own roles, scope or active state.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from backend.accounts.bodies import InvitationAcceptance
from backend.accounts.errors import AccountConflict, AccountInvalid, InvitationNotValid, NotAllowed
from backend.accounts.guard import Staff
from backend.accounts.models import ROLES, Invitation, User
from backend.accounts.passwords import check_password_policy, hash_password, hash_password_async
from backend.accounts.sessions import revoke_all_sessions, token_hash, utcnow

INVITATION_TTL_S = 72 * 60 * 60
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}\Z")
URN_RE = re.compile(r"^[0-9]{5,8}\Z")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\Z")
MAX_SCOPE_ITEMS = 200


def normalise_email(value: object, *, field: str = "email") -> str:
    if not isinstance(value, str) or not EMAIL_RE.match(value.strip()):
        raise AccountInvalid("invalid_email", "Give a valid email address.", details={"field": field})
    return value.strip().lower()


def _reject_unknown(body: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise AccountInvalid(
            "unknown_fields",
            f"These fields cannot be set here: {', '.join(unknown)}.",
            details={"fields": unknown, "allowed": sorted(allowed)},
        )


def _string_list(value: object, *, field: str, pattern: re.Pattern[str]) -> list[str]:
    words = field  # roles, areas or schools: the words a person reads
    if not isinstance(value, list) or len(value) > MAX_SCOPE_ITEMS:
        raise AccountInvalid(
            "invalid_field",
            f"Choose at most {MAX_SCOPE_ITEMS} {words} from the list.",
            details={"field": field},
        )
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not pattern.match(item):
            raise AccountInvalid(
                "invalid_field",
                f"One of the {words} is not one we know. Choose from the list.",
                details={"field": field},
            )
        if item not in items:
            items.append(item)
    return items


def parse_roles(value: object) -> list[str]:
    roles = _string_list(value, field="roles", pattern=re.compile(r"^[a-z]{1,20}$"))
    bad = [r for r in roles if r not in ROLES]
    if not roles or bad:
        raise AccountInvalid(
            "invalid_roles",
            f"Choose at least one role: {', '.join(ROLES)}.",
            details={"field": "roles", "unknown": bad},
        )
    return roles


def parse_areas(value: object, *, known_areas: Iterable[str]) -> list[str]:
    areas = _string_list(value, field="areas", pattern=SLUG_RE)
    known = set(known_areas)
    unknown = [a for a in areas if known and a not in known]
    if unknown:
        raise AccountInvalid(
            "unknown_area",
            "One of the areas is not served by WayHome. Choose from the list.",
            details={"field": "areas", "unknown": unknown},
        )
    return areas


def parse_schools(value: object) -> list[str]:
    return _string_list(value, field="schools", pattern=URN_RE)


def parse_display_name(value: object) -> str:
    if not isinstance(value, str) or len(value.strip()) > 120:
        raise AccountInvalid(
            "invalid_field",
            "Write the person's name in at most 120 characters.",
            details={"field": "display_name"},
        )
    return value.strip()


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "roles": list(user.roles or []),
        "areas": list(user.area_slugs or []),
        "schools": list(user.school_urns or []),
        "is_active": user.is_active,
        "totp_enabled": bool(user.totp_secret),
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "failed_logins": user.failed_logins,
        "recovery_codes_left": len(user.recovery_code_hashes or ()),
    }


def invitation_json(invitation: Invitation, *, token: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": invitation.id,
        "email": invitation.email,
        "display_name": invitation.display_name,
        "roles": list(invitation.roles or []),
        "areas": list(invitation.area_slugs or []),
        "schools": list(invitation.school_urns or []),
        "expires_at": invitation.expires_at.isoformat(),
        "accepted": invitation.accepted_at is not None,
    }
    if token is not None:
        data["token"] = token
    return data


INVITE_FIELDS = ("email", "display_name", "roles", "areas", "schools")


async def create_invitation(
    *, body: dict[str, Any], invited_by: Staff, known_areas: Iterable[str]
) -> tuple[Invitation, str]:
    """Validate and store an invitation; returns it with the raw one-time token (shown once)."""
    _reject_unknown(body, INVITE_FIELDS)
    if "email" not in body or "roles" not in body:
        raise AccountInvalid(
            "missing_field",
            "Give the person's email address and at least one role.",
            details={"fields": ["email", "roles"]},
        )
    email = normalise_email(body["email"])
    roles = parse_roles(body["roles"])
    areas = parse_areas(body.get("areas", []), known_areas=known_areas)
    schools = parse_schools(body.get("schools", []))
    display_name = parse_display_name(body.get("display_name", ""))
    if await User.filter(email=email).exists():
        raise AccountConflict(
            "email_taken", "A staff account with this email already exists.", details={"field": "email"}
        )
    token = secrets.token_urlsafe(32)
    invitation = await Invitation.create(
        token_hash=token_hash(token),
        email=email,
        display_name=display_name,
        roles=roles,
        area_slugs=areas,
        school_urns=schools,
        invited_by_id=invited_by.id,
        expires_at=utcnow() + dt.timedelta(seconds=INVITATION_TTL_S),
    )
    return invitation, token


async def accept_invitation(*, acceptance: InvitationAcceptance) -> User:
    """Turn a valid, unexpired, unused invitation into an account with the chosen password (one use only)."""
    invitation = await Invitation.get_or_none(token_hash=token_hash(acceptance.token))
    now = utcnow()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= now:
        raise InvitationNotValid(
            "invalid_invitation",
            "This invitation link is not valid any more. Ask an administrator for a new one.",
        )
    password = check_password_policy(acceptance.password, email=invitation.email)
    display_name = acceptance.display_name
    if display_name is None:
        display_name = parse_display_name(invitation.display_name)
    claimed = await Invitation.filter(id=invitation.id, accepted_at=None).update(accepted_at=now)
    if claimed != 1:
        raise InvitationNotValid("invalid_invitation", "This invitation has already been used.")
    if await User.filter(email=invitation.email).exists():
        raise AccountConflict("email_taken", "A staff account with this email already exists.")
    return await User.create(
        email=invitation.email,
        display_name=display_name,
        password_hash=await hash_password_async(password),
        roles=list(invitation.roles),
        area_slugs=list(invitation.area_slugs),
        school_urns=list(invitation.school_urns),
        password_changed_at=now,
    )


UPDATE_FIELDS = ("display_name", "roles", "areas", "schools", "is_active")


async def update_user(
    *, user: User, body: dict[str, Any], actor: Staff, known_areas: Iterable[str]
) -> dict[str, Any]:
    """Apply an admin's PATCH; returns the changed fields (for the audit log). Sessions die on disable."""
    _reject_unknown(body, UPDATE_FIELDS)
    changes: dict[str, Any] = {}
    if "display_name" in body:
        changes["display_name"] = parse_display_name(body["display_name"])
    if "roles" in body:
        changes["roles"] = parse_roles(body["roles"])
    if "areas" in body:
        changes["area_slugs"] = parse_areas(body["areas"], known_areas=known_areas)
    if "schools" in body:
        changes["school_urns"] = parse_schools(body["schools"])
    if "is_active" in body:
        if not isinstance(body["is_active"], bool):
            raise AccountInvalid(
                "invalid_field", "Choose whether the account is active.", details={"field": "is_active"}
            )
        changes["is_active"] = body["is_active"]
    if user.id == actor.id and set(changes) - {"display_name"}:
        raise NotAllowed(
            "forbidden_self_change",
            "You cannot change your own roles, areas, schools or active state; ask another admin.",
        )
    for name, value in changes.items():
        setattr(user, name, value)
    if changes:
        await user.save(update_fields=[*changes, "updated_at"])
    if changes.get("is_active") is False:
        await revoke_all_sessions(user_id=user.id)
    return {
        ("areas" if k == "area_slugs" else "schools" if k == "school_urns" else k): v
        for k, v in changes.items()
    }


async def create_admin(*, email: str, password: str, display_name: str = "") -> User:
    """For `wayhome users create-admin`: the first account (or another admin) from the command line."""
    email = normalise_email(email)
    check_password_policy(password, email=email)
    if await User.filter(email=email).exists():
        raise AccountConflict("email_taken", "A staff account with this email already exists.")
    return await User.create(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        roles=["admin"],
        password_changed_at=utcnow(),
    )
