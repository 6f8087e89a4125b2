"""The four focus areas, the 17 characteristics of a welcoming community and the role groups
(newstart/partnership/reference.py; `manage.py load_partnership_reference` does the same)."""

from django.db import migrations


def load(apps, schema_editor):
    from newstart.partnership.reference import reference_load

    reference_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("partnership", "0001_initial"),
    ]

    # Reversal leaves the rows: they may be referenced and edited by then.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
