"""Run by the PREVIOUS code's interpreter setup (its tree first on the path, its settings), after
its ``migrate`` and ``load_demo``: the secretariat changes a proposal, a workshop and a decision
as the old admin would (a history record with its user and reason, an admin log entry each), then
the facts to carry over are printed as JSON on the last line.

Only Django's own API and the old app labels (``projects.Proposal``, ``cockpit.Workshop``): this
file must run on the code from before the apps moved.
"""

from __future__ import annotations

import json
import os
import sys

import django

REASON = "Revu par le secrétariat avant la mise à jour"
TITLE_SUFFIX = " (revu avant la mise à jour)"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
    django.setup()

    from database_facts import read_facts
    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth import get_user_model

    import cockpit

    editor = get_user_model().objects.get(username="secretariat")
    edited = {}
    for label, field in (
        ("projects.Proposal", "title"),
        ("cockpit.Workshop", "title"),
        ("cockpit.Decision", "text"),
    ):
        obj = apps.get_model(label).objects.order_by("pk").first()
        setattr(obj, field, getattr(obj, field) + TITLE_SUFFIX)
        obj._history_user = editor
        obj._change_reason = REASON
        obj.save()
        entry = LogEntry.objects.log_actions(
            editor.pk,
            [obj],
            CHANGE,
            change_message=[{"changed": {"fields": [field]}}],
            single_object=True,
        )
        edited[label] = {
            "pk": obj.pk,
            "field": field,
            "value": getattr(obj, field),
            "history_id": obj.history.latest().history_id,
            "log_entry": entry.pk,
        }

    print(
        json.dumps(
            {"cockpit_package": os.path.dirname(cockpit.__file__), "edited": edited, **read_facts()}
        )
    )


if __name__ == "__main__":
    sys.exit(main())
