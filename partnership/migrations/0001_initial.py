import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="AggregateCell",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("area", fields.CharField(max_length=64)),
                ("source", fields.CharField(max_length=32)),
                ("period", fields.CharField(max_length=7)),
                ("place_kind", fields.CharField(max_length=16)),
                ("place_code", fields.CharField(max_length=80)),
                ("category", fields.CharField(default="", max_length=60)),
                ("count", fields.IntField()),
                ("data_import_id", fields.IntField()),
            ],
            options={
                "table": "partnership_aggregate_cell",
                "app": "partnership",
                "indexes": [Index(fields=["area", "source", "period"])],
                "pk_attr": "id",
                "table_description": "One count of an aggregate source for a period and place. Counts under 5 are stored but never shown.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CrimeMonth",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("month", fields.CharField(max_length=7)),
                ("source", fields.CharField(max_length=32)),
                ("data_import_id", fields.IntField()),
                ("rows_added", fields.IntField(default=0)),
            ],
            options={
                "table": "partnership_crime_month",
                "app": "partnership",
                "pk_attr": "id",
                "table_description": "Per-month provenance: which file brought which month's points, and how many.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DataImport",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("source", fields.CharField(max_length=32)),
                ("filename", fields.CharField(default="", max_length=200)),
                ("sha256", fields.CharField(max_length=64)),
                (
                    "months",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("rows_total", fields.IntField(default=0)),
                ("rows_added", fields.IntField(default=0)),
                ("duplicates", fields.IntField(default=0)),
                ("outside_area", fields.IntField(default=0)),
                ("imported_by", fields.IntField(null=True)),
                ("imported_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "partnership_import",
                "app": "partnership",
                "unique_together": (("area", "source", "sha256"),),
                "pk_attr": "id",
                "table_description": "One accepted file: who sent it, what it held, and what happened to its rows.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StreetCrime",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("area", fields.CharField(max_length=64)),
                ("crime_key", fields.CharField(null=True, max_length=80)),
                ("month", fields.CharField(max_length=7)),
                ("category", fields.CharField(max_length=40)),
                ("lat", fields.FloatField()),
                ("lon", fields.FloatField()),
                ("location", fields.CharField(default="", max_length=200)),
                ("lsoa_code", fields.CharField(default="", max_length=16)),
                ("data_import_id", fields.IntField()),
            ],
            options={
                "table": "partnership_street_crime",
                "app": "partnership",
                "unique_together": (("area", "crime_key"),),
                "indexes": [Index(fields=["area", "month"])],
                "pk_attr": "id",
                "table_description": "A police.uk street-level crime at its anonymised snap point. `crime_key` dedupes by Crime ID.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurfaceRevision",
            fields=[
                ("area", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("revision", fields.IntField(default=0)),
                ("surface_file", fields.CharField(default="", max_length=300)),
                ("previous_file", fields.CharField(default="", max_length=300)),
                (
                    "layers",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("built_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "partnership_surface_revision",
                "app": "partnership",
                "pk_attr": "area",
                "table_description": "The served risk surface of an area: bumped when an import builds a new one; `previous` allows rollback.",
            },
            bases=["Model"],
        ),
    ]
