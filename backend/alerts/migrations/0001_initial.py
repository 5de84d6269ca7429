import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="FinishTimes",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("school_urn", fields.CharField(unique=True, max_length=16)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                (
                    "rules",
                    fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("updated_by_id", fields.IntField(null=True)),
            ],
            options={
                "table": "alerts_finish_times",
                "app": "alerts",
                "pk_attr": "id",
                "table_description": "The finish-time rules of one school (see finish_times.RULES_SCHEMA).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Notice",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("kind", fields.CharField(max_length=32)),
                ("title", fields.CharField(max_length=120)),
                ("body", fields.TextField(unique=False)),
                (
                    "schools",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "areas",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "age_tiers",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("urgency", fields.CharField(default="normal", max_length=16)),
                ("status", fields.CharField(default="draft", db_index=True, max_length=16)),
                (
                    "send_at",
                    fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_by_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "alerts_notice",
                "app": "alerts",
                "pk_attr": "id",
                "table_description": "An officer's message to families: draft -> scheduled -> sent (or cancelled).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Subscription",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("endpoint", fields.CharField(unique=True, max_length=1024)),
                ("p256dh", fields.CharField(max_length=128)),
                ("auth", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_ok_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "alerts_subscription",
                "app": "alerts",
                "pk_attr": "id",
                "table_description": "A browser's Web Push subscription. Expires after 60 days without a successful delivery.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Delivery",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "notice",
                    fields.ForeignKeyField(
                        "alerts.Notice",
                        source_field="notice_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "subscription",
                    fields.ForeignKeyField(
                        "alerts.Subscription",
                        source_field="subscription_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("status", fields.CharField(default="pending", max_length=16)),
                ("attempts", fields.IntField(default=0)),
                ("next_attempt_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("claimed_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("claim_token", fields.CharField(null=True, db_index=True, max_length=36)),
                ("last_status", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "alerts_delivery",
                "app": "alerts",
                "unique_together": (("notice", "subscription"),),
                "indexes": [Index(fields=["status", "next_attempt_at"])],
                "pk_attr": "id",
                "table_description": "Outbox row: one notice to one subscription. Claimed by a worker with a lease (claimed_until).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SubscriptionTopic",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "subscription",
                    fields.ForeignKeyField(
                        "alerts.Subscription",
                        source_field="subscription_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="topics",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("topic", fields.CharField(db_index=True, max_length=80)),
            ],
            options={
                "table": "alerts_subscription_topic",
                "app": "alerts",
                "unique_together": (("subscription", "topic"),),
                "pk_attr": "id",
                "table_description": "One row per topic (`school:URN`, `area:slug`) so fan-out is a plain indexed join on any database.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyResponse",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey", fields.CharField(db_index=True, max_length=64)),
                ("survey_version", fields.IntField(default=1)),
                (
                    "answers",
                    fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("received_on", fields.DateField()),
            ],
            options={
                "table": "alerts_survey_response",
                "app": "alerts",
                "pk_attr": "id",
                "table_description": "Anonymous survey answers: the survey slug and the answers, nothing that identifies anyone.",
            },
            bases=["Model"],
        ),
    ]
