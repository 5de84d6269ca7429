"""Staff user management: invitations, acceptance, role/scope changes and disabling.

Input arrives as typed bodies (`accounts/bodies.py`: unknown fields refused, so no mass assignment); this module
checks what needs the database or the served areas, and that nobody changes their own roles, scope or state.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from backend.accounts.bodies import EMAIL_RE, InvitationAcceptance, StaffChanges, StaffInvitation
from backend.accounts.errors import AccountConflict, AccountInvalid, InvitationNotValid, NotAllowed
from backend.accounts.guard import Staff
from backend.accounts.models import Invitation, User
from backend.accounts.passwords import check_password_policy, hash_password, hash_password_async
from backend.accounts.sessions import revoke_all_sessions, token_hash, utcnow

INVITATION_TTL_S = 72 * 60 * 60


def normalise_email(value: str) -> str:
    """For the command line's `create-admin`; bodies check the same rule in `StaffInvitation`."""
    email = value.strip().lower()
    if not EMAIL_RE.fullmatch(email):
        raise AccountInvalid("invalid_email", "Give a valid email address.", details={"field": "email"})
    return email


def _served(areas: list[str], *, known_areas: Iterable[str]) -> list[str]:
    known = set(known_areas)
    unknown = [a for a in areas if known and a not in known]
    if unknown:
        raise AccountInvalid(
            "unknown_area",
            "One of the areas is not served by WayHome. Choose from the list.",
            details={"field": "areas", "unknown": unknown},
        )
    return areas


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


async def create_invitation(
    *, invite: StaffInvitation, invited_by: Staff, known_areas: Iterable[str]
) -> tuple[Invitation, str]:
    """Store an invitation; returns it with the raw one-time token (shown once)."""
    email = invite.email
    areas = _served(invite.areas, known_areas=known_areas)
    if await User.filter(email=email).exists():
        raise AccountConflict(
            "email_taken", "A staff account with this email already exists.", details={"field": "email"}
        )
    token = secrets.token_urlsafe(32)
    invitation = await Invitation.create(
        token_hash=token_hash(token),
        email=email,
        display_name=invite.display_name,
        roles=invite.roles,
        area_slugs=areas,
        school_urns=invite.schools,
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
    display_name = invitation.display_name if acceptance.display_name is None else acceptance.display_name
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


COLUMNS = {"areas": "area_slugs", "schools": "school_urns"}  # body field -> User column, where they differ


async def update_user(
    *, user: User, changes: StaffChanges, actor: Staff, known_areas: Iterable[str]
) -> dict[str, Any]:
    """Apply an admin's PATCH (the fields sent); returns the changes (for the audit log). Sessions die on disable."""
    if "areas" in changes.model_fields_set:
        _served(changes.areas, known_areas=known_areas)
    sent = changes.sent()
    columns = {COLUMNS.get(name, name): value for name, value in sent.items()}
    if user.id == actor.id and set(sent) - {"display_name"}:
        raise NotAllowed(
            "forbidden_self_change",
            "You cannot change your own roles, areas, schools or active state; ask another admin.",
        )
    for name, value in columns.items():
        setattr(user, name, value)
    if columns:
        await user.save(update_fields=[*columns, "updated_at"])
    if sent.get("is_active") is False:
        await revoke_all_sessions(user_id=user.id)
    return sent


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
