"""The secretariat's import and export of projects through the admin's views (the test client):
changelist tools, upload, preview, confirmation, template, and who may do what."""

from html import unescape

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.urls import reverse

from demo import data as demo_data
from projects.models import Project
from strategies.models import Measure, Membership, Strategy
from tests.factories import MeasureFactory, MembershipFactory, ProjectFactory, UserFactory
from tests.import_files import (
    admin_url,
    confirm,
    export,
    open_xlsx,
    rows_of,
    save,
    upload,
    xlsx,
)


@pytest.fixture
def secretariat(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


@pytest.fixture
def other_strategy(demo):
    """Another territory's strategy, with a project p1 of its own."""
    project = ProjectFactory(code="p1", title="Ailleurs")
    return project.strategy


def exported_projects(client) -> bytes:
    response = export(client, Project)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="projets-')
    return response.content


def test_the_changelist_offers_import_export_and_the_template(secretariat):
    response = secretariat.get(admin_url(Project, "changelist"))

    html = unescape(response.content.decode())
    assert admin_url(Project, "import") in html
    assert admin_url(Project, "export") in html
    assert admin_url(Project, "import_template") in html
    assert "Modèle d'import (xlsx)" in html


def test_the_secretariat_imports_one_change_through_the_admin(secretariat, demo):
    workbook = open_xlsx(exported_projects(secretariat))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    code = sheet.cell(row=2, column=1).value
    sheet.cell(row=2, column=headers.index("Titre") + 1).value = "Titre revu en atelier"

    preview = upload(secretariat, Project, demo, save(workbook), name="projets-revus.xlsx")

    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.counts == {"new": 0, "update": 1, "skip": demo.projects.count() - 1, "invalid": 0}
    html = unescape(preview.content.decode())
    assert "Titre revu en atelier" in html and "Confirmer l'import" in html
    assert Project.objects.get(strategy=demo, code=code).title != "Titre revu en atelier"

    done = confirm(secretariat, Project, preview)

    assert done.status_code == 302 and done["Location"] == admin_url(Project, "changelist")
    project = Project.objects.get(strategy=demo, code=code)
    assert project.title == "Titre revu en atelier"
    record = project.history.first()
    assert record.history_user.username == "secretariat"
    assert record.history_change_reason == "Import du fichier « projets-revus.xlsx »"
    entry = LogEntry.objects.get()
    assert entry.user.username == "secretariat"
    assert entry.object_repr == (
        f"Import de « projets-revus.xlsx » dans {demo} : 0 créé(s), 1 modifié(s)"
    )
    page = secretariat.get(done["Location"])
    assert "Import terminé : 0 créé(s), 1 modifié(s)" in unescape(page.content.decode())


def test_an_unchanged_export_has_nothing_to_confirm(secretariat, demo):
    preview = upload(secretariat, Project, demo, exported_projects(secretariat))

    assert preview.context["result"].counts["skip"] == demo.projects.count()
    html = unescape(preview.content.decode())
    assert "Ce fichier ne change rien" in html
    assert 'name="confirm"' not in html


def test_confirmation_is_not_offered_while_a_row_is_bad(secretariat, demo):
    content = xlsx(["Code", "Titre", "Mesure"], [["p90", "Nouveau", "m1"], ["p91", "X", "m999"]])

    preview = upload(secretariat, Project, demo, content)

    assert preview.context.get("confirm_form") is None
    html = unescape(preview.content.decode())
    assert "Ce fichier ne peut pas être importé tel quel" in html
    assert "Aucune mesure de code « m999 »" in html
    assert not Project.objects.filter(code__in=["p90", "p91"]).exists()


def test_a_confirmation_that_finds_a_bad_row_writes_nothing(secretariat, demo):
    """The data changed between the preview and the confirmation: the confirmed import checks
    every row again and rolls the whole file back."""
    measure = MeasureFactory(
        domain=Measure.objects.filter(strategy=demo).first().domain, code="m90"
    )
    content = xlsx(["Code", "Titre", "Mesure"], [["p90", "Bon", "m1"], ["p91", "Le sien", "m90"]])
    preview = upload(secretariat, Project, demo, content)
    assert preview.context["result"].counts["new"] == 2
    measure.delete()

    response = confirm(secretariat, Project, preview)

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "rien n'a été enregistré" in html
    assert "Aucune mesure de code « m90 »" in html
    assert not Project.objects.filter(code__in=["p90", "p91"]).exists()
    assert not LogEntry.objects.exists()


def test_a_preview_file_gone_missing_gets_a_message(secretariat, demo):
    preview = upload(
        secretariat, Project, demo, xlsx(["Code", "Titre", "Mesure"], [["p90", "A", "m1"]])
    )
    caches["uploads"].clear()

    response = confirm(secretariat, Project, preview, follow=True)

    assert "Le fichier de l'aperçu n'est plus disponible" in unescape(response.content.decode())
    assert not Project.objects.filter(code="p90").exists()


def test_the_empty_template_explains_each_column(secretariat, demo):
    response = secretariat.get(admin_url(Project, "import_template"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="modele-projets.xlsx"'
    workbook = open_xlsx(response.content)
    data, help_sheet = workbook.worksheets
    headers = [cell.value for cell in data[1]]
    assert headers[:5] == ["Code", "Titre", "Mesure", "Axe", "Priorité"]
    assert "Stratégie" not in headers
    example = dict(zip(headers, [cell.value for cell in data[2]], strict=True))
    assert example["Code"] == "p42" and example["Début"].year == 2026
    assert data["K2"].number_format == "DD.MM.YYYY"
    assert help_sheet.title == "Mode d'emploi"
    explained = {row[0]: row for row in help_sheet.iter_rows(values_only=True) if row[0] in headers}
    assert set(explained) == set(headers)
    assert explained["Statut"][3] == "à venir, en cours, réalisé, en pause, bloqué, abandonné"
    assert explained["Code"][1] == "oui" and explained["Titre"][1] == "oui, pour une nouvelle ligne"


def test_the_template_of_a_strategy_lists_its_codes(secretariat, demo):
    response = secretariat.get(admin_url(Project, "import_template") + f"?strategy={demo.pk}")

    reference = open_xlsx(response.content)["Valeurs de la stratégie"]
    columns = {
        column[0].value: [cell.value for cell in column[1:] if cell.value is not None]
        for column in reference.columns
    }
    assert columns["Communes"] == list(demo_data.COMMUNES)
    assert any(value.startswith("m1 – ") for value in columns["Mesure"])


def test_the_import_form_offers_a_template_per_strategy(secretariat, demo):
    html = unescape(secretariat.get(admin_url(Project, "import")).content.decode())

    assert f"import/modele/?strategy={demo.pk}" in html


def test_the_secretariat_group_may_import_and_export(demo):
    group = Group.objects.get(name=demo_data.SECRETARIAT_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {
        "import_project",
        "export_project",
        "import_measure",
        "export_measure",
        "import_indicator",
        "export_indicator",
        "import_indicatorvalue",
        "export_indicatorvalue",
    } <= codenames


def test_import_and_export_need_their_own_permissions():
    assert settings.IMPORT_EXPORT_IMPORT_PERMISSION_CODE == "import"
    assert settings.IMPORT_EXPORT_EXPORT_PERMISSION_CODE == "export"


@pytest.fixture
def viewer(client, demo):
    """An editor of the territory who may only view projects in the admin: no import or export
    permission. (A viewer membership does not open the admin at all: see the access matrix.)"""
    user = UserFactory(username="lectrice", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    MembershipFactory(user=user, territory=demo.territory, role=Membership.Role.EDITOR)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("method", "view"),
    [
        ("get", "import"),
        ("post", "import"),
        ("post", "process_import"),
        ("get", "export"),
        ("post", "export"),
        ("get", "import_template"),
    ],
)
def test_a_viewer_gets_403_on_import_and_export(viewer, demo, method, view):
    response = getattr(viewer, method)(admin_url(Project, view), {"strategy": demo.pk})

    assert response.status_code == 403


def test_a_viewer_sees_no_import_or_export_button(viewer):
    html = unescape(viewer.get(admin_url(Project, "changelist")).content.decode())

    assert admin_url(Project, "import") not in html
    assert admin_url(Project, "export") not in html


def test_a_commission_member_outside_the_admin_is_sent_to_log_in(member_client):
    response = member_client.get(admin_url(Project, "import"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_an_editor_cannot_import_into_another_territory(secretariat, demo, other_strategy):
    content = xlsx(["Code", "Titre"], [["p1", "Piraté"]])

    response = upload(secretariat, Project, other_strategy, content)

    assert response.status_code == 200
    assert "strategy" in response.context["form"].errors
    assert list(response.context["form"].fields["strategy"].queryset) == [demo]
    assert Project.objects.get(strategy=other_strategy, code="p1").title == "Ailleurs"


def test_a_confirmation_for_another_territory_is_refused(secretariat, demo, other_strategy):
    preview = upload(secretariat, Project, demo, xlsx(["Code", "Titre"], [["p1", "Piraté"]]))
    data = {k: v for k, v in preview.context["confirm_form"].initial.items() if v is not None}
    data["strategy"] = other_strategy.pk

    response = secretariat.post(admin_url(Project, "process_import"), data)

    assert response.status_code == 200
    assert "strategy" in response.context["confirm_form"].errors
    assert Project.objects.get(strategy=other_strategy, code="p1").title == "Ailleurs"
    assert Project.objects.get(strategy=demo, code="p1").title != "Piraté"


def test_an_export_holds_only_the_users_strategies(secretariat, demo, other_strategy):
    rows = rows_of(exported_projects(secretariat))

    assert len(rows) == demo.projects.count()
    assert {row["Stratégie"] for row in rows} == {str(demo)}


def test_a_superuser_chooses_among_every_strategy(client, demo, other_strategy):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))

    form = client.get(admin_url(Project, "import")).context["form"]

    assert set(form.fields["strategy"].queryset) == set(Strategy.objects.all())


def test_an_export_follows_the_changelist_filters(secretariat, demo):
    late = demo.projects.late().count()
    assert 0 < late < demo.projects.count()

    rows = rows_of(export(secretariat, Project, query="?late=yes").content)

    assert len(rows) == late


def test_a_csv_export_reimports_as_no_change(secretariat, demo):
    response = export(secretariat, Project, file_format=1)
    assert response["Content-Type"] == "text/csv; charset=utf-8"

    preview = upload(secretariat, Project, demo, response.content, name="projets.csv")

    assert preview.context["result"].problems == []
    assert preview.context["result"].counts["skip"] == demo.projects.count()


User = get_user_model()


def test_a_strategy_the_user_left_is_no_longer_offered(secretariat, demo):
    other = MembershipFactory(user=User.objects.get(username="secretariat"), role="editor")
    assert other.territory != demo.territory  # still an editor, elsewhere
    Membership.objects.filter(user__username="secretariat", territory=demo.territory).update(
        role=Membership.Role.VIEWER
    )

    response = upload(secretariat, Project, demo, xlsx(["Code", "Titre"], [["p1", "X"]]))

    assert "strategy" in response.context["form"].errors


def test_a_thousand_errors_are_listed_and_the_rest_counted(secretariat, demo):
    content = xlsx(["Code", "Titre", "Mesure"], [[f"x{n}", "X", "m404"] for n in range(1002)])

    response = upload(secretariat, Project, demo, content)

    assert len(response.context["result"].problems) == 1002
    html = unescape(response.content.decode())
    assert html.count("Aucune mesure de code « m404 »") == 1000
    assert "Les 1000 premières erreurs sont listées ci-dessus, sur 1002" in html
