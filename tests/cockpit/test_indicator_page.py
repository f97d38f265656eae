"""The indicator page: its facts, its status and why, its trend chart and its values."""

import datetime
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from indicators.models import Indicator, IndicatorValue
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


def indicator_with_many(demo, code: str, count: int) -> Indicator:
    """``count`` weekly values, the lowest at a third of them and the highest at two thirds."""
    indicator = IndicatorFactory(
        code=code, axis=Axis.objects.get(strategy=demo, number=1), baseline_value=Decimal(5)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            date=datetime.date(1990, 1, 1) + datetime.timedelta(days=7 * index),
            value=Decimal(
                -50 if index == count // 3 else 500 if index == 2 * count // 3 else 10 + index % 37
            ),
            comment=f"Relevé {index}",
        )
        for index in range(count)
    )
    return indicator


def table_rows(html: str) -> list[str]:
    table = html[html.index('<table class="indicator-values">') : html.index("</table>")]
    return re.findall(r'<time datetime="([0-9-]+)"', table)


def test_indicator_page_queries_are_the_same_at_20_and_2000_values(
    member_client, demo, django_assert_num_queries
):
    few = queries_for(member_client, indicator_url(indicator_with_many(demo, "few", 20)))
    many = indicator_url(indicator_with_many(demo, "many", 2000))

    with django_assert_num_queries(few):
        assert member_client.get(many).status_code == 200


def test_values_table_shows_50_newest_values_and_a_pager_keeping_the_query(member_client, demo):
    indicator = indicator_with_many(demo, "paged", 120)
    newest = [str(day) for day in indicator.values.order_by("-date").values_list("date", flat=True)]

    html = member_client.get(indicator_url(indicator) + "?vue=x").content.decode()

    assert table_rows(html) == newest[:50]
    assert 'class="pager"' in html and "Page 1 sur 3 (120 valeurs)" in html
    assert 'href="?vue=x&amp;page=2#values-title"' in html
    second = member_client.get(indicator_url(indicator) + "?vue=x&page=2").content.decode()
    assert table_rows(second) == newest[50:100]
    assert 'href="?vue=x&amp;page=1#values-title"' in second
    assert 'href="?vue=x&amp;page=3#values-title"' in second


def test_chart_at_2000_values_is_reduced_and_keeps_first_last_min_and_max(member_client, demo):
    indicator = indicator_with_many(demo, "dense", 2000)

    svg = svg_of(page(member_client, indicator))

    polyline = re.search(r'<polyline class="chart-values" points="([^"]*)"', svg).group(1)
    points = [tuple(map(float, pair.split(","))) for pair in polyline.split()]
    assert 2 < len(points) <= 720 - 96  # at most one point per pixel of the plot
    assert svg.count('class="chart-point"') == len(points)
    ys = [y for _, y in points]
    lowest, highest = indicator.values.order_by("value")[0], indicator.values.order_by("-value")[0]
    labels = re.findall(r'<circle class="chart-point"[^>]*><title>([^<]*)</title>', svg)
    for row in (
        lowest,
        highest,
        *indicator.values.order_by("date")[:1],
        *indicator.values.order_by("-date")[:1],
    ):
        assert any(dotted(row.date) in label for label in labels), row.date

    def y_on(day: datetime.date) -> float:
        return next(y for (_, y), label in zip(points, labels, strict=True) if dotted(day) in label)

    assert max(ys) == y_on(lowest.date) and min(ys) == y_on(highest.date)  # SVG's y points down
    assert "2000 valeurs mesurées" in svg


def test_a_crafted_page_parameter_gives_a_page_never_a_500(member_client, demo):
    indicator = indicator_with_many(demo, "crafted", 60)
    newest = [str(day) for day in indicator.values.order_by("-date").values_list("date", flat=True)]

    for crafted in ("abc", "0", "-1", "1e9999", "9" * 400, "2.5", "", "[]", "%C3%A9"):
        response = member_client.get(indicator_url(indicator) + f"?page={crafted}")
        assert response.status_code == 200, crafted
        rows = table_rows(response.content.decode())
        assert rows in (newest[:50], newest[50:]), crafted
    # A NUL byte is refused as a bad request by the address checks, before the page.
    assert member_client.get(indicator_url(indicator) + "?page=%00").status_code == 400


def test_values_pager_reads_in_english(member_client, demo):
    indicator = indicator_with_many(demo, "english", 60)

    html = member_client.get(indicator_url(indicator), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Page 1 of 2 (60 values)" in html and "older ›" in html
