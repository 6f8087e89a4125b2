"""The secretariat group the directory's permissions (newstart/directory/rules.py) are granted to."""

from django.db import migrations

SECRETARIAT_GROUP = "secretariat"  # as newstart.directory.rules.SECRETARIAT_GROUP


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=SECRETARIAT_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("directory", "0002_admin_history_and_verification_queue"),
    ]

    # Leaving the group in place on reversal: it may have members and other permissions.
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
