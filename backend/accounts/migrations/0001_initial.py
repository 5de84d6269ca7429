import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="RateCounter",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("key", fields.CharField(max_length=64)),
                ("window_start", fields.BigIntField()),
                ("count", fields.IntField(default=0)),
                ("expires_at", fields.BigIntField(db_index=True)),
            ],
            options={
                "table": "accounts_rate_counter",
                "app": "accounts",
                "unique_together": (("key", "window_start"),),
                "pk_attr": "id",
                "table_description": "Fixed-window request counter shared by all workers. `key` is an HMAC, never a raw address.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="User",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("display_name", fields.CharField(default="", max_length=120)),
                ("password_hash", fields.CharField(default="", max_length=255)),
                (
                    "roles",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "area_slugs",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "school_urns",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("is_active", fields.BooleanField(default=True)),
                ("totp_secret", fields.CharField(null=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("password_changed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("last_login_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "accounts_user",
                "app": "accounts",
                "pk_attr": "id",
                "table_description": "A staff member. `password_hash` is empty until an invitation is accepted.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "accounts.User",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="audit_events",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("actor_email", fields.CharField(default="", max_length=254)),
                ("action", fields.CharField(db_index=True, max_length=64)),
                ("object_type", fields.CharField(db_index=True, max_length=64)),
                ("object_id", fields.CharField(null=True, max_length=128)),
                (
                    "details",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("address", fields.CharField(default="", max_length=64)),
            ],
            options={
                "table": "accounts_audit_event",
                "app": "accounts",
                "pk_attr": "id",
                "table_description": "Append-only record of a staff write or a login attempt. `address` is coarsened (/24, /48).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Invitation",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("email", fields.CharField(max_length=254)),
                ("display_name", fields.CharField(default="", max_length=120)),
                (
                    "roles",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "area_slugs",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "school_urns",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "invited_by",
                    fields.ForeignKeyField(
                        "accounts.User",
                        source_field="invited_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="invitations_sent",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("accepted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "accounts_invitation",
                "app": "accounts",
                "pk_attr": "id",
                "table_description": "A one-time, expiring invitation for a new staff member (the token is stored hashed).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "accounts.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("csrf_token", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_seen_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "accounts_session",
                "app": "accounts",
                "pk_attr": "id",
                "table_description": "A server-side login session: the cookie carries the token, the table only its SHA-256.",
            },
            bases=["Model"],
        ),
    ]
