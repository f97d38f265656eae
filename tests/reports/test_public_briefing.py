"""The public cockpit's PDF briefing: for a strategy marked public only, and without what the
public cockpit hides (budgets, funding, comments, decisions, people). Rendered once for the
module (WeasyPrint takes seconds)."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from tests.cockpit.test_public_cockpit import AMOUNTS, HIDDEN, NOTICE, shows
from tests.territories import make_public, world_fixture

world = world_fixture()


@pytest.fixture(scope="module")
def public_pdf(world, django_db_blocker) -> tuple[pypdf.PdfReader, str]:
    with django_db_blocker.unblock():
        make_public(world.a.strategy)
        response = Client().get(reverse("public:briefing", args=[world.a.strategy.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


def test_public_briefing_shows_no_budget_funding_comment_decision_nor_person(public_pdf):
    _reader, text = public_pdf
    assert NOTICE in text
    for secret in HIDDEN:
        assert not shows(text, secret), secret
    assert not AMOUNTS.search(text)
    assert "Budget" not in text and "Annexe : décisions" not in text


def test_public_briefing_shows_the_axes_indicators_and_projects(public_pdf, world):
    reader, text = public_pdf
    assert "Stratégie A" in text
    assert "Axe 1 : Axe du territoire A" in text
    assert "Indicateur A" in text and "Projet A" in text
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])


def test_public_briefing_of_a_strategy_that_is_not_public_is_not_found(world, db):
    response = Client().get(reverse("public:briefing", args=[world.b.strategy.pk]))
    assert response.status_code == 404


def test_public_cockpit_links_to_the_public_briefing(public_pdf, world, db):
    pk = world.a.strategy.pk
    html = Client().get(reverse("public:strategy", args=[pk])).content.decode()
    assert f'href="{reverse("public:briefing", args=[pk])}"' in html
    assert f'href="{reverse("cockpit:briefing", args=[pk])}' not in html  # no member page
