import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("havens", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Haven",
            name="caveat",
            field=fields.TextField(default="", unique=False),
        ),
        ops.AddField(
            model_name="Haven",
            name="source_date",
            field=fields.CharField(default="", max_length=10),
        ),
        ops.AddField(
            model_name="Haven",
            name="source_name",
            field=fields.CharField(default="", max_length=120),
        ),
        ops.AddField(
            model_name="HelpService",
            name="evidence",
            field=fields.TextField(default="", unique=False),
        ),
        ops.AddField(
            model_name="HelpService",
            name="source_date",
            field=fields.CharField(default="", max_length=10),
        ),
        ops.AddField(
            model_name="HelpService",
            name="verified_by",
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name="KeyMessage",
            name="last_edited_by",
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name="KeyMessage",
            name="owner",
            field=fields.CharField(default="", max_length=80),
        ),
        ops.AddField(
            model_name="KeyMessage",
            name="review_by",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="KeyMessage",
            name="reviewed_by",
            field=fields.CharField(default="", max_length=80),
        ),
        ops.AddField(
            model_name="KeyMessage",
            name="reviewed_on",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="KeyMessage",
            name="sources",
            field=fields.JSONField(
                default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
            ),
        ),
    ]
