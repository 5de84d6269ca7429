"""Officer hotspots: places officers want routes to avoid for a while (circle or polygon, weight, windows)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Hotspot(Model):
    """A circle (lat, lon, radius_m) or a GeoJSON polygon, active in `windows` until `expires_at`."""

    id = fields.IntField(primary_key=True)
    area = fields.CharField(max_length=64, db_index=True)
    lat = fields.FloatField(null=True)
    lon = fields.FloatField(null=True)
    radius_m = fields.FloatField(null=True)
    polygon: fields.Field[Any] = fields.JSONField(null=True)
    weight = fields.FloatField(default=2.0)
    windows: fields.Field[Any] = fields.JSONField(default=list)
    expires_at = fields.DatetimeField(null=True)
    created_by = fields.IntField(null=True)
    notes = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "hotspots_hotspot"
        table_description = "Officer hotspot feeding the routing risk surface."


class HotspotRevision(Model):
    """One counter per area, bumped on every hotspot change: a cheap check for other web workers."""

    area = fields.CharField(max_length=64, primary_key=True)
    revision = fields.IntField(default=0)

    class Meta:
        table = "hotspots_revision"
