"""Tortoise models of the `haven_applications` app: venues asking to become a safe place, and venues' reports.

An application is private until an officer publishes it as a Haven; staff ids are plain integers (no foreign
keys), as in the havens app, so the migrations do not depend on other apps.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

APPLICATION_STATUSES = ("new", "visited", "published", "declined")
REPORT_KINDS = ("closed", "hours_changed", "other")


class SafePlaceApplication(Model):
    """What a business or venue told us in the public "Become a safe place" form, and the officer's review."""

    id = fields.IntField(primary_key=True)
    area = fields.CharField(max_length=64, db_index=True)
    venue_name = fields.CharField(max_length=200)
    address = fields.CharField(max_length=300)
    postcode = fields.CharField(max_length=10)
    lat = fields.FloatField()
    lon = fields.FloatField()
    contact_name = fields.CharField(max_length=120)
    contact_phone = fields.CharField(max_length=40, default="")
    contact_email = fields.CharField(max_length=200, default="")
    opening_hours = fields.TextField()  # OpenStreetMap opening_hours, built from the form's weekday rows
    agreements: fields.Field[list[str]] = fields.JSONField(default=list)
    status = fields.CharField(max_length=12, default="new", db_index=True)
    submitted_at = fields.DatetimeField(auto_now_add=True)
    visit_date = fields.DateField(null=True)
    visited_by = fields.IntField(null=True)
    agreement_signed = fields.BooleanField(default=False)
    review_notes = fields.TextField(default="")
    haven_id = fields.IntField(null=True)
    published_at = fields.DatetimeField(null=True)
    published_by = fields.IntField(null=True)

    class Meta:
        table = "haven_applications_application"


class VenueReport(Model):
    """A venue telling us it has closed or changed its hours; an officer checks it and updates the Haven."""

    id = fields.IntField(primary_key=True)
    haven_id = fields.IntField(db_index=True)
    area = fields.CharField(max_length=64, db_index=True)
    kind = fields.CharField(max_length=16)
    new_hours = fields.TextField(null=True)
    message = fields.TextField(default="")
    contact = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.IntField(null=True)

    class Meta:
        table = "haven_applications_venue_report"
