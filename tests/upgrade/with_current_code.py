"""Run by the CURRENT code on the database that the previous code built and the current code then
migrated: reads what was carried over, then the demo's editor logs in and works through the admin
(Django's test client): edits a proposal, imports a project, reads the proposal's history and the
log entries made before the upgrade. Prints what it saw as JSON on the last line; the test
(``test_upgrade_from_previous_code.py``) asserts.

Argument: the JSON that ``with_previous_code.py`` printed.
"""

from __future__ import annotations

import json
import os
import sys
from html import unescape

import django

EDITOR, PASSWORD = "secretariat", "demo"
NEW_TITLE = "Titre revu après la mise à jour"
IMPORTED = {"code": "p90", "title": "Projet importé après la mise à jour", "measure": "m1"}
# The permissions of the moved models, as the previous code's demo gave them to the secretariat.
MOVED_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, models in (
        ("prioritisation", ("proposal", "criterion", "score")),
        ("workshops", ("workshop", "decision", "agendaitem")),
    )
    for model in models
    for action in ("add", "change", "delete", "view")
]


def main() -> None:
    before = json.loads(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")
    django.setup()

    from database_facts import read_facts
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from prioritisation.models import Proposal
    from projects.models import Project
    from strategies.models import Strategy
    from tests.import_files import confirm, upload, xlsx
    from tests.territories import admin_form_data

    setup_test_environment()  # the client then sees each response's context
    seen: dict = {"facts": read_facts()}  # before the editor changes anything

    client = Client()
    login = client.post(reverse("login"), {"username": EDITOR, "password": PASSWORD})
    seen["login"] = {"status": login.status_code, "location": login.get("Location")}
    editor = get_user_model().objects.get(username=EDITOR)
    seen["permissions"] = {name: editor.has_perm(name) for name in MOVED_PERMISSIONS}

    # (b) The editor edits the proposal the previous code changed.
    proposal = Proposal.objects.get(pk=before["edited"]["projects.Proposal"]["pk"])
    change_url = reverse("admin:prioritisation_proposal_change", args=[proposal.pk])
    page = client.get(change_url)
    saved = (
        client.post(change_url, admin_form_data(page, title=NEW_TITLE))
        if page.status_code == 200
        else None
    )
    proposal.refresh_from_db()
    seen["edit"] = {
        "page": page.status_code,
        "save": saved and saved.status_code,
        "location": saved and saved.get("Location"),
        "errors": str(saved.context["adminform"].form.errors)
        if saved and saved.status_code == 200
        else "",
        "title": proposal.title,
        "history_user": proposal.history.latest().history_user.username,
    }

    # (c) The editor imports a project into the demo strategy through the admin.
    strategy = Strategy.objects.get(pk=proposal.strategy_id)
    preview = upload(
        client,
        Project,
        strategy,
        xlsx(["Code", "Titre", "Mesure"], [list(IMPORTED.values())]),
        name="projets.xlsx",
    )
    result = preview.context["result"] if preview.status_code == 200 else None
    done = confirm(client, Project, preview) if result is not None else None
    project = Project.objects.filter(strategy=strategy, code=IMPORTED["code"]).first()
    seen["import"] = {
        "preview": preview.status_code,
        "counts": result.counts if result is not None else None,
        "confirm": done.status_code if done is not None else None,
        "location": done.get("Location") if done is not None else None,
        "project": None
        if project is None
        else {
            "title": project.title,
            "measure": project.measure.code,
            "history_user": project.history.latest().history_user.username,
        },
    }

    # (d) The editor reads the proposal's history, with the change made by the previous code.
    history_url = reverse("admin:prioritisation_proposal_history", args=[proposal.pk])
    history = client.get(history_url)
    html = unescape(history.content.decode())
    seen["history"] = {
        "status": history.status_code,
        "records": [record.history_id for record in history.context["page_obj"].object_list]
        if history.status_code == 200
        else [],
        "html": html,
        "old_url": client.get(f"/admin/projects/proposal/{proposal.pk}/history/").get("Location"),
    }
    seen["log_entries"] = {}
    for pk in before["log_entries"]:
        entry = LogEntry.objects.get(pk=pk)
        try:
            edited = entry.get_edited_object()
            found = f"{edited._meta.label}:{edited.pk}"
        except Exception as error:  # a content type of no model: detached
            found = repr(error)
        url = entry.get_admin_url()
        seen["log_entries"][pk] = {
            "content_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "object": found,
            "admin_url": url,
            "admin_url_status": client.get(url).status_code if url else None,
        }
    seen["admin_index"] = client.get(reverse("admin:index")).status_code

    # (e) The workshop's and the decision's pages and histories open.
    seen["pages"] = {
        label: {
            view: client.get(
                reverse(f"admin:workshops_{label}_{view}", args=[edited["pk"]])
            ).status_code
            for view in ("change", "history")
        }
        for label, edited in (
            ("workshop", before["edited"]["cockpit.Workshop"]),
            ("decision", before["edited"]["cockpit.Decision"]),
        )
    }

    print(json.dumps(seen))


if __name__ == "__main__":
    sys.exit(main())
