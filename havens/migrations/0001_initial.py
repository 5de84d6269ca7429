import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Haven",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("name", fields.CharField(max_length=200)),
                ("kind", fields.CharField(max_length=20)),
                ("address", fields.CharField(default="", max_length=300)),
                ("postcode", fields.CharField(default="", max_length=10)),
                ("lat", fields.FloatField()),
                ("lon", fields.FloatField()),
                ("opening_hours", fields.TextField(null=True, unique=False)),
                ("status", fields.CharField(default="pending", db_index=True, max_length=12)),
                ("verified_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("verified_by", fields.IntField(null=True)),
                ("contact", fields.CharField(default="", max_length=200)),
                ("website", fields.CharField(default="", max_length=500)),
                ("accessibility", fields.TextField(default="", unique=False)),
                ("source", fields.TextField(default="", unique=False)),
                ("notes", fields.TextField(default="", unique=False)),
                ("sample", fields.BooleanField(default=False)),
                ("needs_verification", fields.BooleanField(default=False)),
                ("seed_key", fields.CharField(null=True, unique=True, max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "havens_haven",
                "app": "havens",
                "pk_attr": "id",
                "table_description": "A place a young person can go: a CitySafe Haven, or a public place such as a library.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="HelpService",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "needs",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "channels",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("age_min", fields.IntField(null=True)),
                ("age_max", fields.IntField(null=True)),
                ("area", fields.CharField(default="national", db_index=True, max_length=64)),
                ("website", fields.CharField(default="", max_length=500)),
                ("verified_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("source", fields.TextField(default="", unique=False)),
                ("status", fields.CharField(default="needs_check", max_length=12)),
                ("seed_key", fields.CharField(null=True, unique=True, max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "havens_help_service",
                "app": "havens",
                "pk_attr": "id",
                "table_description": "A help line, text service, website or walk-in service, national or for one area.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="KeyMessage",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("tier", fields.CharField(max_length=20)),
                ("topic", fields.CharField(max_length=64)),
                ("title", fields.CharField(max_length=200)),
                ("body_markdown", fields.TextField(unique=False)),
                ("status", fields.CharField(default="draft", max_length=12)),
                ("version", fields.IntField(default=0)),
                ("author_id", fields.IntField(null=True)),
                ("seeded", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "havens_key_message",
                "app": "havens",
                "unique_together": (("tier", "topic"),),
                "pk_attr": "id",
                "table_description": "The working copy of one message for one tier and topic (published text lives in versions).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="KeyMessageVersion",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "message",
                    fields.ForeignKeyField(
                        "havens.KeyMessage",
                        source_field="message_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="versions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("version", fields.IntField()),
                ("title", fields.CharField(max_length=200)),
                ("body_markdown", fields.TextField(unique=False)),
                ("author_id", fields.IntField(null=True)),
                ("published_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "havens_key_message_version",
                "app": "havens",
                "unique_together": (("message", "version"),),
                "pk_attr": "id",
                "table_description": "One published version, kept forever so earlier wording can be shown and restored.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebsiteAuditRun",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("started_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("finished_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("checked", fields.IntField(default=0)),
                ("problems", fields.IntField(default=0)),
                (
                    "results",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
            ],
            options={
                "table": "havens_website_audit_run",
                "app": "havens",
                "pk_attr": "id",
                "table_description": "One run of the website audit; `results` lists every checked URL and what came back.",
            },
            bases=["Model"],
        ),
    ]
