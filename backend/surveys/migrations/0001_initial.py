import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="PerceivedLayer",
            fields=[
                ("area", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("enabled", fields.BooleanField(default=False)),
                ("changed_by_id", fields.IntField(null=True)),
                ("changed_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "surveys_perceived_layer",
                "app": "surveys",
                "pk_attr": "area",
                "table_description": "Whether an area's officers feed the survey's 'where I feel unsafe' squares into routing (off by default).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyDevice",
            fields=[
                ("token_hash", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("window_id", fields.IntField(db_index=True)),
            ],
            options={
                "table": "surveys_device",
                "app": "surveys",
                "pk_attr": "token_hash",
                "table_description": "HMAC(server key, window, device token): a device answers once per window; nothing else is kept.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyEdition",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey", fields.CharField(db_index=True, max_length=64)),
                ("version", fields.IntField()),
                (
                    "definition",
                    fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
                ("status", fields.CharField(default="draft", max_length=10)),
                ("author_id", fields.IntField(null=True)),
                ("published_by_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("published_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "surveys_edition",
                "app": "surveys",
                "pk_attr": "id",
                "table_description": "An editor's change to a survey's questions: a draft, then (published by a second editor) a new version.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyFreeText",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey", fields.CharField(db_index=True, max_length=64)),
                ("window_id", fields.IntField()),
                ("area", fields.CharField(db_index=True, max_length=64)),
                ("question", fields.CharField(max_length=40)),
                ("text", fields.TextField(unique=False)),
                ("month", fields.CharField(max_length=7)),
                ("status", fields.CharField(default="held", db_index=True, max_length=8)),
                ("reviewed_by_id", fields.IntField(null=True)),
                ("reviewed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "surveys_free_text",
                "app": "surveys",
                "pk_attr": "id",
                "table_description": "Free text, when a survey allows it, waits here for an editor and never appears in a report.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyResponse",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey", fields.CharField(db_index=True, max_length=64)),
                ("survey_version", fields.IntField()),
                ("window_id", fields.IntField(db_index=True)),
                ("month", fields.CharField(max_length=7)),
                ("tier", fields.CharField(null=True, max_length=8)),
                ("school_urn", fields.CharField(null=True, max_length=16)),
                ("area", fields.CharField(null=True, max_length=64)),
                (
                    "answers",
                    fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
            ],
            options={
                "table": "surveys_response",
                "app": "surveys",
                "pk_attr": "id",
                "table_description": "One device's answers in one window: the month, the age tier and school it chose to give, the answers.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyWindow",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("survey", fields.CharField(db_index=True, max_length=64)),
                ("opens_on", fields.DateField()),
                ("closes_on", fields.DateField()),
                ("opened_by_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("survey_version", fields.IntField(null=True)),
            ],
            options={
                "table": "surveys_window",
                "app": "surveys",
                "pk_attr": "id",
                "table_description": "When a survey is open: set by an editor in the console (the survey files carry no dates).",
            },
            bases=["Model"],
        ),
    ]
