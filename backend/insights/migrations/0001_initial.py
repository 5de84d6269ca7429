from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="PupilCountImport",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("school_urn", fields.CharField(db_index=True, max_length=16)),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("source", fields.CharField(default="school", max_length=16)),
                ("cells_kept", fields.IntField(default=0)),
                ("cells_suppressed", fields.IntField(default=0)),
                ("imported_by_id", fields.IntField(null=True)),
                ("imported_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "insights_pupil_count_import",
                "app": "insights",
                "pk_attr": "id",
                "table_description": "One upload of aggregated pupil counts for one school.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PupilCount",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "upload",
                    fields.ForeignKeyField(
                        "insights.PupilCountImport",
                        source_field="upload_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="counts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("sector", fields.CharField(max_length=8)),
                ("year_group", fields.CharField(max_length=8)),
                ("pupils", fields.IntField()),
            ],
            options={
                "table": "insights_pupil_count",
                "app": "insights",
                "pk_attr": "id",
                "table_description": "Aggregated pupils per postcode sector and year group (cells under 10 never stored).",
            },
            bases=["Model"],
        ),
    ]
