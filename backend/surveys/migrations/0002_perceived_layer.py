from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    initial = False

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
    ]
