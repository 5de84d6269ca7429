"""Staff accounts, sessions, invitations, audit events and shared rate-limit counters.

Only hashes of secrets (passwords, session and invitation tokens) are stored, so a database leak does not
hand out working credentials. Nothing here is about the public: the public has no account.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from tortoise import fields
from tortoise.models import Model

Role = Literal["admin", "officer", "editor"]
ROLES: tuple[str, ...] = get_args(Role)


class User(Model):
    """A staff member. `password_hash` is empty until an invitation is accepted."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    display_name = fields.CharField(max_length=120, default="")
    password_hash = fields.CharField(max_length=255, default="")
    roles: fields.Field[list[str]] = fields.JSONField(default=list)
    area_slugs: fields.Field[list[str]] = fields.JSONField(default=list)
    school_urns: fields.Field[list[str]] = fields.JSONField(default=list)
    is_active = fields.BooleanField(default=True)
    totp_secret = fields.CharField(max_length=64, null=True)
    totp_last_step = fields.BigIntField(null=True)  # last accepted TOTP time step: a code works only once
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    password_changed_at = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    # Second factor: SHA-256 (keyed) of each unused one-time recovery code; the codes are shown once.
    recovery_code_hashes: fields.Field[list[str]] = fields.JSONField(default=list)
    # Soft lockout: consecutive failures and when the last one was (exponential backoff, reset on success).
    failed_logins = fields.IntField(default=0)
    last_failed_login_at = fields.DatetimeField(null=True)
    # Failures before the latest successful sign-in, shown to the account holder once signed in.
    failed_logins_notice = fields.IntField(default=0)

    class Meta:
        table = "accounts_user"


class Session(Model):
    """A server-side login session: the cookie carries the token, the table only its SHA-256."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "accounts.User", related_name="sessions", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    csrf_token = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "accounts_session"


class Invitation(Model):
    """A one-time, expiring invitation for a new staff member (the token is stored hashed)."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254)
    display_name = fields.CharField(max_length=120, default="")
    roles: fields.Field[list[str]] = fields.JSONField(default=list)
    area_slugs: fields.Field[list[str]] = fields.JSONField(default=list)
    school_urns: fields.Field[list[str]] = fields.JSONField(default=list)
    invited_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "accounts.User", related_name="invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "accounts_invitation"


class AuditEvent(Model):
    """Append-only record of a staff write or a login attempt. `address` is coarsened (/24, /48)."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "accounts.User", related_name="audit_events", null=True, on_delete=fields.SET_NULL
    )
    actor_email = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=64, db_index=True)
    object_id = fields.CharField(max_length=128, null=True)
    details: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    address = fields.CharField(max_length=64, default="")

    class Meta:
        table = "accounts_audit_event"


class RateCounter(Model):
    """Fixed-window request counter shared by all workers. `key` is an HMAC, never a raw address."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64)
    window_start = fields.BigIntField()
    count = fields.IntField(default=0)
    expires_at = fields.BigIntField(db_index=True)

    class Meta:
        table = "accounts_rate_counter"
        unique_together = (("key", "window_start"),)
