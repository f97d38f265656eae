"""Measure codes and operational objective codes unique within a strategy ignoring case (k1 and K1
are one measure): the constraints move to ``Lower(...)``. Codes that differ only by case stop the
migration first, with the list to rename (``strategies.case_duplicates``)."""

import django.db.models.functions.text
from django.db import migrations, models
from django.utils.translation import gettext_lazy as _

from strategies.case_duplicates import refuse_case_duplicates


class Migration(migrations.Migration):
    dependencies = [
        ("strategies", "0007_territory_currency"),
    ]

    operations = [
        migrations.RunPython(
            refuse_case_duplicates(
                "strategies",
                "Measure",
                [("code", _("mesures")), ("objective_code", _("objectifs opérationnels"))],
            ),
            migrations.RunPython.noop,
        ),
        migrations.RemoveConstraint(
            model_name="measure",
            name="measure_unique_code_per_strategy",
        ),
        migrations.RemoveConstraint(
            model_name="measure",
            name="measure_unique_objective_code_per_strategy",
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("code"),
                models.F("strategy"),
                name="measure_unique_code_per_strategy",
                violation_error_message="Ce code de mesure est déjà utilisé dans la stratégie.",
            ),
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("objective_code"),
                models.F("strategy"),
                condition=models.Q(("objective_code", ""), _negated=True),
                name="measure_unique_objective_code_per_strategy",
                violation_error_message=(
                    "Ce code d'objectif opérationnel est déjà utilisé dans la stratégie."
                ),
            ),
        ),
    ]
