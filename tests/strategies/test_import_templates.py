"""Every admin that imports (measures, projects, indicators, values) offers its template and its
export, with the same French columns, so that an exported file can be edited and brought back."""

import pytest
from django.contrib.auth import get_user_model

from demo import data as demo_data
from indicators.models import Indicator, IndicatorValue
from indicators.resources import IndicatorResource, IndicatorValueResource
from projects.models import Project
from projects.resources import ProjectResource
from spreadsheets.template import import_template
from strategies.models import Currency, Measure
from strategies.resources import MeasureResource
from tests.currencies import strategy_in
from tests.import_files import admin_url, export, open_xlsx

MODELS = {
    Measure: ["Code", "Titre", "Axe", "Domaine d'intervention", "Code objectif"],
    Project: ["Code", "Titre", "Mesure", "Axe", "Priorité"],
    Indicator: ["Code", "Nom", "Niveau", "Axe", "Mesure"],
    IndicatorValue: ["Indicateur", "Date", "Valeur", "Source", "Commentaire"],
}


@pytest.fixture
def secretariat(client, demo):
    client.force_login(get_user_model().objects.get(username="secretariat"))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_template_and_the_export_have_the_same_columns(secretariat, demo, model):
    template = open_xlsx(secretariat.get(admin_url(model, "import_template")).content)
    exported = open_xlsx(export(secretariat, model).content)

    template_headers = [cell.value for cell in template.worksheets[0][1]]
    export_headers = [cell.value for cell in exported.active[1]]
    assert template_headers[:5] == MODELS[model]
    assert export_headers == [*template_headers, "Stratégie"]
    assert all(
        value is not None for value in [cell.value for cell in template.worksheets[0][2]][:2]
    )
    assert template.worksheets[1].title == "Mode d'emploi"
    explained = {row[0] for row in template.worksheets[1].iter_rows(values_only=True)}
    assert set(template_headers) <= explained
    assert exported.active.max_row == model._default_manager.count() + 1


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_import_page_opens_with_the_strategy_chosen(secretariat, demo, model):
    response = secretariat.get(admin_url(model, "import"))

    assert response.status_code == 200
    assert response.context["form"].fields["strategy"].initial == demo.pk


def help_rows(client, model, query: str = "") -> list[tuple]:
    """The rows of the template's explanation sheet (instructions, then one row per column)."""
    template = open_xlsx(client.get(admin_url(model, "import_template") + query).content)
    return list(template["Mode d'emploi"].iter_rows(values_only=True))


def test_the_template_of_a_strategy_gives_its_territorys_currency(admin_client):
    strategy = strategy_in(Currency.EUR, "Communauté de communes du Haut-Jura")

    rows = help_rows(admin_client, Project, f"?strategy={strategy.pk}")

    lines = [row[0] for row in rows]
    assert "Montants en EUR, la monnaie du territoire « Communauté de communes du Haut-Jura »." in (
        lines
    )
    assert not any("franc" in str(value).lower() for row in rows for value in row)


def test_the_template_for_any_strategy_names_no_currency(admin_client):
    rows = help_rows(admin_client, Project)

    explained = {row[0]: row for row in rows}
    assert (
        explained["Budget prévu"][2] == "Montant sans signe négatif, dans la monnaie du territoire."
    )
    assert not any(str(row[0]).startswith("Montants en") for row in rows)
    assert not any("franc" in str(value).lower() for row in rows for value in row)


def test_the_template_of_a_strategy_without_amounts_names_no_currency(admin_client):
    strategy = strategy_in(Currency.EUR, "Communauté de communes du Haut-Jura")

    rows = help_rows(admin_client, Measure, f"?strategy={strategy.pk}")

    assert not any(str(row[0]).startswith("Montants en") for row in rows)


RESOURCES = [MeasureResource, ProjectResource, IndicatorResource, IndicatorValueResource]
#: Words that tie an example to a real place or country (the demo's communes among them).
PLACE_WORDS = [*demo_data.COMMUNES, "Crans", "Montana", "Valais", "Sierre", "bisse", "fédéral"]


@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda cls: cls.__name__)
def test_the_template_example_row_names_no_real_place(resource_class):
    data = open_xlsx(import_template(resource_class())).worksheets[0]

    example = [str(cell.value) for cell in data[2] if cell.value not in (None, "")]
    assert example
    for word in PLACE_WORDS:
        assert not [value for value in example if word.casefold() in value.casefold()], word


@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda cls: cls.__name__)
def test_the_template_names_no_currency(resource_class):
    help_sheet = open_xlsx(import_template(resource_class())).worksheets[1]

    texts = [str(value) for row in help_sheet.iter_rows(values_only=True) for value in row if value]
    for currency in ("franc", "CHF", "euro", "€"):
        assert not [text for text in texts if currency in text], currency


def test_the_project_template_shows_amounts_in_the_territorys_currency():
    data, help_sheet = open_xlsx(import_template(ProjectResource())).worksheets

    explained = {row[0]: row[2] for row in help_sheet.iter_rows(values_only=True) if row[0]}
    assert explained["Budget prévu"] == (
        "Montant sans signe négatif, dans la monnaie du territoire."
    )
    assert explained["Budget dépensé"] == explained["Budget prévu"]
    headers = [cell.value for cell in data[1]]
    example = dict(zip(headers, [cell.value for cell in data[2]], strict=True))
    assert example["Communes"] == "Commune A; Commune B"
    assert example["Titre"] == "Sentier didactique"
    assert example["Qui ?"] == "Service technique"


@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda cls: cls.__name__)
def test_every_value_the_strategys_template_lists_is_read_as_what_it_names(demo, resource_class):
    resource = resource_class(strategy=demo)
    reference = resource.reference_lists()
    assert reference

    for field in resource.diff_fields:
        if field.column_name not in reference:
            continue
        widget = field.widget
        lookup = getattr(widget, "lookup", widget)
        named = {lookup.reference_label(obj): obj for obj in lookup.objects().values()}
        for label in reference[field.column_name]:
            read = widget.clean(label, row={})
            assert (read if isinstance(read, list) else [read]) == [named[label]], label
