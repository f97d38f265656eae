"""The workshop page's changes at scale: each kind counted whole, its first ``CHANGE_ROWS``
listed, the next ones appended on demand (htmx) or on a page of their own, in the order of
``changes_between``, in the same number of queries whatever the number of changes."""

import datetime
import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MembershipFactory,
    StrategyFactory,
)
from workshops.changes import changes_between
from workshops.models import Workshop

D1 = datetime.date(2024, 3, 1)
D2 = datetime.date(2024, 6, 1)
HTMX = {"HX-Request": "true"}
ROWS = 20
#: The view module (``cockpit.views`` exports its view under the same name).
workshop_views = import_module("cockpit.views.workshops")


def strategy_with_values(n_values: int):
    """A strategy whose second workshop's period holds ``n_values`` values of three indicators
    (an earlier value each, so that every change has a value before it)."""
    strategy = StrategyFactory(start_year=2020, horizon_year=2030)
    Workshop.objects.create(strategy=strategy, number=1, title="A", date=D1)
    workshop = Workshop.objects.create(strategy=strategy, number=2, title="B", date=D2)
    indicators = [IndicatorFactory(axis__strategy=strategy) for _ in range(3)]
    for indicator in indicators:
        IndicatorValueFactory(indicator=indicator, date=D1 - datetime.timedelta(days=40))
    for n in range(n_values):
        IndicatorValueFactory(
            indicator=indicators[n % 3],
            date=D1 + datetime.timedelta(days=1 + n // 3),
            value=Decimal(n),
        )
    return strategy, workshop


@pytest.fixture
def rows(monkeypatch):
    monkeypatch.setattr(workshop_views, "CHANGE_ROWS", ROWS)


def page_url(strategy, workshop, query=""):
    url = reverse("cockpit:workshop", args=[strategy.pk, workshop.pk])
    return f"{url}?{query}" if query else url


def values_group(response):
    return next(g for g in response.context["change_groups"] if g.kind == "value_recorded")


def test_the_page_lists_the_first_changes_of_a_kind_and_counts_them_all(client, db, rows):
    strategy, workshop = strategy_with_values(55)
    client.force_login(MembershipFactory(territory=strategy.territory).user)
    response = client.get(page_url(strategy, workshop))
    html = response.content.decode()
    assert len(values_group(response).changes) == ROWS
    assert 'Valeurs d&#x27;indicateurs mesurées <span class="muted">(55)</span>' in html
    assert "Voir la suite (encore 35 changements)" in html
    next_url = page_url(strategy, workshop, "changements=value_recorded&amp;page=2")
    assert f'hx-get="{next_url}"' in html


def test_the_next_changes_come_in_the_order_of_the_whole_period(client, db, rows):
    strategy, workshop = strategy_with_values(55)
    client.force_login(MembershipFactory(territory=strategy.territory).user)
    whole = [c for c in changes_between(strategy, *workshop.period()) if c.kind == "value_recorded"]
    assert len(whole) == 55 and all(change.before for change in whole)
    seen = []
    for number in (1, 2, 3):  # without JavaScript: a page of its own
        query = f"changements=value_recorded&page={number}"
        seen += values_group(client.get(page_url(strategy, workshop, query))).changes
    assert seen == whole
    fragment = client.get(
        page_url(strategy, workshop, "changements=value_recorded&page=2"), headers=HTMX
    ).content.decode()
    assert "<h1" not in fragment and "<h3" not in fragment  # items to append, nothing else
    assert len(re.findall(r"<time ", fragment)) == ROWS
    assert "Voir la suite (encore 15 changements)" in fragment


def test_a_bad_page_of_changes_answers_the_nearest_page(client, db, rows):
    strategy, workshop = strategy_with_values(25)
    client.force_login(MembershipFactory(territory=strategy.territory).user)
    for query in ("changements=value_recorded&page=x", "changements=nope&page=2"):
        assert client.get(page_url(strategy, workshop, query)).status_code == 200
    last = client.get(page_url(strategy, workshop, "changements=value_recorded&page=99"))
    assert len(values_group(last).changes) == 5


def test_the_workshop_page_runs_the_same_queries_at_two_sizes(client, db, rows):
    counts = []
    for n_values in (30, 90):
        strategy, workshop = strategy_with_values(n_values)
        client.force_login(MembershipFactory(territory=strategy.territory).user)
        for query, headers in (("", {}), ("changements=value_recorded&page=2", HTMX)):
            client.get(page_url(strategy, workshop, query), headers=headers)  # warm-up
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page_url(strategy, workshop, query), headers=headers)
            assert response.status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
