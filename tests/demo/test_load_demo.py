"""``manage.py load_demo``: the Crans-Montana demo, as the workshop of 3 June 2019 describes it,
shows every status and every mark on the day it is loaded, and can be run again without harm."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue, Status
from projects.models import Funding, Mark, Project
from strategies.models import (
    Axis,
    Commune,
    Domain,
    Measure,
    Membership,
    Strategy,
    Territory,
    Theme,
)

# The "Système d'objectifs" of the workshop, word for word.
SEED_STRATEGIC_OBJECTIVES = {
    1: "Les infrastructures et équipements ont été modernisés et adaptés en conformité avec les "
    "objectifs de la SDI",
    2: "L'utilisation des ressources naturelles locales a été optimisée",
    3: "L'offre de services existants a été améliorée et l'émergence de nouveaux services "
    "innovants favorisée",
    4: "La gouvernance intercommunale a été améliorée et les outils nécessaires mis en place",
}
SEED_PROJECTS = (
    "Aqualoisirs",
    "Crèche",
    "Chemins",
    "Irrigation",
    "Lutte contre les friches",
    "Chauffage à distance",
    "Subventionnement",
    "Centre de congrès Le Régent",
    "Plan sectoriel de la mobilité",
    "Projet Liègne-Raspille",
    "Projet Lac de Chermignon",
    "Infrastructures CMA",
    "Récolte de bois intensifiée",
)
DOMAIN_MODELS = (
    Territory,
    Commune,
    Strategy,
    Axis,
    Domain,
    Theme,
    Measure,
    Measure.themes.through,
    Project,
    Project.communes.through,
    Project.themes.through,
    Funding,
    Indicator,
    IndicatorValue,
    Membership,
    get_user_model(),
    Group,
    Group.permissions.through,
)


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_output(shared_demo, demo) -> str:
    """What the first load printed (the module's demo, loaded once: tests/conftest.py)."""
    return shared_demo.output


@pytest.fixture
def demo_strategy(demo_output) -> Strategy:
    return Strategy.objects.get(territory__slug="crans-montana", short_name="SDI")


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in DOMAIN_MODELS}


def test_territory_has_the_three_communes(demo_strategy):
    assert demo_strategy.territory.name == "Région de Crans-Montana"
    assert sorted(demo_strategy.territory.communes.values_list("name", flat=True)) == [
        "Crans-Montana",
        "Icogne",
        "Lens",
    ]


def test_strategy_carries_the_seed_texts(demo_strategy):
    assert demo_strategy.title == "Stratégie de développement intercommunal"
    assert (demo_strategy.start_year, demo_strategy.horizon_year) == (2020, 2028)
    assert demo_strategy.slogan == "Satisfaction « Loisirs – Affaires – Santé »"
    assert demo_strategy.finality.startswith("Faire de la région de Crans-Montana une référence")
    assert demo_strategy.general_objective.startswith("Rendre le territoire attractif")
    assert demo_strategy.vision.startswith("La région de Crans-Montana est un lieu de vie")
    assert "*" not in demo_strategy.vision
    assert demo_strategy.phase == Strategy.Phase.MONITORING
    assert not demo_strategy.is_public


def test_four_axes_carry_the_seed_strategic_objectives(demo_strategy):
    assert {
        axis.number: axis.strategic_objective for axis in demo_strategy.axes.all()
    } == SEED_STRATEGIC_OBJECTIVES


def test_every_seed_domain_is_loaded_in_the_seed_order(demo_strategy):
    domains = {
        axis.number: list(axis.domains.order_by("order").values_list("title", flat=True))
        for axis in demo_strategy.axes.all()
    }
    assert {number: len(titles) for number, titles in domains.items()} == {
        1: 7,
        2: 6,
        3: 10,
        4: 11,
    }
    assert domains[1][0] == "Mobilité individuelle et TP"
    assert domains[2][-1] == "Environnement"
    assert domains[3][-1] == "Services digitalisés"
    assert domains[4][-1] == "Sécurité et gestion de crises"


def test_themes_are_the_transversal_factors(demo_strategy):
    assert set(demo_strategy.themes.values_list("name", flat=True)) == {
        "Communication",
        "Digitalisation",
        "Développement durable",
        "Transition énergétique",
    }


def test_seed_rows_sharing_a_domain_and_an_output_make_one_measure(demo_strategy):
    genie_rural = Measure.objects.get(strategy=demo_strategy, outputs="Génie rural")
    assert genie_rural.domain.title == "Agriculture"
    assert (genie_rural.lead, genie_rural.partners) == ("Communes", "SDA")
    assert set(genie_rural.projects.values_list("title", flat=True)) == {
        "Chemins",
        "Irrigation",
        "Lutte contre les friches",
    }


def test_climate_and_energy_rows_go_to_the_full_domain_titles(demo_strategy):
    climate = Measure.objects.filter(
        strategy=demo_strategy, domain__title="Adaptation aux changements climatiques"
    )
    assert set(climate.values_list("outputs", flat=True)) == {
        "Projet Liègne-Raspille mis en œuvre",
        "Projet Lac de Chermignon mis en œuvre",
    }
    energy = Measure.objects.get(strategy=demo_strategy, projects__title="Subventionnement")
    assert energy.domain.title == "Energie (économies, énergies renouvelables)"


def test_measures_are_numbered_in_order_with_an_operational_objective(demo_strategy):
    measures = list(Measure.objects.for_strategy(demo_strategy))
    assert [m.code for m in measures] == [f"m{n}" for n in range(1, len(measures) + 1)]
    assert all(m.objective_code == f"o{m.code[1:]}" for m in measures)
    assert all(m.operational_objective and m.resources and m.outputs for m in measures)
    assert Measure.objects.filter(strategy=demo_strategy, themes__isnull=False).exists()


def test_every_axis_has_measures_and_projects(demo_strategy):
    for axis in demo_strategy.axes.all():
        assert Measure.objects.filter(axis=axis).count() >= 2, axis
        assert Project.objects.filter(axis=axis).exists(), axis


def test_named_seed_projects_are_loaded(demo_strategy):
    titles = set(Project.objects.for_strategy(demo_strategy).values_list("title", flat=True))
    assert set(SEED_PROJECTS) <= titles
    assert 20 <= len(titles) <= 25
    assert Funding.objects.filter(project__strategy=demo_strategy).exists()


def test_projects_show_every_mark_today(demo_strategy):
    today = timezone.localdate()
    projects = list(Project.objects.for_strategy(demo_strategy))
    marks = {project.mark(today) for project in projects}
    assert {Mark.OK, Mark.WARNING, Mark.LATE, Mark.BLOCKED, Mark.ABANDONED} <= marks
    assert any(project.is_late(today) for project in projects)
    statuses = {project.status for project in projects}
    assert set(Project.Status.values) <= statuses


def test_database_marks_agree_with_the_python_marks(demo_strategy):
    today = timezone.localdate()
    projects = Project.objects.for_strategy(demo_strategy)
    # The annotations are read as values: on instances they would hide the methods of that name.
    database = {
        code: (mark, is_late)
        for code, mark, is_late in projects.with_mark(today).values_list(
            "code", "current_mark", "currently_late"
        )
    }
    python = {project.code: (project.mark(today), project.is_late(today)) for project in projects}
    assert database == python
    assert projects.late(today).count() >= 1


def test_indicators_show_all_five_statuses_today(demo_strategy):
    evaluated = Indicator.objects.for_strategy(demo_strategy).evaluated(timezone.localdate())
    assert len(evaluated) >= 8
    assert {evaluation.status for _indicator, evaluation in evaluated} == set(Status)


def test_indicators_include_the_decreasing_range_and_operational_kinds(demo_strategy):
    indicators = Indicator.objects.for_strategy(demo_strategy)
    assert indicators.filter(direction=Indicator.Direction.DECREASE).exists()
    assert indicators.filter(direction=Indicator.Direction.RANGE).exists()
    assert indicators.filter(level=Indicator.Level.OPERATIONAL, measure__isnull=False).count() >= 2
    strategic = indicators.filter(level=Indicator.Level.STRATEGIC)
    assert strategic.count() >= 8
    assert not strategic.filter(axis__isnull=True).exists()


def test_seed_indicators_s1_achieved_and_s2_warning(demo_strategy):
    today = timezone.localdate()
    s1 = Indicator.objects.get(strategy=demo_strategy, code="s1")
    s2 = Indicator.objects.get(strategy=demo_strategy, code="s2")
    assert (s1.baseline_value, s1.target_value) == (None, 30)
    assert (s2.baseline_value, s2.target_value) == (None, 100)
    evaluation = s1.evaluate(today)
    assert (evaluation.status, evaluation.attainment, evaluation.value) == (
        Status.ACHIEVED,
        100,
        30,
    )
    evaluation = s2.evaluate(today)
    assert (evaluation.status, evaluation.attainment, evaluation.value) == (Status.WARNING, 70, 70)


def test_no_indicator_value_is_dated_in_the_future(demo_strategy):
    assert not IndicatorValue.objects.filter(date__gt=timezone.localdate()).exists()


def test_second_run_changes_no_count(demo_output):
    before = counts()
    second = load_demo()
    assert counts() == before
    summary = [line for line in second.splitlines() if "créé(s)" in line]
    assert summary
    assert all(" 0 créé(s)" in line for line in summary)


def test_second_run_writes_no_history(demo_output):
    histories = (Strategy, Axis, Measure, Project, Indicator, IndicatorValue)
    before = [model.history.count() for model in histories]
    load_demo()
    assert [model.history.count() for model in histories] == before


def test_second_run_keeps_the_secretariats_edits(demo_strategy):
    project = Project.objects.get(strategy=demo_strategy, code="p3")
    project.title = "Aqualoisirs (variante réduite)"
    project.save()
    measure = Measure.objects.get(strategy=demo_strategy, code="m1")
    measure.lead = "Commune de Lens"
    measure.save()

    load_demo()

    assert Project.objects.get(pk=project.pk).title == "Aqualoisirs (variante réduite)"
    assert Measure.objects.get(pk=measure.pk).lead == "Commune de Lens"


def test_run_on_a_later_day_adds_no_value_nor_project(demo_output, monkeypatch):
    before = counts()
    later = timezone.localdate() + datetime.timedelta(days=45)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)

    load_demo()

    assert counts() == before


def test_demo_accounts_log_in_with_demo(demo_output):
    secretariat = authenticate(username="secretariat", password="demo")
    commission = authenticate(username="commission", password="demo")
    assert secretariat is not None
    assert commission is not None
    assert "Compte secrétariat : secretariat / demo (édition)" in demo_output
    assert "Compte commission : commission / demo (lecture)" in demo_output


def test_secretariat_is_staff_editor_with_change_permission(demo_strategy):
    user = get_user_model().objects.get(username="secretariat")
    assert user.is_staff
    assert not user.is_superuser
    assert user.groups.filter(name="Secrétariat").exists()
    assert user.has_perm("projects.change_project")
    assert user.has_perm("indicators.add_indicatorvalue")
    assert user.has_perm("strategies.delete_measure")
    assert user.has_perm("projects.view_historicalproject")
    assert not user.has_perm("projects.change_historicalproject")
    assert Membership.objects.get(user=user, territory=demo_strategy.territory).role == "editor"


def test_commission_member_is_a_viewer_without_staff(demo_strategy):
    user = get_user_model().objects.get(username="commission")
    assert not user.is_staff
    assert not user.has_perm("projects.change_project")
    assert Membership.objects.get(user=user, territory=demo_strategy.territory).role == "viewer"
    assert list(Strategy.objects.for_user(user)) == [demo_strategy]


def test_password_option_sets_another_password(db):
    output = load_demo("--password", "autre-secret")
    assert authenticate(username="secretariat", password="autre-secret") is not None
    assert authenticate(username="commission", password="autre-secret") is not None
    assert authenticate(username="secretariat", password="demo") is None
    assert "secretariat / autre-secret" in output


def test_second_run_keeps_a_changed_password_unless_one_is_given(demo_output):
    user = get_user_model().objects.get(username="commission")
    user.set_password("choisi-par-lui")
    user.save()

    second = load_demo()
    assert authenticate(username="commission", password="choisi-par-lui") is not None
    assert "commission / mot de passe inchangé" in second

    load_demo("--password", "nouveau")
    assert authenticate(username="commission", password="nouveau") is not None


def test_empty_password_is_refused(db):
    with pytest.raises(CommandError):
        load_demo("--password", " ")
    assert not Territory.objects.exists()


# --- The demo's history: entered before atelier 3, changed since --------------------------------


def test_history_says_the_strategy_was_entered_before_the_seed_workshop(demo_strategy):
    from workshops.models import Workshop

    held = Workshop.objects.get(strategy=demo_strategy, number=3).date
    created = Project.history.filter(strategy_id=demo_strategy.pk, history_type="+")
    before = {record.code for record in created if timezone.localdate(record.history_date) < held}
    assert len(before) == 22
    assert {"p19", "p24"}.isdisjoint(before)


def test_next_workshop_reviews_the_projects_created_and_changed_since_atelier_3(demo_strategy):
    from workshops.changes import changes_between
    from workshops.models import Workshop

    workshop = Workshop.objects.get(strategy=demo_strategy, number=4)
    changes = changes_between(demo_strategy, *workshop.period())

    created = {c.subject.split(" ")[0] for c in changes if c.kind == "project_created"}
    assert created == {"p19", "p24"}
    changed = {(c.subject.split(" ")[0], c.field) for c in changes if c.kind == "project_changed"}
    assert {("p3", "statut"), ("p4", "statut"), ("p11", "priorité"), ("p8", "fin")} <= changed
    assert {c.kind for c in changes} >= {"value_recorded", "decision_closed"}


def test_pack_of_atelier_3_shows_the_projects_as_they_were_that_day(demo_strategy):
    from workshops.models import Workshop
    from workshops.snapshot import Snapshot

    held = Workshop.objects.get(strategy=demo_strategy, number=3).date
    blocks, _operational = Snapshot(demo_strategy, held).blocks()

    projects = {project.code: project for block in blocks for project in block.projects}
    assert len(projects) == 22
    assert projects["p3"].status == Project.Status.IN_PROGRESS
    assert projects["p11"].priority == 2
    assert sum(len(block.indicators) for block in blocks) > 0
