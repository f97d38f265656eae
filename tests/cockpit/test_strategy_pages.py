"""Home, strategy cockpit (filters, htmx fragment), axis and measure pages."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from indicators.models import Indicator
from projects.models import Project
from strategies.models import Axis, Measure
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    DomainFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)

TODAY = timezone.localdate()


def cockpit_url(strategy, **params) -> str:
    url = reverse("cockpit:strategy", args=[strategy.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def project_codes(response) -> list[str]:
    return [
        project.code for axis_block in response.context["axes"] for project in axis_block.projects
    ]


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cockpit:home", "cockpit:strategy", "cockpit:axis"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, demo, name):
    args = {
        "cockpit:home": [],
        "cockpit:strategy": [demo.pk],
        "cockpit:axis": [demo.pk, demo.axes.first().pk],
    }[name]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/?next=")


def test_login_page_signs_a_member_in_and_lands_on_their_strategies(client, demo):
    response = client.post(
        "/comptes/login/", {"username": "commission", "password": "demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Stratégie de développement intercommunal" in response.content.decode()


def test_a_wrong_password_gets_a_french_message(client, demo):
    response = client.post("/comptes/login/", {"username": "commission", "password": "nope"})
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_members_of_another_territory_get_404_everywhere(client, demo):
    outsider = UserFactory()
    MembershipFactory(user=outsider)
    client.force_login(outsider)
    axis = demo.axes.first()
    measure = Measure.objects.for_strategy(demo).first()
    for url in (
        cockpit_url(demo),
        reverse("cockpit:axis", args=[demo.pk, axis.pk]),
        reverse("cockpit:measure", args=[demo.pk, measure.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert "Stratégie de développement" not in client.get("/").content.decode()


def test_staff_without_membership_see_no_strategy(client, demo):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(cockpit_url(demo)).status_code == 404
    assert "Vous n'êtes membre d'aucun territoire" in client.get("/").content.decode()


def test_an_axis_of_another_strategy_is_not_found_under_this_one(member_client, demo):
    other_axis = AxisFactory()
    url = reverse("cockpit:axis", args=[demo.pk, other_axis.pk])
    assert member_client.get(url).status_code == 404


# --- Home ---------------------------------------------------------------------------------


def test_home_lists_the_strategy_with_its_summary(member_client, demo):
    html = member_client.get("/").content.decode()
    assert "Région de Crans-Montana" in html
    assert "horizon 2028" in html
    assert "suivi" in html
    assert "✓ 1 atteint" in html
    assert "en retard" in html


# --- Strategy cockpit ---------------------------------------------------------------------


def test_cockpit_shows_the_cascade_from_the_finality_to_the_projects(member_client, demo):
    response = member_client.get(cockpit_url(demo))
    html = response.content.decode()
    assert "Faire de la région de Crans-Montana une référence nationale" in html
    assert "Crans-Montana, Icogne, Lens" in html
    for number, title in enumerate(
        ["Infrastructures et équipements", "Ressources naturelles", "Services", "Gouvernance"],
        start=1,
    ):
        assert f"Axe {number} : {title}" in html
    for header in ("Objectifs stratégiques", "Mesures / objectifs opérationnels", "Projets"):
        assert header in html
    for code in ("s1", "s2", "m1", "o1", "p1", "p24"):
        assert f">{code}<" in html
    assert "Aqualoisirs" in html


def test_cockpit_rows_show_the_seed_values_marks_and_french_dates(member_client, demo):
    html = member_client.get(cockpit_url(demo)).content.decode()
    assert "100 %" in html and "70 %" in html
    assert "✓ atteint" in html
    assert "! à surveiller" in html
    assert "✗ hors trajectoire" in html
    assert "✗ en retard" in html and "✗ bloqué" in html
    chemins = Project.objects.get(strategy=demo, title="Chemins")
    assert chemins.end_date.strftime("%d.%m.%Y") in html


def test_each_axis_shows_both_rollups(member_client, demo):
    response = member_client.get(cockpit_url(demo))
    html = response.content.decode()
    assert html.count("Effet – indicateurs") == 4
    assert html.count("Mise en œuvre – projets") == 4
    first = response.context["axes"][0]
    assert first.rollup.implementation.total == Project.objects.filter(axis=first.axis).count()


def test_axes_can_be_collapsed_without_javascript(member_client, demo):
    html = member_client.get(cockpit_url(demo)).content.decode()
    assert html.count('<details class="axis" open') == 4


def test_filter_by_axis_keeps_only_that_axis(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=2)
    response = member_client.get(cockpit_url(demo, axis=axis.pk))
    assert [axis_block.axis for axis_block in response.context["axes"]] == [axis]
    expected = set(Project.objects.filter(axis=axis).values_list("code", flat=True))
    assert set(project_codes(response)) == expected


def test_late_only_shows_the_late_projects(member_client, demo):
    response = member_client.get(cockpit_url(demo, late="on"))
    late = {p.code for p in Project.objects.for_strategy(demo) if p.is_late(TODAY)}
    assert late
    assert set(project_codes(response)) == late


@pytest.mark.parametrize(
    ("field", "value_of", "keep"),
    [
        ("status", lambda demo: "blocked", lambda p: p.status == "blocked"),
        ("priority", lambda demo: 3, lambda p: p.priority == 3),
        ("lead", lambda demo: "CMA", lambda p: p.lead == "CMA"),
        (
            "commune",
            lambda demo: demo.territory.communes.get(name="Icogne").pk,
            lambda p: p.communes.filter(name="Icogne").exists(),
        ),
        (
            "theme",
            lambda demo: demo.themes.get(name="Digitalisation").pk,
            lambda p: (
                p.themes.filter(name="Digitalisation").exists()
                or p.measure.themes.filter(name="Digitalisation").exists()
            ),
        ),
    ],
    ids=["status", "priority", "lead", "commune", "theme"],
)
def test_each_filter_keeps_exactly_the_matching_projects(
    member_client, demo, field, value_of, keep
):
    response = member_client.get(cockpit_url(demo, **{field: value_of(demo)}))
    expected = {p.code for p in Project.objects.for_strategy(demo) if keep(p)}
    assert expected, "the demo must have a matching project for this test to mean something"
    assert set(project_codes(response)) == expected


def test_free_text_finds_a_project_by_title(member_client, demo):
    response = member_client.get(cockpit_url(demo, q="aqualoisirs"))
    assert project_codes(response) == ["p3"]


def test_a_filter_with_no_match_says_so(member_client, demo):
    response = member_client.get(cockpit_url(demo, q="introuvable"))
    assert "Aucun élément ne correspond à ces filtres." in response.content.decode()


def test_an_invalid_filter_is_ignored_with_a_message(member_client, demo):
    response = member_client.get(cockpit_url(demo, axis=999999))
    assert response.status_code == 200
    assert "Un filtre n'est pas valable" in response.content.decode()
    assert len(response.context["axes"]) == 4


def test_htmx_request_gets_only_the_axes_fragment(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=3)
    response = member_client.get(cockpit_url(demo, axis=axis.pk), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="axes"')
    assert "<html" not in html and 'class="filters"' not in html
    assert "Axe 3 : Services" in html and "Axe 1 :" not in html
    assert "HX-Request" in response["Vary"]


def test_full_page_and_fragment_carry_vary_on_hx_request(member_client, demo):
    assert "HX-Request" in member_client.get(cockpit_url(demo))["Vary"]


def test_filter_form_works_without_javascript(member_client, demo):
    html = member_client.get(cockpit_url(demo)).content.decode()
    assert '<form method="get"' in html
    assert 'hx-push-url="true"' in html


def test_cockpit_speaks_english_when_asked(member_client, demo):
    member_client.cookies["django_language"] = "en"
    response = member_client.get(cockpit_url(demo), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


# --- Axis and measure pages ---------------------------------------------------------------


def test_axis_page_explains_each_indicator_status(member_client, demo):
    axis = Axis.objects.get(strategy=demo, number=1)
    html = member_client.get(reverse("cockpit:axis", args=[demo.pk, axis.pk])).content.decode()
    assert "Les infrastructures et équipements ont été modernisés" in html
    assert "du but atteint" in html or "Cible atteinte" in html
    assert "Génie rural" in html and "Chemins" in html


def test_measure_page_shows_its_objective_lead_partners_and_projects(member_client, demo):
    measure = Measure.objects.get(strategy=demo, title="Génie rural")
    html = member_client.get(
        reverse("cockpit:measure", args=[demo.pk, measure.pk])
    ).content.decode()
    assert escape(measure.operational_objective) in html
    assert "SDA" in html
    for title in ("Chemins", "Irrigation", "Lutte contre les friches"):
        assert title in html


# --- Query counts -------------------------------------------------------------------------


def build_strategy(member, n_projects: int):
    strategy = StrategyFactory(territory=member.territory)
    theme = ThemeFactory(strategy=strategy)
    communes = [CommuneFactory(territory=member.territory) for _ in range(3)]
    measures = []
    for _axis in range(3):
        axis = AxisFactory(strategy=strategy)
        domain = DomainFactory(axis=axis)
        for _measure in range(2):
            measure = MeasureFactory(domain=domain)
            measure.themes.add(theme)
            measures.append(measure)
        for index in range(2):
            indicator = IndicatorFactory(axis=axis, strategy=strategy, target_value=Decimal(100))
            IndicatorValueFactory(indicator=indicator, value=Decimal(10 + index))
            IndicatorValueFactory(indicator=indicator, value=Decimal(30 + index))
        IndicatorFactory(operational=True, measure=measures[-1], strategy=strategy)
    for index in range(n_projects):
        project = ProjectFactory(
            measure=measures[index % len(measures)],
            lead=f"Porteur {index % 4}",
            end_date=TODAY + datetime.timedelta(days=index * 7 - 100),
            status=Project.Status.IN_PROGRESS,
        )
        project.communes.add(communes[index % 3])
        project.themes.add(theme)
    return strategy


def count_queries(client, url: str) -> int:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def member(client, db):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.mark.parametrize(
    "page",
    ["home", "cockpit", "cockpit-filtered", "cockpit-counted", "fragment", "axis", "measure"],
)
def test_page_queries_do_not_grow_with_projects(client, member, page):
    def url_for(strategy):
        axis = strategy.axes.order_by("number").first()
        measure = Measure.objects.for_strategy(strategy).first()
        return {
            "home": "/",
            "cockpit": cockpit_url(strategy),
            "cockpit-filtered": cockpit_url(strategy, late="on", q="Projet", status="in_progress"),
            "cockpit-counted": cockpit_url(
                strategy, axis=axis.pk, engaged="on", active="on", mark="ok", after_horizon="on"
            ),
            "fragment": cockpit_url(strategy, axis=axis.pk),
            "axis": reverse("cockpit:axis", args=[strategy.pk, axis.pk]),
            "measure": reverse("cockpit:measure", args=[strategy.pk, measure.pk]),
        }[page]

    headers = {"HX-Request": "true"} if page == "fragment" else {}
    small = build_strategy(member, 10)
    client.get(url_for(small), headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url_for(small), headers=headers)
    Project.objects.filter(strategy=small).delete()
    Indicator.objects.filter(strategy=small).delete()
    large = build_strategy(member, 300)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url_for(large), headers=headers)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/comptes/password_reset/", "Mot de passe oublié"),
        ("/comptes/password_change/", "Changer de mot de passe"),
    ],
)
def test_password_pages_are_in_the_app_look(member_client, url, heading):
    html = member_client.get(url).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f"<title>{heading} · Cockpit stratégique</title>" in html
    assert 'class="site-header"' in html


def test_password_reset_sends_a_mail_and_says_so(client, demo, mailoutbox):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="commission").update(email="membre@example.org")
    response = client.post("/comptes/password_reset/", {"email": "membre@example.org"}, follow=True)
    assert "Message envoyé" in response.content.decode()
    assert len(mailoutbox) == 1
    assert "/comptes/reset/" in mailoutbox[0].body
