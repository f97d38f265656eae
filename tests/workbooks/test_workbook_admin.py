"""The strategy workbook in the admin, driven with the test client: the box on the strategy's
page, the download, the upload → preview → confirmation of an editor, and who may do it."""

from __future__ import annotations

import io
import zipfile
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from demo import data as demo_data
from projects.models import Project
from spreadsheets import uploads as shared_uploads
from strategies.models import Membership
from tests.factories import MembershipFactory, StrategyFactory, UserFactory
from tests.workbooks.books import open_book, save
from workbooks import uploads
from workbooks.export import export_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(name: str, strategy) -> str:
    return reverse(f"admin:strategies_strategy_{name}", args=[strategy.pk])


def upload(client, strategy, content: bytes, name: str = "classeur.xlsx"):
    return client.post(
        url("workbook_import", strategy),
        {"workbook": SimpleUploadedFile(name, content, content_type=XLSX_TYPE)},
    )


@pytest.fixture
def secretariat(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


def editor_elsewhere(demo) -> Client:
    """An editor of another territory, with the secretariat's permissions, logged in."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=demo_data.SECRETARIAT_GROUP))
    MembershipFactory(user=user, territory=StrategyFactory().territory, role="editor")
    client = Client()
    client.force_login(user)
    return client


def edited_workbook(demo) -> tuple[bytes, str]:
    book = open_book(export_workbook(demo))
    code = book["Projets"].cell(row=2, column=1).value
    book["Projets"].cell(row=2, column=2).value = "Titre revu en atelier"
    return save(book), code


def test_the_strategy_page_offers_the_workbook_box(secretariat, demo):
    response = secretariat.get(url("change", demo))

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Classeur de la stratégie" in html
    assert f'href="{url("workbook", demo)}"' in html and "Télécharger le classeur" in html
    assert f'href="{url("workbook_import", demo)}"' in html and "Importer un classeur" in html


def test_the_editor_downloads_the_strategy_workbook(secretariat, demo):
    response = secretariat.get(url("workbook", demo))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="classeur-sdi-')
    assert open_book(response.content).sheetnames[:3] == ["Mode d'emploi", "Stratégie", "Axes"]


def kept_uploads() -> int:
    """The uploads kept for a confirmation (spreadsheets/uploads.py: a table of the database)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {caches[shared_uploads.CACHE]._table}")
        return cursor.fetchone()[0]


def test_an_editor_uploads_previews_then_confirms_a_workbook(secretariat, demo):
    content, code = edited_workbook(demo)

    preview = upload(secretariat, demo, content, name="sdi-revu.xlsx")

    html = unescape(preview.content.decode())
    assert preview.status_code == 200
    assert preview.context["result"].counts()["Projets"] == (0, 1, demo.projects.count() - 1)
    assert "Titre revu en atelier" in html and "Confirmer l'import" in html
    assert 'name="import_file_name"' not in html and "sdi-revu.xlsx" not in html
    assert Project.objects.get(strategy=demo, code=code).title != "Titre revu en atelier"
    assert kept_uploads() == 1

    done = secretariat.post(url("workbook_confirm", demo))

    assert done.status_code == 302 and done["Location"] == url("change", demo)
    assert Project.objects.get(strategy=demo, code=code).title == "Titre revu en atelier"
    entry = LogEntry.objects.filter(object_id=str(demo.pk)).latest("action_time")
    assert entry.get_change_message() == (
        "Import du classeur « sdi-revu.xlsx » : 0 élément(s) créé(s), 1 modifié(s)."
    )
    assert kept_uploads() == 0

    again = secretariat.post(url("workbook_confirm", demo), follow=True)

    assert "Le classeur de l'aperçu n'est plus disponible" in unescape(again.content.decode())


def test_a_preview_with_errors_offers_no_confirmation(secretariat, demo):
    book = open_book(export_workbook(demo))
    book["Projets"].cell(row=3, column=4).value = "m99"

    preview = upload(secretariat, demo, save(book))

    html = unescape(preview.content.decode())
    assert "Ce classeur ne peut pas être importé tel quel" in html
    assert "Mesure « m99 » introuvable" in html and "Confirmer l'import" not in html
    with pytest.raises(uploads.Refused):
        uploads.take(preview.wsgi_request, demo)


def test_the_confirmation_of_another_session_finds_no_workbook(secretariat, demo):
    content, code = edited_workbook(demo)
    upload(secretariat, demo, content)
    other = Client()
    other.force_login(get_user_model().objects.get(username="secretariat"))

    response = other.post(url("workbook_confirm", demo))

    assert response.status_code == 302
    assert response["Location"] == url("workbook_import", demo)
    assert Project.objects.get(strategy=demo, code=code).title != "Titre revu en atelier"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Code;Titre\np1;Un projet\n", "Le classeur d'une stratégie est un fichier Excel"),
        (b"%PDF-1.4 rien", "Le classeur d'une stratégie est un fichier Excel"),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_a_french_message(secretariat, demo, content, message):
    response = upload(secretariat, demo, content)

    assert response.status_code == 200
    assert message in unescape(response.content.decode())


def test_a_zip_bomb_gets_a_french_message(secretariat, demo):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)

    response = upload(secretariat, demo, buffer.getvalue())

    assert response.status_code == 200
    assert "il est refusé par sécurité" in unescape(response.content.decode())


@pytest.mark.parametrize("page", ["workbook", "workbook_import", "workbook_confirm"])
def test_another_territory_editor_finds_no_such_strategy(demo, page):
    client = editor_elsewhere(demo)

    response = (
        client.post(url(page, demo)) if page == "workbook_confirm" else client.get(url(page, demo))
    )

    assert response.status_code == 404


def test_an_editor_without_the_import_permissions_is_refused(demo):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, territory=demo.territory, role=Membership.Role.EDITOR)
    client = Client()
    client.force_login(user)

    assert client.get(url("workbook_import", demo)).status_code == 403
    assert client.get(url("workbook", demo)).status_code == 403


def test_a_commission_member_is_sent_to_the_login(member_client, demo):
    response = member_client.get(url("workbook", demo))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_upload_without_the_csrf_token_is_refused(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="secretariat"))
    content, _code = edited_workbook(demo)

    response = upload(client, demo, content)

    assert response.status_code == 403


def test_the_confirmation_is_a_post(secretariat, demo):
    assert secretariat.get(url("workbook_confirm", demo)).status_code == 405
