"""Data age on every figure: the date of an indicator's value and « ⏱ à actualiser » on the
steering table, the indicator page, the pack and the public cockpit, and the share of figures up
to date in the cockpit's header and the pack's Synthèse."""

from __future__ import annotations

import datetime
import html as html_lib
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from steering.rollups import data_share
from tests.factories import (
    AxisFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MembershipFactory,
    ProjectFactory,
    StrategyFactory,
)

TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def backdate(project: Project, days: int) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(ago(days), datetime.time(9)))
    project.history.update(history_date=moment)


@pytest.fixture
def plan(db):
    """Four yearly indicators (fresh, stale, without value, fresh) and four projects (two open
    with news, one open without news for 120 days, one done long ago): 4 / 7 up to date."""
    strategy = StrategyFactory(start_year=TODAY.year - 2, horizon_year=TODAY.year + 4)
    axis = AxisFactory(strategy=strategy)
    indicators = {}
    for code, age in (("s1", 30), ("s2", 600), ("s3", None), ("s4", 400)):
        indicator = IndicatorFactory(axis=axis, code=code, baseline_value=Decimal(0))
        if age is not None:
            IndicatorValueFactory(indicator=indicator, date=ago(age), value=Decimal(20))
        indicators[code] = indicator
    projects = {}
    for code, status, age in (
        ("p1", Project.Status.IN_PROGRESS, 10),
        ("p2", Project.Status.PLANNED, 89),
        ("p3", Project.Status.IN_PROGRESS, 120),
        ("p4", Project.Status.DONE, 500),
    ):
        projects[code] = ProjectFactory(
            measure__domain__axis=axis, code=code, status=status, axis=axis
        )
        backdate(projects[code], age)
    return strategy, indicators, projects


@pytest.fixture
def member(client, plan):
    client.force_login(MembershipFactory(territory=plan[0].territory).user)
    return client


def test_share_counts_indicators_without_value_and_open_projects_without_news(plan):
    share = data_share(plan[0], TODAY)
    assert (share.indicators_fresh, share.indicators) == (2, 4)
    assert (share.projects_fresh, share.projects) == (2, 3)
    assert (share.fresh, share.total, share.percent) == (4, 7, Decimal(57))


def test_share_reads_as_a_sentence_with_its_counts(plan):
    share = data_share(plan[0], TODAY)
    assert share.sentence == f"57 % des données à jour au {TODAY:%d.%m.%Y}"
    assert share.counts(plan[0].levels) == "4 / 7 : 2 / 4 indicateurs, 2 / 3 projets ouverts"


def test_a_confirmation_counts_a_project_as_up_to_date(plan):
    strategy, _indicators, projects = plan
    Project.objects.filter(pk=projects["p3"].pk).update(confirmed_at=timezone.now())
    assert data_share(strategy, TODAY).projects_fresh == 3


def test_cockpit_overview_gives_the_share_of_data_up_to_date(member, plan):
    page = member.get(reverse("cockpit:strategy", args=[plan[0].pk])).content.decode()
    start = page.index('id="overview-freshness-title"')
    header = text(page[start : page.index("</section>", start)])
    assert f"57 % des données à jour au {TODAY:%d.%m.%Y}" in header
    assert "(4 / 7 : 2 / 4 indicateurs, 2 / 3 projets ouverts)" in header


def test_steering_table_shows_each_value_date_and_flags_stale_ones(member, plan):
    page = member.get(reverse("cockpit:strategy", args=[plan[0].pk])).content.decode()
    rows = {
        code: text(row)
        for row in re.findall(r"<tr.*?</tr>", page, re.S)
        if (code := re.search(r">(s\d)</a>", row) and re.search(r">(s\d)</a>", row).group(1))
    }
    assert f"({ago(30):%d.%m.%Y})" in rows["s1"] and "à actualiser" not in rows["s1"]
    assert f"({ago(600):%d.%m.%Y}) ⏱ à actualiser" in rows["s2"]
    assert "à actualiser" not in rows["s3"]


def test_indicator_page_gives_the_value_date_and_the_stale_sentence(member, plan):
    strategy, indicators, _projects = plan
    url = reverse("cockpit:indicator", args=[strategy.pk, indicators["s2"].pk])
    page = text(member.get(url).content.decode())
    assert f"valeur du {ago(600):%d.%m.%Y} (fréquence annuelle) ⏱ à actualiser" in page
    assert f"Dernière valeur du {ago(600):%d.%m.%Y}, à actualiser (annuelle)." in page


def test_public_cockpit_flags_stale_values_too(client, plan):
    strategy = plan[0]
    strategy.is_public = True
    strategy.save()
    page = text(client.get(reverse("public:strategy", args=[strategy.pk])).content.decode())
    assert f"({ago(600):%d.%m.%Y}) ⏱ à actualiser" in page
    assert "57 % des données à jour" in page


def test_pack_gives_the_share_the_value_dates_and_the_stale_flags(member, plan):
    content = member.get(reverse("cockpit:pack", args=[plan[0].pk])).content
    pack = openpyxl.load_workbook(io.BytesIO(content))
    facts = {row[0]: row[1] for row in pack["Synthèse"].iter_rows(max_col=2, values_only=True)}
    assert facts["Données à jour"] == (
        f"57 % des données à jour au {TODAY:%d.%m.%Y} "
        "(4 / 7 : 2 / 4 indicateurs, 2 / 3 projets ouverts)"
    )
    sheet = pack["Indicateurs"]
    assert sheet.cell(row=1, column=13).value == "Actualité de la valeur"
    age = {row[0]: row[12] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert age == {"s1": "à jour", "s2": "⏱ à actualiser", "s3": "–", "s4": "à jour"}
    statuses = {
        row[0]: row[6] for row in pack["Cockpit"].iter_rows(min_row=3, values_only=True) if row[0]
    }
    assert statuses["s2"].endswith(f"\n{ago(600):%d.%m.%Y} ⏱ à actualiser")
    assert statuses["s1"].endswith(f"\n{ago(30):%d.%m.%Y}")


def test_project_page_flags_a_project_without_news_since_its_last_change(member, plan):
    strategy, _indicators, projects = plan
    silent = reverse("cockpit:project", args=[strategy.pk, projects["p3"].pk])
    recent = reverse("cockpit:project", args=[strategy.pk, projects["p2"].pk])
    assert f"⏱ sans nouvelles depuis le {ago(120):%d.%m.%Y}" in text(
        member.get(silent).content.decode()
    )
    assert "sans nouvelles" not in text(member.get(recent).content.decode())
