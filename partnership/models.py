"""Imported partnership data: police.uk street crimes with per-file and per-month provenance, aggregate cells
(ISTV, ambulance, transport) and the per-area surface revision other web workers watch."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class DataImport(Model):
    """One accepted file: who sent it, what it held, and what happened to its rows."""

    id = fields.IntField(primary_key=True)
    area = fields.CharField(max_length=64, db_index=True)
    source = fields.CharField(max_length=32)  # policeuk_csv, policeuk_api, istv, ambulance, transport
    filename = fields.CharField(max_length=200, default="")
    sha256 = fields.CharField(max_length=64)
    months: fields.Field[Any] = fields.JSONField(default=list)
    rows_total = fields.IntField(default=0)
    rows_added = fields.IntField(default=0)
    duplicates = fields.IntField(default=0)
    outside_area = fields.IntField(default=0)
    imported_by = fields.IntField(null=True)
    imported_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partnership_import"
        unique_together = (("area", "source", "sha256"),)


class CrimeMonth(Model):
    """Per-month provenance: which file brought which month's points, and how many."""

    id = fields.IntField(primary_key=True)
    area = fields.CharField(max_length=64, db_index=True)
    month = fields.CharField(max_length=7)
    source = fields.CharField(max_length=32)
    data_import_id = fields.IntField()
    rows_added = fields.IntField(default=0)

    class Meta:
        table = "partnership_crime_month"


class StreetCrime(Model):
    """A police.uk street-level crime at its anonymised snap point. `crime_key` dedupes by Crime ID."""

    id = fields.IntField(primary_key=True)
    area = fields.CharField(max_length=64)
    crime_key = fields.CharField(max_length=80, null=True)
    month = fields.CharField(max_length=7)
    category = fields.CharField(max_length=40)
    lat = fields.FloatField()
    lon = fields.FloatField()
    location = fields.CharField(max_length=200, default="")
    lsoa_code = fields.CharField(max_length=16, default="")
    data_import_id = fields.IntField()

    class Meta:
        table = "partnership_street_crime"
        unique_together = (("area", "crime_key"),)
        indexes = (("area", "month"),)


class AggregateCell(Model):
    """One count of an aggregate source for a period and place. Counts under 5 are stored but never shown."""

    id = fields.IntField(primary_key=True)
    area = fields.CharField(max_length=64)
    source = fields.CharField(max_length=32)  # istv, ambulance, transport
    period = fields.CharField(max_length=7)  # YYYY-MM
    place_kind = fields.CharField(max_length=16)  # lsoa, postcode, station, place
    place_code = fields.CharField(max_length=80)
    category = fields.CharField(max_length=60, default="")
    count = fields.IntField()
    data_import_id = fields.IntField()

    class Meta:
        table = "partnership_aggregate_cell"
        indexes = (("area", "source", "period"),)


class SurfaceRevision(Model):
    """The served risk surface of an area: bumped when an import builds a new one; `previous` allows rollback."""

    area = fields.CharField(max_length=64, primary_key=True)
    revision = fields.IntField(default=0)
    surface_file = fields.CharField(max_length=300, default="")
    previous_file = fields.CharField(max_length=300, default="")
    layers: fields.Field[Any] = fields.JSONField(default=list)
    built_at = fields.DatetimeField(null=True)

    class Meta:
        table = "partnership_surface_revision"
