"""Every page the issue names links to its guide's section, and every such link lands on a guide
that has that section, in French and in English. The help pages need no login."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from guides.links import HELP_LINKS
from guides.templatetags.guides import help_url
from indicators.models import Indicator, Status
from projects.marks import Mark
from projects.models import Project
from rounds import services
from strategies.models import Axis, Measure
from tests.import_files import admin_url, upload, xlsx
from tests.rounds.conftest import build, link_path
from workshops.models import Workshop

User = get_user_model()


def in_language(language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.cookies["django_language"] = language
    return client


def ids_in(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("page", HELP_LINKS)
def test_every_help_link_lands_on_its_section_in_both_languages(db, page, language):
    url = help_url(page)
    path, anchor = url.split("#")

    response = in_language(language).get(path)

    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert anchor in ids_in(html), f"{url}: no section #{anchor} in the {language} guide"


def member(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def page_paths(demo) -> dict[str, tuple[str, str]]:
    """Each help link's page name → (who opens it, the page's path)."""
    base = f"/strategies/{demo.pk}"
    axis = Axis.objects.get(strategy=demo, number=1)
    indicator = Indicator.objects.filter(axis__strategy=demo).order_by("code").first()
    workshop = Workshop.objects.filter(strategy=demo).order_by("number").first()
    return {
        "cockpit": ("commission", f"{base}/"),
        "axis": ("commission", f"{base}/axes/{axis.pk}/"),
        "indicator": ("commission", f"{base}/indicateurs/{indicator.pk}/"),
        "calendar": ("commission", f"{base}/calendrier/"),
        "communes": ("commission", f"{base}/communes/"),
        "workshop": ("commission", f"{base}/ateliers/{workshop.pk}/"),
        "proposals": ("commission", f"{base}/propositions/"),
        "ranking": ("commission", f"{base}/priorisation/"),
        "scoring": ("secretariat", f"{base}/priorisation/notes/"),
        "import": ("secretariat", "/admin/projects/project/import/"),
        "workbook": ("secretariat", f"/admin/strategies/strategy/{demo.pk}/classeur/importer/"),
    }


@pytest.mark.parametrize(
    "page",
    [
        "cockpit",
        "axis",
        "indicator",
        "calendar",
        "communes",
        "workshop",
        "proposals",
        "ranking",
        "scoring",
        "import",
        "workbook",
    ],
)
def test_each_page_links_to_its_own_help_section(demo, page):
    username, path = page_paths(demo)[page]

    response = member(username).get(path)

    assert response.status_code == 200
    assert f'href="{help_url(page)}"' in response.content.decode()


def test_the_workshops_list_links_to_the_workshop_section(demo):
    response = member("commission").get(f"/strategies/{demo.pk}/ateliers/")

    assert f'href="{help_url("workshop")}"' in response.content.decode()


def test_the_update_round_page_links_to_the_project_leads_guide_without_an_account(
    db, django_capture_on_commit_callbacks
):
    portfolio = build()
    with django_capture_on_commit_callbacks(execute=True):
        services.open_round(portfolio.strategy, datetime.date(2030, 3, 31), "Merci !")
    message = next(m for m in mail.outbox if m.to == [portfolio.anne.email])

    response = Client().get(link_path(message.body))

    assert response.status_code == 200
    assert f'href="{help_url("update_round")}"' in response.content.decode()
    guide = Client().get(help_url("update_round").split("#")[0])
    assert guide.status_code == 200


def test_a_refused_import_confirmation_links_to_what_to_do(demo):
    client = member("secretariat")
    preview = upload(
        client, Project, demo, xlsx(["Code", "Titre", "Mesure"], [["p90", "Neuf", "m1"]])
    )
    form = preview.context["confirm_form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    # The confirmation of a projects' preview posted to the measures' import: refused.
    response = client.post(admin_url(Measure, "process_import"), data)

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert f'href="{help_url("import_refused")}"' in html


def test_the_header_question_mark_opens_the_guides_on_every_page(demo):
    html = member("commission").get(f"/strategies/{demo.pk}/").content.decode()

    assert re.search(r'<a class="help[^"]*" href="/aide/"', html)


def test_the_guides_are_public_and_list_every_guide(db):
    response = Client().get("/aide/")

    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("commission", "secretariat", "porteurs-de-projet", "installation"):
        assert f'href="/aide/{slug}/"' in html


def test_an_unknown_guide_answers_404(db):
    assert Client().get("/aide/inconnu/").status_code == 404


def test_a_help_page_runs_under_the_strict_content_security_policy(db):
    response = Client().get("/aide/commission/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html


def test_the_guide_writes_the_marks_and_statuses_as_the_cockpit_does(demo):
    """One vocabulary: the guide's words for a late project and an off-track indicator are the
    cockpit's own (symbol and word)."""
    guide = unescape(Client().get("/aide/commission/").content.decode())
    cockpit = unescape(member("commission").get(f"/strategies/{demo.pk}/").content.decode())

    for text in (Mark.LATE.text, Status.OFF_TRACK.text):
        assert text in guide
        assert text.split(" ", 1)[1] in cockpit
