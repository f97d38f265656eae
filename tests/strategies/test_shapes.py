"""The shapes of a strategy (four levels for the SDI, three for a Nord contract, two for CCVH):
where a row may hang, what a shape change may do, and how pages, filters, the admin, the import and
the pack read each shape in the strategy's own words."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from projects.models import Project
from projects.resources import ProjectResource
from strategies.levels import Levels
from strategies.models import Domain, Measure
from strategies.shape import change_shape
from tests.factories import AxisFactory, DomainFactory, StrategyFactory, UserFactory
from tests.import_files import dataset, xlsx
from tests.shapes import ccvh_strategy, nord_strategy
from tests.workbooks.plans import SMART_VALLEE

pytestmark = pytest.mark.django_db

#: name → (uses_domains, uses_measures)
SHAPES = {"sdi": (True, True), "nord": (False, True), "ccvh": (False, False)}


def shaped(shape: str):
    uses_domains, uses_measures = SHAPES[shape]
    strategy = StrategyFactory(uses_domains=uses_domains, uses_measures=uses_measures)
    axis = AxisFactory(strategy=strategy)
    return strategy, axis


# --- Where a row may hang ---------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_a_project_hangs_under_a_measure_only_where_the_strategy_uses_measures(shape):
    strategy, axis = shaped(shape)
    measure = Measure(axis=axis, code="m1", title="Mesure")
    if strategy.uses_domains:
        measure.domain = DomainFactory(axis=axis)
    measure.save()
    under_measure = Project(measure=measure, code="p1", title="Sous une mesure")
    under_axis = Project(axis=axis, code="p2", title="Sous un axe")
    if strategy.uses_measures:
        under_measure.full_clean()
        with pytest.raises(ValidationError) as refused:
            under_axis.full_clean()
        assert refused.value.message_dict["measure"] == [
            "Mesure : obligatoire dans cette stratégie."
        ]
    else:
        under_axis.full_clean()
        with pytest.raises(ValidationError) as refused:
            under_measure.full_clean()
        assert "n'utilise pas le niveau « Mesure »" in refused.value.message_dict["measure"][0]


@pytest.mark.parametrize("shape", ["sdi", "nord"])
def test_a_measure_hangs_under_a_domain_only_where_the_strategy_uses_domains(shape):
    strategy, axis = shaped(shape)
    under_domain = Measure(domain=DomainFactory(axis=axis), code="m1", title="Dans un domaine")
    under_axis = Measure(axis=axis, code="m2", title="Sous l'axe")
    good, bad = (under_domain, under_axis) if strategy.uses_domains else (under_axis, under_domain)
    good.full_clean()
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert "domain" in refused.value.message_dict


def test_a_project_takes_its_measures_axis_and_follows_it_when_the_domain_moves():
    strategy, axis = shaped("sdi")
    domain = DomainFactory(axis=axis)
    measure = Measure.objects.create(domain=domain, code="m1", title="Mesure")
    project = Project.objects.create(measure=measure, code="p1", title="Projet")
    assert (measure.axis_id, project.axis_id, project.strategy_id) == (
        axis.pk,
        axis.pk,
        strategy.pk,
    )
    other = AxisFactory(strategy=strategy, number=2)
    domain.axis = other
    domain.save()
    project.refresh_from_db()
    measure.refresh_from_db()
    assert (measure.axis_id, project.axis_id) == (other.pk, other.pk)


def test_the_nord_contract_names_its_orientation_when_a_project_lacks_one():
    strategy = nord_strategy()
    project = Project(axis=strategy.axes.first(), code="x1", title="Sans orientation")
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert refused.value.message_dict["measure"] == [
        "Orientation : obligatoire dans cette stratégie."
    ]


def test_the_ccvh_plan_is_entered_without_an_invented_row():
    strategy = ccvh_strategy()
    assert strategy.axes.count() == 6
    assert Project.objects.filter(strategy=strategy).count() == 10
    assert Measure.objects.filter(strategy=strategy).count() == 0
    assert Domain.objects.filter(axis__strategy=strategy).count() == 0


# --- Changing the shape --------------------------------------------------------------------------


def test_a_shape_change_that_would_leave_actions_without_a_measure_is_refused():
    strategy = ccvh_strategy()
    with pytest.raises(ValidationError) as refused:
        change_shape(strategy, uses_domains=False, uses_measures=True)
    assert refused.value.message_dict["uses_measures"] == [
        "10 actions relèvent directement d'un axe : créez d'abord les mesures, ou gardez la "
        "stratégie sans ce niveau."
    ]
    strategy.refresh_from_db()
    assert not strategy.uses_measures


def test_a_shape_change_that_would_lose_domains_is_refused_and_one_that_loses_nothing_passes():
    strategy, axis = shaped("sdi")
    DomainFactory(axis=axis, title="Mobilité")
    with pytest.raises(ValidationError) as refused:
        change_shape(strategy, uses_domains=False, uses_measures=True)
    assert "1 domaine d'intervention" in refused.value.message_dict["uses_domains"][0]
    Domain.objects.filter(axis=axis).delete()
    change_shape(strategy, uses_domains=False, uses_measures=False)
    strategy.refresh_from_db()
    assert (strategy.uses_domains, strategy.uses_measures) == (False, False)


def test_domains_without_measures_is_not_a_shape():
    strategy, _axis = shaped("ccvh")
    strategy.uses_domains = True
    with pytest.raises(ValidationError) as refused:
        strategy.full_clean()
    assert "uses_domains" in refused.value.message_dict


def test_the_admin_refuses_a_shape_change_with_a_clear_message_and_saves_nothing(admin_client):
    strategy = ccvh_strategy()
    url = reverse("admin:strategies_strategy_change", args=[strategy.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        territory=strategy.territory_id,
        uses_measures="on",
        level_axis_singular="orientation",
        level_axis_plural="orientations",
        level_axis_gender="f",
        level_project_singular="action",
        level_project_plural="actions",
        level_project_gender="f",
        **{
            f"{prefix}-{key}": value
            for prefix in ("axes", "themes")
            for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    )
    data.pop("uses_domains", None)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "relèvent directement d'un axe" in errors["uses_measures"][0]
    assert "relèvent directement d&#x27;un axe" in response.content.decode()
    strategy.refresh_from_db()
    assert not strategy.uses_measures


# --- The strategy's words ------------------------------------------------------------------------


def test_level_names_agree_in_gender_and_fall_back_to_french():
    levels = Levels(
        {
            "axis": {"singular": "enjeu", "plural": "enjeux"},
            "measure": {"singular": "orientation", "plural": "orientations", "gender": "f"},
            "project": {"singular": "action", "plural": "actions", "gender": "f"},
        }
    )
    assert (levels.axis.none, levels.measure.none) == ("Aucun enjeu", "Aucune orientation")
    assert (levels.measure.of_the, levels.axis.this) == ("de l'orientation", "cet enjeu")
    assert (levels.project.the, levels.project.a) == ("l'action", "une action")
    assert Levels({}).project.of_the == "du projet"
    with translation.override("en"):
        assert levels.axis.Singular == "Enjeu"  # no English word given: the French one
        assert Levels({}).measure.Plural == "Measures"


def test_the_ccvh_cockpit_shows_orientations_and_actions_without_empty_columns(admin_client):
    strategy = ccvh_strategy()
    html = admin_client.get(reverse("cockpit:strategy", args=[strategy.pk])).content.decode()
    assert "Orientation 1 : Accélérer la transformation digitale des services de la CCVH" in html
    assert "Gestion connectée de bout en bout des déchets" in html
    assert ">Actions</th>" in html
    assert "objectifs opérationnels" not in html
    assert ">Mesure</th>" not in html
    assert 'name="domain"' not in html  # no Domaine filter
    assert "Orientation <select" in html or 'for="id_axis">Orientation' in html


def test_the_nord_cockpit_names_enjeux_and_orientations(admin_client):
    strategy = nord_strategy()
    html = admin_client.get(reverse("cockpit:strategy", args=[strategy.pk])).content.decode()
    assert "Enjeu 1 : Attractivité du territoire" in html
    assert 'name="domain"' not in html
    axis = strategy.axes.first()
    table = admin_client.get(reverse("cockpit:axis_table", args=[strategy.pk, axis.pk]))
    text = table.content.decode()
    assert "Orientations / objectifs opérationnels" in text
    assert ">Orientation</th>" in text


def test_the_ccvh_pack_names_its_levels_and_has_no_measure_columns(admin_client):
    strategy = ccvh_strategy()
    response = admin_client.get(reverse("cockpit:pack", args=[strategy.pk]))
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert "Actions" in book.sheetnames
    cockpit = book["Cockpit"]
    headers = [cell.value for cell in cockpit[2]]
    assert "Mesure" not in headers and "Actions" in headers
    groups = [cell.value for cell in cockpit[1] if cell.value]
    assert groups == ["Objectifs stratégiques", "Actions"]
    effectiveness = book["Modèle d'efficacité"]
    assert effectiveness["A1"].value == "ORIENTATIONS"
    assert effectiveness["F1"].value == "ACTIONS"
    actions = [row[0] for row in book["Actions"].iter_rows(min_row=2, values_only=True)]
    assert sorted(actions, key=lambda code: int(code[1:])) == [f"a{n}" for n in range(1, 11)]


def test_the_ccvh_secretariat_imports_actions_by_orientation_number():
    strategy = ccvh_strategy()
    content = xlsx(
        ["Code", "Titre", "Axe", "Statut"], [["a11", "Wifi dans les écoles", 6, "à venir"]]
    )
    resource = ProjectResource(strategy=strategy, user=UserFactory())
    result = resource.import_data(dataset(content), dry_run=False, file_name="actions.xlsx")
    assert not result.has_errors() and not result.has_validation_errors()
    action = Project.objects.get(strategy=strategy, code="a11")
    assert (action.axis.number, action.measure) == (6, None)


def test_an_action_with_a_measure_cell_is_refused_in_a_strategy_without_measures():
    strategy = ccvh_strategy()
    content = xlsx(["Code", "Titre", "Axe", "Mesure"], [["a11", "Wifi", 6, "m1"]])
    resource = ProjectResource(strategy=strategy, user=UserFactory())
    result = resource.import_data(dataset(content), dry_run=True, file_name="actions.xlsx")
    assert result.has_validation_errors()
    assert not Project.objects.filter(code="a11").exists()


def test_the_ccvh_project_form_in_the_admin_asks_for_an_orientation_not_a_measure(admin_client):
    strategy = ccvh_strategy()
    action = Project.objects.get(strategy=strategy, code="a1")
    response = admin_client.get(reverse("admin:projects_project_change", args=[action.pk]))
    form = response.context["adminform"].form
    assert "measure" not in form.fields
    assert form.fields["axis"].label == "Orientation"


def test_the_plan_has_as_many_orientations_and_actions_as_the_seed():
    assert (len(SMART_VALLEE["orientations"]), len(SMART_VALLEE["actions"])) == (6, 10)


# --- Every page of each shape -------------------------------------------------------------------

PAGES = [
    "cockpit:strategy",
    "cockpit:axis",
    "cockpit:axis_table",
    "cockpit:measure",
    "cockpit:project",
    "cockpit:timeline",
    "cockpit:effectiveness",
    "cockpit:communes",
    "cockpit:workshops",
    "prioritisation:proposals",
    "prioritisation:ranking",
    "prioritisation:scoring",
    "public:strategy",
    "public:axis",
]


def page_url(name: str, strategy) -> str | None:
    axis = strategy.axes.order_by("number").first()
    project = Project.objects.filter(strategy=strategy).order_by("pk").first()
    measure = Measure.objects.filter(strategy=strategy).order_by("pk").first()
    extra = {
        "axis": axis.pk,
        "axis_table": axis.pk,
        "measure": measure.pk if measure else None,
        "project": project.pk,
    }.get(name.split(":")[1], "")
    if extra is None:
        return None
    return reverse(name, args=[strategy.pk, extra] if extra != "" else [strategy.pk])


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("build", [ccvh_strategy, nord_strategy], ids=["ccvh", "nord"])
def test_every_page_of_a_shaped_strategy_speaks_its_words(admin_client, build, name):
    strategy = build()
    strategy.is_public = True
    strategy.save()
    url = page_url(name, strategy)
    if url is None:
        pytest.skip("no measure in this shape")
    response = admin_client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    import re

    for m in re.finditer(r"Axe |Mesure|Domaine", text):
        print("LEFT", url, repr(text[max(0, m.start() - 80) : m.end() + 40]))
    if strategy.level_names.get("axis", {}).get("singular") == "orientation":
        assert "Axe " not in text and "Mesure" not in text, url
    else:
        assert "Axe " not in text and "Domaine" not in text, url
