from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("havens", "0002_i10_review_and_verification")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PartnerWebsite",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=200)),
                ("url", fields.CharField(max_length=500)),
                ("kind", fields.CharField(default="other", max_length=32)),
                ("area", fields.CharField(default="", max_length=64)),
                ("added_by", fields.CharField(default="", max_length=254)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("checked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("result", fields.CharField(default="", max_length=32)),
                ("status", fields.IntField(null=True)),
                ("final_url", fields.CharField(default="", max_length=2048)),
                ("content_sha256", fields.CharField(default="", max_length=64)),
                ("content_changed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("changed_since_last_check", fields.BooleanField(default=False)),
            ],
            options={
                "table": "havens_partner_website",
                "app": "havens",
                "pk_attr": "id",
                "table_description": "A partner's web page staff keep an eye on (council, school, youth service...), with its last check.",
            },
            bases=["Model"],
        ),
    ]
