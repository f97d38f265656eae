"""The three report pages a commission member opens in the browser: the timeline (Gantt), the
modèle d'efficacité and the communes matrix. What they show on the demo, who may see them, and a
constant number of queries whatever the number of projects."""

import datetime
import html
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from projects.models import Project
from steering.templatetags.cockpit_extras import money
from strategies.models import Strategy
from tests.factories import (
    AxisFactory,
    CommuneFactory,
    DomainFactory,
    MeasureFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
)

PAGES = ["cockpit:timeline", "cockpit:effectiveness", "cockpit:communes"]
S = Project.Status


def url(name: str, strategy: Strategy) -> str:
    return reverse(name, args=[strategy.pk])


def dmy(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


class Rows(HTMLParser):
    """The rows of the tables of a page, as (section, [cell texts]) with section thead, tbody or
    tfoot; cell texts with their whitespace collapsed."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self.section = ""
        self.cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.rows.append((self.section, []))
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(text("".join(self.cell)))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def text(value: str) -> str:
    """``value`` as the Rows parser reads it: entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(value).split())


def row_of(page: str, code: str) -> str:
    """The HTML of the table row of the project ``code``."""
    marker = f'<td class="code">{code}</td>'
    start = page.rindex("<tr", 0, page.index(marker))
    return page[start : page.index("</tr>", start)]


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_user_is_sent_to_the_login_page(client, demo, name):
    response = client.get(url(name, demo))

    assert response.status_code == 302
    assert response["Location"] == f"/comptes/login/?next={url(name, demo)}"


@pytest.mark.parametrize("name", PAGES)
def test_member_of_another_territory_gets_404(client, demo, name):
    client.force_login(MembershipFactory().user)

    assert client.get(url(name, demo)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_member_sees_the_page_with_the_strategy_navigation(member_client, demo, name):
    response = member_client.get(url(name, demo))

    assert response.status_code == 200
    assert response.context["strategy"] == demo
    assert 'aria-current="page"' in response.content.decode()


# --- Timeline -------------------------------------------------------------------------------


def test_timeline_shows_every_project_by_axis_with_its_dates_and_mark(member_client, demo):
    page = member_client.get(url("cockpit:timeline", demo)).content.decode()

    for number, title in [(1, "Infrastructures et équipements"), (4, "Gouvernance")]:
        assert f"Axe {number} : {title}" in page
    assert page.index("Axe 1 : Infrastructures") < page.index("Axe 2 : Ressources naturelles")
    for project in Project.objects.for_strategy(demo):
        row = row_of(page, project.code)
        assert html.escape(project.title) in row
        assert html.escape(project.lead) in row
        assert reverse("cockpit:project", args=[demo.pk, project.pk]) in row
        assert dmy(project.start_date) in row
        assert dmy(project.end_date) in row
    assert "✓ réalisé" in row_of(page, "p2")
    assert "✗ bloqué" in row_of(page, "p3")
    assert "! à surveiller" in row_of(page, "p4")


def test_timeline_marks_today_with_its_date_and_year_ticks(member_client, demo):
    response = member_client.get(url("cockpit:timeline", demo))
    page = response.content.decode()
    scale = response.context["scale"]

    assert dmy(timezone.localdate()) in page
    assert 'class="gantt-today"' in page
    assert f'x1="{scale.today_x:.3f}%"' in page
    first = Project.objects.for_strategy(demo).order_by("start_date").first().start_date
    assert f">{first.year}<" in page
    assert f">{timezone.localdate().year}<" in page


def test_late_project_shows_its_mark_in_words_and_an_overdue_segment(member_client, demo):
    page = member_client.get(url("cockpit:timeline", demo)).content.decode()
    late = row_of(page, "p6")  # ended 75 days before the demo was loaded, still in progress

    assert "is-late" in late
    assert "✗ en retard" in late
    assert "gantt-bar tone-red" in late
    assert "gantt-overdue" in late
    assert "gantt-overdue" not in row_of(page, "p1")
    assert "1 projet en retard" in page


def test_timeline_lists_projects_without_dates_and_abandoned_ones_apart(member_client, demo):
    measure = demo.measures.get(code="m1")
    ProjectFactory(measure=measure, code="p99", title="Parking d'échange", lead="Lens")
    page = member_client.get(url("cockpit:timeline", demo)).content.decode()
    axis_1 = page[page.index("Axe 1 : Infrastructures") : page.index("Axe 2 : Ressources")]
    axis_3 = page[page.index("Axe 3 : Services") : page.index("Axe 4 : Gouvernance")]

    undated = row_of(axis_1, "p99")
    assert axis_1.index("Dates à préciser") < axis_1.index("p99")
    assert "dates à préciser" in undated
    assert "gantt-bar" not in undated
    assert "is-abandoned" in row_of(axis_3, "p16")
    assert "– abandonné" in row_of(axis_3, "p16")
    assert axis_3.index("Projets abandonnés") < axis_3.index('"code">p16<')
    assert axis_3.index('"code">p19<') < axis_3.index("Projets abandonnés")


def test_timeline_bars_stay_within_the_chart(member_client, demo):
    timeline = member_client.get(url("cockpit:timeline", demo)).context["timeline"]

    rows = [row for lane in timeline.lanes for row in lane.rows]
    assert len(rows) == Project.objects.for_strategy(demo).count()
    for row in rows:
        assert row.bar.x >= 0
        assert row.bar.x + row.bar.width <= 100 + 1e-9


# --- Modèle d'efficacité --------------------------------------------------------------------


def test_effectiveness_model_has_the_seed_headers_and_axis_headings(member_client, demo):
    page = member_client.get(url("cockpit:effectiveness", demo)).content.decode()

    assert "Modèle d'efficacité 2028" in html.unescape(page)
    for header in [
        "DOMAINES DE MESURES",
        "EXÉCUTION",
        "Responsable",
        "Partenaires",
        "RESSOURCES",
        "Humaines etc.",
        "RÉALISATIONS",
        "(outputs)",
        "PROJETS",
    ]:
        assert header in page
    assert "Axe 1 : Infrastructures et équipements" in page
    assert html.escape(demo.axes.get(number=1).strategic_objective) in page


def test_effectiveness_model_lists_measures_under_their_domain_in_order(member_client, demo):
    page = member_client.get(url("cockpit:effectiveness", demo)).content.decode()
    axis_1 = page[page.index("Axe 1 : Infrastructures") : page.index("Axe 2 : Ressources")]

    sports = axis_1.index("Sports et loisirs")
    assert axis_1.index("Mobilité individuelle et TP") < axis_1.index("MICE") < sports
    assert sports < axis_1.index("Aqualoisirs") < axis_1.index("Jeunesse")
    assert sports < axis_1.index("Aqualoisirs réalisé et en fonction") < axis_1.index("Jeunesse")
    assert sports < axis_1.index("Sté d'exploitation".replace("'", "&#x27;"))
    aqualoisirs = Project.objects.get(strategy=demo, code="p3")
    assert reverse("cockpit:project", args=[demo.pk, aqualoisirs.pk]) in axis_1
    m3 = demo.measures.get(code="m3")
    assert reverse("cockpit:measure", args=[demo.pk, m3.pk]) in axis_1
    # p3 is blocked: its short mark carries the symbol and, for screen readers, the word.
    p3_item = axis_1[axis_1.index("Aqualoisirs</a>") : axis_1.index("</li>", axis_1.index("p3"))]
    assert "✗" in p3_item and "bloqué" in p3_item


def test_effectiveness_model_shows_domains_without_measures(member_client, demo):
    page = member_client.get(url("cockpit:effectiveness", demo)).content.decode()
    axis_2 = page[page.index("Axe 2 : Ressources") : page.index("Axe 3 : Services")]

    for domain in ["Ordures", "Environnement"]:
        start = axis_2.index(domain)
        assert "aucune mesure" in axis_2[start : axis_2.index("</tr>", start)]
    domains = [domain.title for domain in demo.axes.get(number=2).domains.all()]
    positions = [axis_2.index(html.escape(title)) for title in domains]
    assert positions == sorted(positions)


# --- Communes matrix ------------------------------------------------------------------------


def expected_totals(projects) -> tuple[int, str]:
    counted = projects.exclude(status=S.ABANDONED)
    budget = counted.aggregate(total=Sum("budget_planned"))["total"] or Decimal(0)
    return counted.count(), text(money(budget, "CHF"))


def test_communes_matrix_has_a_column_per_commune_and_correct_totals(member_client, demo):
    page = member_client.get(url("cockpit:communes", demo)).content.decode()
    rows = Rows(page).rows
    header = next(cells for section, cells in rows if section == "thead")
    communes = list(demo.territory.communes.all())

    assert header[3:-2] == ["Crans-Montana", "Icogne", "Lens"]
    assert header[-2:] == ["Non attribué", "Intercommunal"]
    counts, budgets = (cells for section, cells in rows if section == "tfoot")
    projects = Project.objects.for_strategy(demo)
    # The totals rows open with one header cell over code, title and mark.
    for index, commune in enumerate(communes, start=1):
        count, budget = expected_totals(projects.filter(communes=commune))
        assert counts[index] == str(count)
        assert budgets[index] == budget
    assert counts[len(communes) + 1] == str(expected_totals(projects.filter(communes=None))[0])
    total_count, total_budget = expected_totals(projects)
    assert f"({total_count} projets)" in counts[0]
    assert f"({total_budget} au total)" in budgets[0]


def test_communes_matrix_totals_each_axis(member_client, demo):
    rows = Rows(member_client.get(url("cockpit:communes", demo)).content.decode()).rows
    axis_rows = [
        cells
        for _section, cells in rows
        if cells and cells[0].startswith("Axe 1 : ") and len(cells) > 1
    ]
    lens = demo.territory.communes.get(name="Lens")
    projects = Project.objects.filter(axis__strategy=demo, communes=lens)

    count, budget = expected_totals(projects.filter(axis__number=1))
    assert axis_rows[0][0].startswith("Axe 1 : projets par commune")
    assert axis_rows[0][3] == str(count)
    assert axis_rows[1][0].startswith("Axe 1 : budget prévu par commune")
    assert axis_rows[1][3] == budget


def test_communes_matrix_marks_concerned_communes_and_counts_them(member_client, demo):
    page = member_client.get(url("cockpit:communes", demo)).content.decode()
    rows = {cells[0]: cells for _section, cells in Rows(page).rows if cells}

    assert "Axe 1 : Infrastructures et équipements" in page
    # p1 concerns the three communes, p2 Crans-Montana only, p6 Icogne and Lens.
    assert rows["p1"][1:4] == ["Plan sectoriel de la mobilité", "✓ dans les temps", "✓ concerné"]
    assert rows["p1"][4:] == ["✓ concerné", "✓ concerné", "", "toutes"]
    assert rows["p2"][3:8] == ["✓ concerné", "", "", "", "1"]
    assert rows["p6"][2:8] == ["✗ en retard", "", "✓ concerné", "✓ concerné", "", "2"]
    assert "un projet partagé par plusieurs communes compte entièrement dans chacune" in (
        page.lower()
    )


def test_project_without_commune_counts_as_unassigned_and_abandoned_ones_not_at_all(client, db):
    strategy = StrategyFactory()
    north, south = CommuneFactory.create_batch(2, territory=strategy.territory)
    measure = MeasureFactory(domain__axis__strategy=strategy)
    ProjectFactory(measure=measure, code="p1", budget_planned=Decimal(100)).communes.set(
        [north, south]
    )
    ProjectFactory(measure=measure, code="p2", budget_planned=Decimal(30))
    ProjectFactory(
        measure=measure, code="p3", budget_planned=Decimal(5000), status=S.ABANDONED
    ).communes.set([north])
    client.force_login(MembershipFactory(territory=strategy.territory).user)

    page = client.get(url("cockpit:communes", strategy)).content.decode()
    rows = {cells[0]: cells for _section, cells in Rows(page).rows if cells}
    counts, budgets = (cells for section, cells in Rows(page).rows if section == "tfoot")

    assert rows["p1"][3:7] == ["✓ concerné", "✓ concerné", "", "toutes"]
    assert rows["p2"][3:7] == ["", "", "✓ non attribué", "–"]
    assert "is-abandoned" in row_of(page, "p3")
    assert counts[1:4] == ["1", "1", "1"]
    assert budgets[1:4] == ["100 CHF", "100 CHF", "30 CHF"]
    assert "(130 CHF au total)" in budgets[0]
    assert "(2 projets)" in counts[0]


# --- Queries --------------------------------------------------------------------------------


def build_strategy(n_projects: int) -> Strategy:
    """A strategy of ``n_projects`` projects over two axes and three communes: dated, undated,
    late, done and abandoned ones, each with its communes."""
    strategy = StrategyFactory()
    communes = CommuneFactory.create_batch(3, territory=strategy.territory)
    measures = [
        MeasureFactory(domain=DomainFactory(axis=AxisFactory(strategy=strategy, number=number)))
        for number in (1, 2)
    ]
    DomainFactory(axis=measures[0].domain.axis)  # a domain without measure
    today = timezone.localdate()
    statuses = [S.IN_PROGRESS, S.DONE, S.BLOCKED, S.ABANDONED, S.PLANNED]
    for index in range(n_projects):
        dated = index % 7 != 0
        project = ProjectFactory(
            measure=measures[index % 2],
            status=statuses[index % len(statuses)],
            start_date=today - datetime.timedelta(days=400 - index * 10) if dated else None,
            end_date=today + datetime.timedelta(days=index * 15 - 200) if dated else None,
            budget_planned=Decimal(1000 * index),
        )
        project.communes.set(communes[: index % 4])
    return strategy


@pytest.mark.parametrize("name", PAGES)
def test_page_runs_the_same_number_of_queries_whatever_the_number_of_projects(client, db, name):
    counts = []
    for size in (10, 300):  # the sizes the issue names
        strategy = build_strategy(size)
        client.force_login(MembershipFactory(territory=strategy.territory).user)
        client.get(url(name, strategy))  # warm-up: session, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(name, strategy))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 8
