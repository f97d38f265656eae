"""What the upgrade must carry over, read the same way by the previous code and by the current one
(``test_upgrade_from_previous_code.py``): only Django's own models and the moved models' tables,
which kept their names, so nothing here depends on which app a model lives in."""

from __future__ import annotations

from typing import Any

SECRETARIAT_GROUP = "Secrétariat"

# The tables of the models that moved (workshops out of cockpit, prioritisation out of projects).
MOVED_TABLES = (
    "cockpit_workshop",
    "cockpit_historicalworkshop",
    "cockpit_agendaitem",
    "cockpit_decision",
    "cockpit_historicaldecision",
    "projects_criterion",
    "projects_proposal",
    "projects_proposal_communes",
    "projects_historicalproposal",
    "projects_score",
    "projects_historicalscore",
)
HISTORY_TABLES = tuple(table for table in MOVED_TABLES if "_historical" in table)


def read_facts() -> dict[str, Any]:
    """Row counts, history rows, content types, the secretariat group's permissions and the admin
    log, as JSON-ready values."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in MOVED_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        history = {}
        for table in HISTORY_TABLES:
            cursor.execute(
                "SELECT history_id, id, history_type, history_user_id, history_change_reason "
                f"FROM {connection.ops.quote_name(table)} ORDER BY history_id"
            )
            history[table] = [[str(value) for value in row] for row in cursor.fetchall()]
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    return {
        "counts": counts,
        "history": history,
        "content_types": {
            f"{app_label}.{model}": pk
            for pk, app_label, model in ContentType.objects.values_list("pk", "app_label", "model")
        },
        "group_permissions": sorted(
            f"{app_label}.{model}.{codename}"
            for app_label, model, codename in group.permissions.values_list(
                "content_type__app_label", "content_type__model", "codename"
            )
        ),
        "log_entries": {
            str(pk): f"{app_label}.{model}"
            for pk, app_label, model in LogEntry.objects.values_list(
                "pk", "content_type__app_label", "content_type__model"
            )
        },
    }
