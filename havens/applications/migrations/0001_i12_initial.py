import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="SafePlaceApplication",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("venue_name", fields.CharField(max_length=200)),
                ("address", fields.CharField(max_length=300)),
                ("postcode", fields.CharField(max_length=10)),
                ("lat", fields.FloatField()),
                ("lon", fields.FloatField()),
                ("contact_name", fields.CharField(max_length=120)),
                ("contact_phone", fields.CharField(default="", max_length=40)),
                ("contact_email", fields.CharField(default="", max_length=200)),
                ("opening_hours", fields.TextField(unique=False)),
                (
                    "agreements",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("status", fields.CharField(default="new", db_index=True, max_length=12)),
                ("submitted_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("visit_date", fields.DateField(null=True)),
                ("visited_by", fields.IntField(null=True)),
                ("agreement_signed", fields.BooleanField(default=False)),
                ("review_notes", fields.TextField(default="", unique=False)),
                ("haven_id", fields.IntField(null=True)),
                ("published_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("published_by", fields.IntField(null=True)),
            ],
            options={
                "table": "haven_applications_application",
                "app": "haven_applications",
                "pk_attr": "id",
                "table_description": 'What a business or venue told us in the public "Become a safe place" form, and the officer\'s review.',
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="VenueReport",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("haven_id", fields.IntField(db_index=True)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("kind", fields.CharField(max_length=16)),
                ("new_hours", fields.TextField(null=True, unique=False)),
                ("message", fields.TextField(default="", unique=False)),
                ("contact", fields.CharField(default="", max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("resolved_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("resolved_by", fields.IntField(null=True)),
            ],
            options={
                "table": "haven_applications_venue_report",
                "app": "haven_applications",
                "pk_attr": "id",
                "table_description": "A venue telling us it has closed or changed its hours; an officer checks it and updates the Haven.",
            },
            bases=["Model"],
        ),
    ]
