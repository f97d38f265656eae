"""A French territory counts in euros: its pages, htmx fragments and admin show each amount with
the euro after it and the French grouping ("1 250 000 €"); a Swiss one keeps its francs."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from projects.models import Funding, Project
from strategies.models import Currency, Membership, Strategy
from tests.currencies import strategy_in
from tests.factories import MembershipFactory, UserFactory

NNBSP, NBSP = "\u202f", "\u00a0"
#: 1,250,000 euros as the pages write it (the no-break space before the currency as an entity).
BUDGET_EUR = f"1{NNBSP}250{NNBSP}000&nbsp;€"
#: The same in the admin's columns and read-only fields (the no-break space as a character).
BUDGET_EUR_TEXT = f"1{NNBSP}250{NNBSP}000{NBSP}€"

pytestmark = pytest.mark.django_db


@pytest.fixture
def haut_jura() -> Strategy:
    return strategy_in(Currency.EUR, "Communauté de communes du Haut-Jura")


@pytest.fixture
def viewer(client, haut_jura):
    membership = MembershipFactory(territory=haut_jura.territory, role=Membership.Role.VIEWER)
    client.force_login(membership.user)
    return client


def project_of(strategy: Strategy) -> Project:
    return Project.objects.get(strategy=strategy, code="p1")


def page(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


# --- The cockpit's pages --------------------------------------------------------------------------


def test_cockpit_rollup_shows_a_french_territorys_budget_in_euros(viewer, haut_jura):
    html = page(viewer, reverse("cockpit:strategy", args=[haut_jura.pk]))

    assert f"{BUDGET_EUR} prévus" in html
    assert f"250{NNBSP}000&nbsp;€ dépensés" in html
    assert "CHF" not in html


def test_cockpit_axes_fragment_shows_the_budget_in_euros(viewer, haut_jura):
    html = page(
        viewer,
        reverse("cockpit:strategy", args=[haut_jura.pk]),
        headers={"HX-Request": "true"},
    )

    assert "<html" not in html
    assert f"{BUDGET_EUR} prévus" in html
    assert "CHF" not in html


def test_axis_and_measure_pages_show_the_budget_in_euros(viewer, haut_jura):
    measure = project_of(haut_jura).measure
    axis = measure.domain.axis

    for url in (
        reverse("cockpit:axis", args=[haut_jura.pk, axis.pk]),
        reverse("cockpit:measure", args=[haut_jura.pk, measure.pk]),
    ):
        html = page(viewer, url)
        assert f"{BUDGET_EUR} prévus" in html, url
        assert "CHF" not in html, url


def test_project_page_shows_budget_and_fundings_in_euros(viewer, haut_jura):
    project = project_of(haut_jura)

    html = page(viewer, reverse("cockpit:project", args=[haut_jura.pk, project.pk]))

    assert f'<dd class="num">{BUDGET_EUR}</dd>' in html
    assert f'<dd class="num">250{NNBSP}000&nbsp;€ <span class="muted">(20 %' in html
    assert html.count(f"875{NNBSP}000&nbsp;€") == 3  # the funding, the total, the secured part
    assert "CHF" not in html


def test_communes_and_ranking_pages_show_budgets_in_euros(viewer, haut_jura):
    communes = page(viewer, reverse("cockpit:communes", args=[haut_jura.pk]))
    ranking = page(viewer, reverse("prioritisation:ranking", args=[haut_jura.pk]))

    assert f"({BUDGET_EUR} au total)" in communes
    assert f'<td class="num">{BUDGET_EUR}</td>' in ranking
    assert "CHF" not in communes and "CHF" not in ranking


def test_english_reader_gets_euros_grouped_with_commas(viewer, haut_jura):
    project = project_of(haut_jura)

    html = page(
        viewer,
        reverse("cockpit:project", args=[haut_jura.pk, project.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert '<dd class="num">1,250,000&nbsp;€</dd>' in html


def test_swiss_territory_keeps_its_francs(client):
    strategy = strategy_in(Currency.CHF, "Association de communes de Crans-Montana")
    project = project_of(strategy)
    membership = MembershipFactory(territory=strategy.territory, role=Membership.Role.VIEWER)
    client.force_login(membership.user)

    html = page(client, reverse("cockpit:project", args=[strategy.pk, project.pk]))

    assert f'<dd class="num">1{NNBSP}250{NNBSP}000&nbsp;CHF</dd>' in html
    assert "€" not in html


# --- The admin ------------------------------------------------------------------------------------


def test_admin_project_list_shows_the_planned_budget_in_euros(admin_client, haut_jura):
    strategy_in(Currency.CHF, "Association de communes de Crans-Montana")

    html = page(admin_client, reverse("admin:projects_project_changelist"))

    assert "Budget prévu" in html
    assert f'<td class="field-budget">{BUDGET_EUR_TEXT}</td>' in html
    assert f'<td class="field-budget">1{NNBSP}250{NNBSP}000{NBSP}CHF</td>' in html


def test_funding_reads_with_its_territorys_currency(haut_jura):
    funding = Funding.objects.get(project__strategy=haut_jura)

    assert str(funding) == f"Région – 875{NNBSP}000{NBSP}€"


def test_funding_inline_titles_each_funding_with_its_amount_in_euros(admin_client, haut_jura):
    project = project_of(haut_jura)

    html = page(admin_client, reverse("admin:projects_project_change", args=[project.pk]))

    assert f"Région – 875{NNBSP}000{NBSP}€" in html


def test_view_only_admin_shows_budgets_and_fundings_in_euros(client, haut_jura):
    """An editor who may only view projects and fundings reads the amounts with their currency,
    not as raw decimals."""
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, territory=haut_jura.territory, role=Membership.Role.EDITOR)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=("view_project", "view_funding"))
    )
    client.force_login(user)
    project = project_of(haut_jura)

    html = page(client, reverse("admin:projects_project_change", args=[project.pk]))

    assert 'name="budget_planned"' not in html  # read-only
    assert f'<div class="readonly">{BUDGET_EUR_TEXT}</div>' in html
    assert f'<div class="readonly">250{NNBSP}000{NBSP}€</div>' in html
    assert f"<p>875{NNBSP}000{NBSP}€</p>" in html  # the funding's amount
    assert "1250000,00" not in html and "875000,00" not in html


def test_view_only_admin_shows_the_committed_budget_with_its_currency_too(client, haut_jura):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, territory=haut_jura.territory, role=Membership.Role.EDITOR)
    user.user_permissions.add(Permission.objects.get(codename="view_project"))
    client.force_login(user)
    project = project_of(haut_jura)
    Project.objects.filter(pk=project.pk).update(budget_committed=400000)

    html = page(client, reverse("admin:projects_project_change", args=[project.pk]))

    assert "Budget engagé" in html
    assert f'<div class="readonly">400{NNBSP}000{NBSP}€</div>' in html
    assert "400000,00" not in html and "400000.00" not in html
