import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Hotspot",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("lat", fields.FloatField(null=True)),
                ("lon", fields.FloatField(null=True)),
                ("radius_m", fields.FloatField(null=True)),
                (
                    "polygon",
                    fields.JSONField(
                        null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("weight", fields.FloatField(default=2.0)),
                (
                    "windows",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("expires_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_by", fields.IntField(null=True)),
                ("notes", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "hotspots_hotspot",
                "app": "hotspots",
                "pk_attr": "id",
                "table_description": "Officer hotspot feeding the routing risk surface.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="HotspotRevision",
            fields=[
                ("area", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("revision", fields.IntField(default=0)),
            ],
            options={
                "table": "hotspots_revision",
                "app": "hotspots",
                "pk_attr": "area",
                "table_description": "One counter per area, bumped on every hotspot change: a cheap check for other web workers.",
            },
            bases=["Model"],
        ),
    ]
