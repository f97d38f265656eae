"""The English mode is complete: every page of a member and of the public, read in English, has no
French word and no French typography (a space before « : ; ! ? ») in what the cockpit itself
writes. The demo's own data (titles, names, comments) stays French and is left out of the check."""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from tests.cockpit.demo_pages import MEMBER_PAGES, PUBLIC_PAGES, page_url
from tests.territories import make_public

#: Words of the French interface that have no place in an English page.
FRENCH_WORDS = re.compile(
    r"\b(aujourd|Aucune?|valeurs?|mesurées?|Anglais|Français|Indicateurs|Objectif|état|"
    r"trajectoire|visé|depuis|avec|sans|pour|les|des|du|une?)\b",
    re.IGNORECASE,
)
SPACED_PUNCTUATION = re.compile(r"[^\n]{0,30}\S[ \u00a0\u202f]+[:;!?](?=\s|$|<)")


@pytest.fixture(scope="module")
def stored_texts(shared_demo, django_db_blocker) -> list[str]:
    with django_db_blocker.unblock():
        return _stored_texts()


def _stored_texts() -> list[str]:
    """Every text the database holds (the demo's data), whole and line by line, longest first."""
    texts: set[str] = set()
    for model in apps.get_models():
        # jobs: the background jobs, in a database of their own (jobs/router.py) that a module run
        # alone does not create, and holding none of the demo's texts.
        if model._meta.app_label in {"contenttypes", "sessions", "admin", "auth", "axes", "jobs"}:
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            for value in row:
                texts.update(text for text in [value, *value.splitlines()] if len(text) > 1)
    return sorted(texts, key=len, reverse=True)


def _chrome(page: str, stored: list[str]) -> str:
    """The page's own words: the page without the stored data, its parts marked as French (the
    French language button) and the attributes that hold no words."""
    text = html.unescape(page)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL)
    text = re.sub(r"<(\w+)[^>]*\blang=\"fr\"[^>]*>.*?</\1>", " ", text, flags=re.DOTALL)
    for value in stored:
        text = text.replace(value, "⟨data⟩")
    text = re.sub(r"\b(lang|hreflang|href|src|class|id|name|value|action)=\"[^\"]*\"", " ", text)
    return text


@pytest.fixture
def english_reader(client, demo):
    make_public(demo)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("name", MEMBER_PAGES + PUBLIC_PAGES)
def test_every_page_read_in_english_has_no_french_words_or_spacing(
    english_reader, demo, stored_texts, name
):
    user = "secretariat" if name == "scoring" else "commission"
    if not name.startswith("public"):
        english_reader.force_login(get_user_model().objects.get(username=user))
    response = english_reader.get(page_url(demo, name))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    chrome = _chrome(page, stored_texts)
    assert SPACED_PUNCTUATION.findall(chrome) == []
    assert [
        re.sub(r"\s+", " ", chrome[max(0, m.start() - 30) : m.end() + 30])
        for m in FRENCH_WORDS.finditer(chrome)
    ] == []


def test_each_language_button_is_labelled_in_its_own_language(english_reader, demo):
    page = english_reader.get(page_url(demo, "public_home")).content.decode()
    buttons = re.findall(r"<button[^>]*name=\"language\"[^>]*>", page)
    assert any('lang="fr"' in button and 'title="français"' in button for button in buttons)
    assert any('lang="en"' in button and 'title="English"' in button for button in buttons)
