"""Tortoise models of the `havens` app: Havens/public places, help services, key messages, website audits.

User references are plain integer ids (not foreign keys) so this app's migrations do not depend on the
accounts app being migrated first.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

HAVEN_KINDS = ("citysafe_haven", "public_place", "other")
HAVEN_STATUSES = ("pending", "active", "suspended")
SERVICE_STATUSES = ("checked", "needs_check")
MESSAGE_STATUSES = ("draft", "published", "archived")


class Haven(Model):
    """A place a young person can go: a CitySafe Haven, or a public place such as a library."""

    id = fields.IntField(primary_key=True)
    area = fields.CharField(max_length=64, db_index=True)
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=20)
    address = fields.CharField(max_length=300, default="")
    postcode = fields.CharField(max_length=10, default="")
    lat = fields.FloatField()
    lon = fields.FloatField()
    opening_hours = fields.TextField(null=True)  # OSM opening_hours syntax; null = hours unknown
    status = fields.CharField(max_length=12, default="pending", db_index=True)
    verified_at = fields.DatetimeField(null=True)  # set only when a staff member verifies it in the console
    verified_by = fields.IntField(null=True)
    source_date = fields.CharField(
        max_length=10, default=""
    )  # when the source listed it: "2022" or "2026-11-25"
    source_name = fields.CharField(max_length=120, default="")  # who listed it, for "Source: <name>, <date>"
    caveat = fields.TextField(default="")  # public: what the source itself says is uncertain
    contact = fields.CharField(max_length=200, default="")
    website = fields.CharField(max_length=500, default="")
    accessibility = fields.TextField(default="")
    source = fields.TextField(default="")
    notes = fields.TextField(default="")
    sample = fields.BooleanField(default=False)  # an illustrative entry, not a real verified place
    needs_verification = fields.BooleanField(default=False)
    seed_key = fields.CharField(max_length=200, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "havens_haven"


class HelpService(Model):
    """A help line, text service, website or walk-in service, national or for one area."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    needs: fields.Field[list[str]] = fields.JSONField(default=list)
    channels: fields.Field[list[dict[str, str]]] = fields.JSONField(default=list)  # {kind, value, hours}
    age_min = fields.IntField(null=True)
    age_max = fields.IntField(null=True)
    area = fields.CharField(max_length=64, default="national", db_index=True)
    website = fields.CharField(max_length=500, default="")
    verified_at = fields.DatetimeField(null=True)  # set only when a staff member verifies it in the console
    verified_by = fields.IntField(null=True)
    source = fields.TextField(default="")
    evidence = fields.TextField(default="")  # where the details were checked (pages, links)
    source_date = fields.CharField(max_length=10, default="")  # the day the evidence was checked, if it was
    status = fields.CharField(max_length=12, default="needs_check")
    seed_key = fields.CharField(max_length=200, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "havens_help_service"


class KeyMessage(Model):
    """The working copy of one message for one tier and topic (published text lives in versions)."""

    id = fields.IntField(primary_key=True)
    tier = fields.CharField(max_length=20)
    topic = fields.CharField(max_length=64)
    title = fields.CharField(max_length=200)
    body_markdown = fields.TextField()
    status = fields.CharField(max_length=12, default="draft")
    version = fields.IntField(default=0)  # latest published version number; 0 = never published
    author_id = fields.IntField(null=True)
    last_edited_by = fields.IntField(null=True)  # law messages: this account may not publish (second person)
    seeded = fields.BooleanField(default=False)
    owner = fields.CharField(max_length=80, default="")  # a role, never a person's name
    sources: fields.Field[list[str]] = fields.JSONField(default=list)
    reviewed_by = fields.CharField(max_length=80, default="")  # a role; empty until a review happened
    reviewed_on = fields.DateField(null=True)
    review_by = fields.DateField(null=True)  # next review due
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "havens_key_message"
        unique_together = (("tier", "topic"),)


class KeyMessageVersion(Model):
    """One published version, kept forever so earlier wording can be shown and restored."""

    id = fields.IntField(primary_key=True)
    message: fields.ForeignKeyRelation[KeyMessage] = fields.ForeignKeyField(
        "havens.KeyMessage", related_name="versions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    title = fields.CharField(max_length=200)
    body_markdown = fields.TextField()
    author_id = fields.IntField(null=True)
    published_at = fields.DatetimeField()

    class Meta:
        table = "havens_key_message_version"
        unique_together = (("message", "version"),)


class WebsiteAuditRun(Model):
    """One run of the website audit; `results` lists every checked URL and what came back."""

    id = fields.IntField(primary_key=True)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField()
    checked = fields.IntField(default=0)
    problems = fields.IntField(default=0)
    results: fields.Field[list[dict[str, object]]] = fields.JSONField(default=list)

    class Meta:
        table = "havens_website_audit_run"


PARTNER_KINDS = ("council", "school", "youth_service", "police", "health", "other")


class PartnerWebsite(Model):
    """A partner's web page staff keep an eye on (council, school, youth service...), with its last check.

    `content_sha256` is the hash of the page body at the last check; `content_changed_at` is when it last
    differed, so a page that has not changed for a long time can be shown as possibly out of date.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    url = fields.CharField(max_length=500)
    kind = fields.CharField(max_length=32, default="other")
    area = fields.CharField(max_length=64, default="")
    added_by = fields.CharField(max_length=254, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    checked_at = fields.DatetimeField(null=True)
    result = fields.CharField(max_length=32, default="")
    status = fields.IntField(null=True)
    final_url = fields.CharField(max_length=2048, default="")
    content_sha256 = fields.CharField(max_length=64, default="")
    content_changed_at = fields.DatetimeField(null=True)
    changed_since_last_check = fields.BooleanField(default=False)

    class Meta:
        table = "havens_partner_website"


def havens_transaction() -> Any:
    """A transaction on the connection this app's models use (all-or-nothing writes)."""
    return in_transaction(Haven._meta.default_connection)
