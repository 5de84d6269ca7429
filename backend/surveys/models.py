"""Survey windows, anonymous answers, the device-once check and held free text: four tables on purpose.

Nothing links an answer to a device: the device table holds only a keyed hash per window, no time and no
reference to the answer, and an answer keeps only its month, never its day or time.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

FREE_TEXT_STATUSES = ("held", "approved", "removed")


class SurveyWindow(Model):
    """When a survey is open: set by an editor in the console (the survey files carry no dates)."""

    id = fields.IntField(primary_key=True)
    survey = fields.CharField(max_length=64, db_index=True)
    opens_on = fields.DateField()
    closes_on = fields.DateField()
    opened_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # the questions' version live when it opened: a change published later applies from the next period
    survey_version = fields.IntField(null=True)

    class Meta:
        table = "surveys_window"


class SurveyResponse(Model):
    """One device's answers in one window: the month, the age tier and school it chose to give, the answers."""

    id = fields.IntField(primary_key=True)
    survey = fields.CharField(max_length=64, db_index=True)
    survey_version = fields.IntField()
    window_id = fields.IntField(db_index=True)
    month = fields.CharField(max_length=7)  # 2026-12: no day, so an answer cannot be matched to a log line
    tier = fields.CharField(max_length=8, null=True)
    school_urn = fields.CharField(max_length=16, null=True)
    area = fields.CharField(max_length=64, null=True)
    answers: fields.Field[dict] = fields.JSONField()  # type: ignore[type-arg]

    class Meta:
        table = "surveys_response"


class SurveyDevice(Model):
    """HMAC(server key, window, device token): a device answers once per window; nothing else is kept."""

    token_hash = fields.CharField(max_length=64, primary_key=True)
    window_id = fields.IntField(db_index=True)

    class Meta:
        table = "surveys_device"


class SurveyFreeText(Model):
    """Free text, when a survey allows it, waits here for an editor and never appears in a report."""

    id = fields.IntField(primary_key=True)
    survey = fields.CharField(max_length=64, db_index=True)
    window_id = fields.IntField()
    area = fields.CharField(max_length=64, db_index=True)
    question = fields.CharField(max_length=40)
    text = fields.TextField()
    month = fields.CharField(max_length=7)
    status = fields.CharField(max_length=8, default="held", db_index=True)
    reviewed_by_id = fields.IntField(null=True)
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "surveys_free_text"


class PerceivedLayer(Model):
    """Whether an area's officers feed the survey's 'where I feel unsafe' squares into routing (off by default)."""

    area = fields.CharField(max_length=64, primary_key=True)
    enabled = fields.BooleanField(default=False)
    changed_by_id = fields.IntField(null=True)
    changed_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "surveys_perceived_layer"


EDITION_STATUSES = ("draft", "published")


class SurveyEdition(Model):
    """An editor's change to a survey's questions: a draft, then (published by a second editor) a new version."""

    id = fields.IntField(primary_key=True)
    survey = fields.CharField(max_length=64, db_index=True)
    version = fields.IntField()
    definition: fields.Field[dict] = fields.JSONField()  # type: ignore[type-arg]
    status = fields.CharField(max_length=10, default="draft")
    author_id = fields.IntField(null=True)
    published_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "surveys_edition"
