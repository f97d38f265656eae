"""The indicator page: its facts, its status and why, its trend chart and its values."""

import datetime
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from indicators.models import Indicator
from strategies.models import Axis
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MembershipFactory,
    StrategyFactory,
)


def indicator_url(indicator: Indicator) -> str:
    return reverse("cockpit:indicator", args=(indicator.strategy_id, indicator.pk))


def page(client, indicator: Indicator) -> str:
    response = client.get(indicator_url(indicator))
    assert response.status_code == 200
    return response.content.decode()


def dotted(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def svg_of(html: str) -> str:
    start = html.index('<svg class="trend-chart"')  # the attainment bar is an SVG too
    return html[start : html.index("</svg>", start)]


def test_indicator_page_shows_its_facts(member_client, demo):
    indicator = Indicator.objects.get(strategy=demo, code="s4")

    html = page(member_client, indicator)

    for text in (
        "s4 – Volume de bois récolté dans les forêts communales",
        "stratégique (axe)",
        "Axe 2 : Ressources naturelles",
        "m³/an",
        "à augmenter",
        "9\u202f000 m³/an",  # baseline
        "au 31.12.2019",
        "14\u202f000 m³/an",  # target
        "31.12.2028",  # the strategy's horizon, by default
        "Triage forestier",
        "annuelle",
    ):
        assert text in html, text


def test_indicator_page_states_the_status_in_words_with_attainment_and_why(member_client, demo):
    indicator = Indicator.objects.get(strategy=demo, code="s2")  # 70 of 100, deadline near
    evaluation = indicator.evaluate()

    html = page(member_client, indicator)

    assert evaluation.status == "warning"
    assert "! à surveiller</span>" in html
    assert "atteinte : 70 %" in html
    assert escape(evaluation.explanation) in html
    assert evaluation.explanation.startswith("70 % du but atteint")


def test_unknown_baseline_reads_as_a_question_mark(member_client, demo):
    html = page(member_client, Indicator.objects.get(strategy=demo, code="s1"))

    assert '? <span class="muted">(inconnu)</span>' in html
    assert "✓ atteint" in html


def test_range_indicator_shows_its_range_and_the_band(member_client, demo):
    html = page(member_client, Indicator.objects.get(strategy=demo, code="s5"))

    assert "1–2 %" in html
    assert 'class="chart-band"' in svg_of(html)
    assert 'class="chart-trajectory"' not in svg_of(html)


def test_chart_is_an_accessible_svg_with_one_point_per_value(member_client, demo):
    indicator = Indicator.objects.get(strategy=demo, code="s3")
    evaluation = indicator.evaluate()

    html = page(member_client, indicator)

    svg = svg_of(html)
    assert 'role="img"' in svg and 'aria-labelledby="trend-title trend-desc"' in svg
    assert svg.count('class="chart-point"') == indicator.values.count() > 0
    title = re.search(r'<title id="trend-title">(.*?)</title>', svg).group(1)
    assert "s3" in title and "en bonne voie" in title
    description = re.search(r'<desc id="trend-desc">(.*?)</desc>', svg, re.S).group(1)
    assert escape(evaluation.explanation) in description
    assert 'class="chart-today"' in svg and 'class="chart-trajectory"' in svg
    # Coordinates are plain numbers, whatever the language's decimal separator.
    assert not re.search(r'(?:x|y|x1|y1|cx|cy)="[0-9]+,[0-9]', svg)


def test_values_table_lists_every_value_newest_first(member_client, demo):
    indicator = Indicator.objects.get(strategy=demo, code="s1")
    values = list(indicator.values.order_by("-date"))

    html = page(member_client, indicator)

    table = html[html.index('<table class="indicator-values">') :]
    positions = [table.index(dotted(value.date)) for value in values]
    assert positions == sorted(positions)
    assert "Cible atteinte avec la mise en service du centre de congrès." in table
    assert '<th scope="col">Commentaire</th>' in table


def test_indicator_without_values_says_so_and_still_draws_its_target(member_client, demo):
    html = page(member_client, Indicator.objects.get(strategy=demo, code="s7"))

    svg = svg_of(html)
    assert "? sans donnée" in html
    assert "Aucune valeur mesurée" in svg
    assert 'class="chart-point"' not in svg
    assert 'class="chart-target"' in svg and 'class="chart-trajectory"' in svg
    assert "Aucune valeur mesurée." in html[html.index("Valeurs mesurées</h2>") :]


def test_operational_indicator_breadcrumbs_go_through_its_measure(member_client, demo):
    indicator = Indicator.objects.select_related("measure__domain").get(strategy=demo, code="i1")

    html = page(member_client, indicator)

    assert reverse("cockpit:axis", args=(demo.pk, indicator.measure.axis_id)) in html
    assert reverse("cockpit:measure", args=(demo.pk, indicator.measure_id)) in html
    assert '<span aria-current="page">Indicateur i1</span>' in html


def test_member_of_another_territory_gets_404(client, demo):
    client.force_login(MembershipFactory().user)

    response = client.get(indicator_url(Indicator.objects.get(strategy=demo, code="s1")))

    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(client, demo):
    url = indicator_url(Indicator.objects.get(strategy=demo, code="s1"))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/comptes/login/?next={url}"


def test_indicator_of_another_strategy_under_this_strategy_url_is_404(member_client, demo):
    other = StrategyFactory(territory=demo.territory, short_name="AUTRE")
    stranger = IndicatorFactory(axis__strategy=other)

    response = member_client.get(reverse("cockpit:indicator", args=(demo.pk, stranger.pk)))

    assert response.status_code == 404
    assert member_client.get(indicator_url(stranger)).status_code == 200


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, sessions) first
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def indicator_with(demo, code: str, count: int) -> Indicator:
    indicator = IndicatorFactory(
        code=code,
        axis=Axis.objects.get(strategy=demo, number=1),
        baseline_value=Decimal(5),
        baseline_date=datetime.date(2019, 12, 31),
    )
    for index in range(count):
        IndicatorValueFactory(
            indicator=indicator,
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * index),
            value=Decimal(10 + index),
            comment=f"Relevé {index}",
        )
    return indicator


def test_indicator_page_queries_do_not_grow_with_values(member_client, demo):
    few = queries_for(member_client, indicator_url(indicator_with(demo, "few", 2)))
    many = queries_for(member_client, indicator_url(indicator_with(demo, "many", 40)))

    assert many == few


def test_indicator_page_renders_in_english(member_client, demo):
    indicator = Indicator.objects.get(strategy=demo, code="s5")

    response = member_client.get(indicator_url(indicator), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "1.4 %" in html  # English number formatting in the values table
    with translation.override("en"):
        assert member_client.get(indicator_url(indicator)).status_code == 200
