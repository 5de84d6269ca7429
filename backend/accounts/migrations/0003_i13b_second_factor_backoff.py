import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_totp_last_step")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="failed_logins",
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name="User",
            name="failed_logins_notice",
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name="User",
            name="last_failed_login_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="User",
            name="recovery_code_hashes",
            field=fields.JSONField(
                default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
            ),
        ),
    ]
