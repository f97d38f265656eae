"""An index of a project's history by project and date: ``Project.last_news_expression`` looks for
the latest record that differs from the project, then the first record after it, for every row
of the cockpit, whose subqueries otherwise read and sort the project's whole history once per
record (seconds for a project with 1,000 records). django-simple-history's own indexes are on
the date alone, or on (date, project): neither serves "this project's records, latest first".
Plain SQL, the same on SQLite and PostgreSQL; no model state (the historical model is generated).
"""

from django.db import migrations

INDEX = "projects_historicalproject_id_date"


class Migration(migrations.Migration):
    dependencies = [("projects", "0011_project_confirmed_at")]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX "{INDEX}" ON "projects_historicalproject" ("id", "history_date")',
            f'DROP INDEX "{INDEX}"',
        )
    ]
