"""The content types of the moved models follow them: cockpit.workshop becomes workshops.workshop,
projects.proposal becomes prioritisation.proposal, and so on (their history models too).

Renaming the content type row keeps everything that points at it attached: the permissions (so the
secretariat's group keeps "change proposal" and the rest), the admin's log entries and any object
permission. Should a content type of the new name already exist (a ``migrate`` interrupted after
Django created it), what points at it moves to the old row first and the empty one is dropped.
"""

from django.db import migrations

MOVES = {
    ("cockpit", "workshops"): (
        "workshop",
        "historicalworkshop",
        "agendaitem",
        "decision",
        "historicaldecision",
    ),
    ("projects", "prioritisation"): (
        "criterion",
        "proposal",
        "historicalproposal",
        "score",
        "historicalscore",
    ),
}


def relabel(apps, schema_editor, *, backwards: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    db = schema_editor.connection.alias
    for (old_label, new_label), models in MOVES.items():
        source, target = (new_label, old_label) if backwards else (old_label, new_label)
        for model in models:
            moving = ContentType.objects.using(db).filter(app_label=source, model=model).first()
            if moving is None:
                continue
            there = ContentType.objects.using(db).filter(app_label=target, model=model).first()
            if there is not None:
                kept = set(
                    Permission.objects.using(db)
                    .filter(content_type=moving)
                    .values_list("codename", flat=True)
                )
                Permission.objects.using(db).filter(
                    content_type=there, codename__in=kept
                ).delete()
                Permission.objects.using(db).filter(content_type=there).update(
                    content_type=moving
                )
                LogEntry.objects.using(db).filter(content_type=there).update(content_type=moving)
                there.delete()
            moving.app_label = target
            moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor) -> None:
    relabel(apps, schema_editor, backwards=False)


def backwards(apps, schema_editor) -> None:
    relabel(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cockpit", "0002_workshops_move_out"),
        ("prioritisation", "0001_initial"),
        ("projects", "0005_prioritisation_moves_out"),
        ("workshops", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
