"""Alerts tables: finish times, notices, push subscriptions, the delivery outbox and survey answers.

Subscriptions hold only what a browser gives (endpoint + keys) and the topics chosen: no person, no account.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

NOTICE_KINDS = ("patrol", "finish_time_change", "safety")
NOTICE_STATUSES = ("draft", "scheduled", "sent", "cancelled")
DELIVERY_STATUSES = ("pending", "done", "failed", "gave_up", "expired", "superseded")


class FinishTimes(Model):
    """The finish-time rules of one school (see finish_time_bodies.FinishTimeRules)."""

    id = fields.IntField(primary_key=True)
    school_urn = fields.CharField(max_length=16, unique=True)
    area = fields.CharField(max_length=64, db_index=True)
    rules: fields.Field[dict] = fields.JSONField()  # type: ignore[type-arg]
    updated_at = fields.DatetimeField(auto_now=True)
    updated_by_id = fields.IntField(null=True)

    class Meta:
        table = "alerts_finish_times"


class Notice(Model):
    """An officer's message to families: draft -> scheduled -> sent (or cancelled)."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    title = fields.CharField(max_length=120)
    body = fields.TextField()
    schools: fields.Field[list] = fields.JSONField(default=list)  # type: ignore[type-arg]
    areas: fields.Field[list] = fields.JSONField(default=list)  # type: ignore[type-arg]
    age_tiers: fields.Field[list] = fields.JSONField(default=list)  # type: ignore[type-arg]
    urgency = fields.CharField(max_length=16, default="normal")
    status = fields.CharField(max_length=16, default="draft", db_index=True)
    send_at = fields.DatetimeField(null=True, db_index=True)
    expires_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "alerts_notice"


class Subscription(Model):
    """A browser's Web Push subscription. Expires after 60 days without a successful delivery."""

    id = fields.IntField(primary_key=True)
    endpoint = fields.CharField(max_length=1024, unique=True)
    p256dh = fields.CharField(max_length=128)
    auth = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_ok_at = fields.DatetimeField(db_index=True)

    topics: fields.ReverseRelation[SubscriptionTopic]

    class Meta:
        table = "alerts_subscription"


class SubscriptionTopic(Model):
    """One row per topic (`school:URN`, `area:slug`) so fan-out is a plain indexed join on any database."""

    id = fields.IntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[Subscription] = fields.ForeignKeyField(
        "alerts.Subscription", related_name="topics", on_delete=fields.CASCADE
    )
    topic = fields.CharField(max_length=80, db_index=True)

    class Meta:
        table = "alerts_subscription_topic"
        unique_together = (("subscription", "topic"),)


class Delivery(Model):
    """Outbox row: one notice to one subscription. Claimed by a worker with a lease (claimed_until)."""

    id = fields.IntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "alerts.Notice", related_name="deliveries", on_delete=fields.CASCADE
    )
    subscription: fields.ForeignKeyRelation[Subscription] = fields.ForeignKeyField(
        "alerts.Subscription", related_name="deliveries", on_delete=fields.CASCADE
    )
    status = fields.CharField(max_length=16, default="pending")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=36, null=True, db_index=True)
    last_status = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "alerts_delivery"
        unique_together = (("notice", "subscription"),)
        indexes = (("status", "next_attempt_at"),)
