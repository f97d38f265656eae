"""A column the import does not know (a clerk's « Remarques internes ») is ignored and named in a
warning of the preview, for every resource; the file is not refused for it."""

from html import unescape

import pytest

from indicators.models import Indicator, IndicatorValue
from indicators.resources import IndicatorResource, IndicatorValueResource
from projects.models import Project
from projects.resources import ProjectResource
from spreadsheets.formats import XLSX
from strategies.models import Measure
from strategies.resources import MeasureResource
from tests.factories import IndicatorValueFactory, ProjectFactory
from tests.import_files import confirm, dataset, open_xlsx, save, upload

pytestmark = pytest.mark.django_db

RESOURCES = {
    MeasureResource: (Measure, "mesures"),
    ProjectResource: (Project, "projets"),
    IndicatorResource: (Indicator, "indicateurs"),
    IndicatorValueResource: (IndicatorValue, "valeurs d'indicateur"),
}


@pytest.fixture
def filled(strategy):
    """A strategy with a measure, a project, an indicator and a value."""
    project = ProjectFactory(measure__domain__axis__strategy=strategy)
    IndicatorValueFactory(indicator__axis=project.measure.domain.axis)
    return strategy


def with_remarks(content: bytes) -> bytes:
    """An exported file with a column of the clerk's own added between the others."""
    workbook = open_xlsx(content)
    sheet = workbook.active
    sheet.insert_cols(2)
    sheet.cell(row=1, column=2, value="Remarques internes")
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=2, value="à revoir avec le service technique")
    return save(workbook)


def exported(resource_class, model, strategy) -> bytes:
    rows = model._default_manager.filter(**{resource_class.scope_path: strategy})
    return XLSX().export_data(resource_class().export(rows, force_native_type=True))


@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda cls: cls.__name__)
def test_an_unknown_column_is_ignored_and_named_in_a_warning(filled, resource_class):
    model, rows = RESOURCES[resource_class]
    content = with_remarks(exported(resource_class, model, filled))

    result = resource_class(strategy=filled).import_data(dataset(content), dry_run=True)

    assert result.file_errors == [] and result.problems == []
    assert result.counts == {"new": 0, "update": 0, "skip": 1, "invalid": 0}
    assert result.warnings == [
        f"Colonne ignorée : « Remarques internes » (inconnue pour les {rows})."
    ]


def test_a_file_with_only_known_columns_has_no_warning(filled):
    content = exported(ProjectResource, Project, filled)

    result = ProjectResource(strategy=filled).import_data(dataset(content), dry_run=True)

    assert result.warnings == []


def test_the_preview_shows_the_warning_and_the_import_goes_ahead(admin_client, filled):
    measure = Measure.objects.get(strategy=filled)
    workbook = open_xlsx(exported(ProjectResource, Project, filled))
    workbook.active.append(["p99", "Vélos", measure.code])
    content = with_remarks(save(workbook))

    preview = upload(admin_client, Project, filled, content)

    html = unescape(preview.content.decode())
    assert "Colonne ignorée : « Remarques internes » (inconnue pour les projets)." in html
    assert preview.context["confirm_form"] is not None
    confirm(admin_client, Project, preview)
    created = Project.objects.get(strategy=filled, code="p99")
    assert created.title == "Vélos" and "revoir" not in created.description


def test_a_file_without_its_key_column_is_still_refused_naming_the_unknown_ones(
    admin_client, filled
):
    content = with_remarks(exported(ProjectResource, Project, filled))
    workbook = open_xlsx(content)
    workbook.active.delete_cols(1)  # the code

    response = upload(admin_client, Project, filled, save(workbook))

    message = unescape(" ".join(response.context["form"].errors["import_file"]))
    assert message.startswith(
        "Colonnes inconnues : « Remarques internes ». Colonnes obligatoires absentes : « Code »."
    )


def test_the_warning_is_shown_beside_the_errors_of_a_bad_file(admin_client, filled):
    workbook = open_xlsx(exported(ProjectResource, Project, filled))
    workbook.active.append(["p99", "Vélos", "m-inconnue"])

    preview = upload(admin_client, Project, filled, with_remarks(save(workbook)))

    html = unescape(preview.content.decode())
    assert "Aucune mesure de code « m-inconnue »" in html
    assert "Colonne ignorée : « Remarques internes » (inconnue pour les projets)." in html
    assert preview.context.get("confirm_form") is None
