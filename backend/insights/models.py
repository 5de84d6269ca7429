"""Imported pupil counts: aggregated pupils per postcode sector and year group, per school. Never pupil-level.

Cells under the suppression threshold are never stored: the import only records how many there were.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PupilCountImport(Model):
    """One upload of one school's counts; a newer upload for the school replaces it."""

    id = fields.IntField(primary_key=True)
    school_urn = fields.CharField(max_length=16, db_index=True)
    area = fields.CharField(max_length=64, db_index=True)
    source = fields.CharField(max_length=16, default="school")  # who supplied it: school or council
    cells_kept = fields.IntField(default=0)
    cells_suppressed = fields.IntField(default=0)
    imported_by_id = fields.IntField(null=True)
    imported_at = fields.DatetimeField(auto_now_add=True)

    counts: fields.ReverseRelation[PupilCount]

    class Meta:
        table = "insights_pupil_count_import"
        table_description = "One upload of aggregated pupil counts for one school."


class PupilCount(Model):
    """Pupils of one school living in one postcode sector, in one year group (10 or more only)."""

    id = fields.IntField(primary_key=True)
    upload: fields.ForeignKeyRelation[PupilCountImport] = fields.ForeignKeyField(
        "insights.PupilCountImport", related_name="counts", on_delete=fields.CASCADE
    )
    sector = fields.CharField(max_length=8)
    year_group = fields.CharField(max_length=8)
    pupils = fields.IntField()

    class Meta:
        table = "insights_pupil_count"
        table_description = (
            "Aggregated pupils per postcode sector and year group (cells under 10 never stored)."
        )
