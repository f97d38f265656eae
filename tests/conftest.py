"""Shared fixtures: every test runs in French (the source language), whatever ran before."""

import pytest
from django.utils import translation

from strategies.models import Strategy
from tests.factories import StrategyFactory


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def strategy(db):
    """A strategy from 2020 to 2030 with the default thresholds (95 % and 70 %)."""
    return StrategyFactory(start_year=2020, horizon_year=2030)


@pytest.fixture
def demo(db):
    """The demo territory (Crans-Montana, SDI 2028) with its two accounts."""
    import io

    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    return Strategy.objects.get(short_name="SDI")


@pytest.fixture
def member_client(client, demo):
    """A commission member (viewer of the demo territory), logged in."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="commission"))
    return client
