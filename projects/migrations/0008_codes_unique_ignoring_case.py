"""Project codes unique within a strategy ignoring case (k1 and K1 are one project): the
constraint moves to ``Lower("code")``. Codes that differ only by case stop the migration first,
with the list to rename (``strategies.case_duplicates``)."""

import django.db.models.functions.text
from django.db import migrations, models
from django.utils.translation import gettext_lazy as _

from strategies.case_duplicates import refuse_case_duplicates


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_axis_required"),
    ]

    operations = [
        migrations.RunPython(
            refuse_case_duplicates("projects", "Project", [("code", _("projets"))]),
            migrations.RunPython.noop,
        ),
        migrations.RemoveConstraint(
            model_name="project",
            name="project_unique_code_per_strategy",
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("code"),
                models.F("strategy"),
                name="project_unique_code_per_strategy",
                violation_error_message="Ce code de projet est déjà utilisé dans la stratégie.",
            ),
        ),
    ]
