"""Shared fixtures: every test runs in French (the source language), whatever ran before."""

import pytest
from django.utils import translation

from tests.factories import StrategyFactory


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def strategy(db):
    """A strategy from 2020 to 2030 with the default thresholds (95 % and 70 %)."""
    return StrategyFactory(start_year=2020, horizon_year=2030)
