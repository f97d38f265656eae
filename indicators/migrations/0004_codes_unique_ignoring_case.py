"""Indicator codes unique within a strategy ignoring case (s1 and S1 are one indicator): the
constraint moves to ``Lower("code")``. Codes that differ only by case stop the migration first,
with the list to rename (``strategies.case_duplicates``)."""

import django.db.models.functions.text
from django.db import migrations, models
from django.utils.translation import gettext_lazy as _

from strategies.case_duplicates import refuse_case_duplicates


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_import_export_permissions"),
    ]

    operations = [
        migrations.RunPython(
            refuse_case_duplicates("indicators", "Indicator", [("code", _("indicateurs"))]),
            migrations.RunPython.noop,
        ),
        migrations.RemoveConstraint(
            model_name="indicator",
            name="indicator_unique_code_per_strategy",
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("code"),
                models.F("strategy"),
                name="indicator_unique_code_per_strategy",
                violation_error_message="Ce code d'indicateur est déjà utilisé dans la stratégie.",
            ),
        ),
    ]
