from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="totp_last_step",
            field=fields.BigIntField(null=True),
        ),
    ]
