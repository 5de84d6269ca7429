"""Surveys moved to their own domain (backend/surveys). The old table held answers to the API-only
`journey-home` trial survey, which had no period, area or device check and cannot be read with the new
definitions; it is dropped rather than carried over into reports that would mislead."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    initial = False

    operations = [
        ops.DeleteModel(name="SurveyResponse"),
    ]
