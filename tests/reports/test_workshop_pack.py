"""The Excel pack of a workshop: the cockpit, what changed since the previous workshop, and the
decisions; only for members of the territory."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from tests.factories import MembershipFactory, UserFactory
from workshops.models import Decision, Workshop


@pytest.fixture
def next_workshop(demo):
    return Workshop.objects.filter(strategy=demo, date__gt=timezone.localdate()).get()


def pack_url(workshop) -> str:
    return reverse("cockpit:workshop_pack", args=[workshop.strategy_id, workshop.pk])


def open_pack(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def column_values(sheet, header: str) -> list:
    headers = {}
    for row in sheet.iter_rows(min_row=1, max_row=6):
        for cell in row:
            if cell.value == header:
                headers = {"column": cell.column, "row": cell.row}
        if headers:
            break
    assert headers, f"no column {header!r} in {sheet.title}"
    return [
        sheet.cell(row=row, column=headers["column"]).value
        for row in range(headers["row"] + 1, sheet.max_row + 1)
    ]


def test_workshop_pack_lists_the_changes_since_the_previous_workshop(member_client, next_workshop):
    project = Project.objects.get(strategy=next_workshop.strategy, code="p4")
    project.status = Project.Status.BLOCKED
    project.save()

    workbook = open_pack(member_client.get(pack_url(next_workshop)))

    assert {"Synthèse", "Cockpit", "Changements", "Décisions"} <= set(workbook.sheetnames)
    subjects = [value for value in column_values(workbook["Changements"], "Objet") if value]
    assert any(str(subject).startswith("p4") for subject in subjects)


def test_workshop_pack_holds_the_open_and_recent_decisions(member_client, next_workshop):
    workbook = open_pack(member_client.get(pack_url(next_workshop)))
    texts = [value for value in column_values(workbook["Décisions"], "Décision") if value]
    expected = Decision.objects.filter(workshop__strategy=next_workshop.strategy, status="open")
    assert expected.exists()
    for decision in expected:
        assert decision.text in texts


def test_workshop_pack_file_name_says_strategy_workshop_and_date(member_client, next_workshop):
    response = member_client.get(pack_url(next_workshop))
    expected = f"SDI-2028_atelier-{next_workshop.number}_{next_workshop.date:%d.%m.%Y}.xlsx"
    assert expected in response["Content-Disposition"]


def test_workshop_pack_is_refused_to_other_territories(client, next_workshop):
    outsider = UserFactory()
    MembershipFactory(user=outsider)
    client.force_login(outsider)
    assert client.get(pack_url(next_workshop)).status_code == 404


def test_workshop_page_links_to_its_pack(member_client, next_workshop):
    url = reverse("cockpit:workshop", args=[next_workshop.strategy_id, next_workshop.pk])
    assert pack_url(next_workshop) in member_client.get(url).content.decode()


def test_a_past_workshop_date_is_in_its_pack_name(member_client, demo):
    past = Workshop.objects.filter(strategy=demo, date__lt=timezone.localdate()).first()
    response = member_client.get(pack_url(past))
    assert f"{past.date:%d.%m.%Y}.xlsx" in response["Content-Disposition"]
