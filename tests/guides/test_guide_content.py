"""The guides themselves: the same guides and sections in French and English, links and pictures
that exist, pictures made from the pages as they are now (the manifest), Markdown that cannot
carry a script, and rules that say what the code does."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

import projects.models
from guides import content, pictures
from guides.links import HELP_LINKS
from indicators.models import Status
from projects.marks import Mark
from strategies.models import Strategy

STATIC = Path(settings.BASE_DIR) / "guides" / "static"


def rendered(slug: str, language: str) -> content.Guide:
    with translation.override(language):
        return content.render(slug, language)


def every_guide():
    return [(slug, language) for slug in content.GUIDES for language in content.LANGUAGES]


def test_each_guide_exists_in_french_and_in_english():
    for language in content.LANGUAGES:
        files = {path.stem for path in (content.CONTENT / language).glob("*.md")}
        assert files == set(content.GUIDES), language


@pytest.mark.parametrize("slug", content.GUIDES)
def test_a_guide_has_the_same_sections_in_both_languages(slug):
    french, english = rendered(slug, "fr"), rendered(slug, "en")

    assert french.anchors == english.anchors
    assert [s.anchor for s in french.sections] == [s.anchor for s in english.sections]


def test_every_section_a_page_links_to_exists_in_both_languages():
    for page, target in HELP_LINKS.items():
        for language in content.LANGUAGES:
            assert target.anchor in rendered(target.guide, language).anchors, (page, language)


@pytest.mark.parametrize(("slug", "language"), every_guide())
def test_every_link_between_guides_lands_on_a_section(slug, language):
    guide = rendered(slug, language)

    assert "guide:" not in guide.html
    for href in re.findall(r'href="([^"]+)"', guide.html):
        if href.startswith("#"):
            assert href[1:] in guide.anchors, href
        elif href.startswith("/static/guides/pictures/"):
            assert (STATIC / href.removeprefix("/static/")).is_file(), href
        elif href.startswith("/aide/"):
            match = re.fullmatch(r"/aide/([\w-]+)/(?:#([\w-]+))?", href)
            assert match and content.exists(match[1], language), href
            if match[2]:
                assert match[2] in rendered(match[1], language).anchors, href
        else:
            assert href.startswith(("https://", "mailto:")), href


@pytest.mark.parametrize(("slug", "language"), every_guide())
def test_every_picture_of_a_guide_exists_and_says_what_it_shows(slug, language):
    guide = rendered(slug, language)

    for tag in re.findall(r"<img[^>]*>", guide.html):
        alt = re.search(r'alt="([^"]*)"', tag)
        assert alt and len(alt[1].strip()) > 10, tag
        path = re.search(r'src="/static/([^"]+)"', tag)[1]
        assert path.startswith(f"guides/pictures/{language}/"), tag
        assert (STATIC / path).is_file(), f"{path} is missing: run make guide-pictures"


def test_every_picture_is_shown_by_a_guide_in_each_language():
    for language in content.LANGUAGES:
        shown = {
            Path(path).name
            for slug in content.GUIDES
            for path in content.pictures_in(rendered(slug, language).html)
        }
        assert shown == {picture.filename for picture in pictures.PICTURES}, language


def test_the_pictures_stay_small():
    files = list((STATIC / "guides" / "pictures").rglob("*.png"))
    assert len(files) == len(pictures.PICTURES) * len(pictures.LANGUAGES)
    assert sum(path.stat().st_size for path in files) < 3_000_000


def test_the_pictures_were_taken_from_the_pages_as_they_are_now():
    """A template, stylesheet, journey or the demo's data changed since the pictures were taken:
    they may show what the product no longer looks like."""
    stale = pictures.stale_inputs()

    assert not stale, "run make guide-pictures, then commit the pictures:\n" + "\n".join(stale)
    assert set(pictures.read_manifest()) == {picture.filename for picture in pictures.PICTURES}


def test_a_changed_template_makes_its_pictures_stale(settings, tmp_path):
    """The check above can fail: a copy of the project where the workshop page changed."""
    for picture in pictures.PICTURES:
        for relative in picture.inputs():
            copy = tmp_path / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes((Path(settings.BASE_DIR) / relative).read_bytes())
    recorded = pictures.manifest()
    settings.BASE_DIR = tmp_path
    assert pictures.stale_inputs(recorded) == []

    page = tmp_path / "templates/cockpit/workshop.html"
    page.write_text(page.read_text() + "<p>Nouveau</p>")

    assert pictures.stale_inputs(recorded) == ["workshop-1280.png: templates/cockpit/workshop.html"]


def test_a_script_in_a_guide_is_stripped():
    markdown = (
        "# Titre\n\nTexte.\n\n<script>alert('x')</script>\n\n"
        '<a href="javascript:alert(1)" onclick="alert(2)">lien</a>\n\n'
        '<img src="x.png" onerror="alert(3)" alt="image">\n\n'
        '<p style="color: red">rouge</p>\n\n<iframe src="https://example.org"></iframe>\n'
    )

    html = content.render_text("essai", "fr", markdown).html

    assert "alert" not in html
    assert "<script" not in html and "<iframe" not in html
    assert "style=" not in html and "javascript:" not in html
    assert "rouge" in html and "lien" in html


def test_an_unknown_placeholder_is_an_error_not_a_blank():
    with pytest.raises(content.UnknownPlaceholder):
        content.render_text("essai", "fr", "# Titre\n\n{{ seuil_inconnu }}\n")


def french_guide_text() -> str:
    return re.sub(r"<[^>]+>", "", rendered("commission", "fr").html)


def test_the_status_rules_state_the_codes_thresholds():
    on_track = Strategy._meta.get_field("on_track_threshold").default
    warning = Strategy._meta.get_field("warning_threshold").default
    text = french_guide_text()

    assert f"au moins {on_track:.0f} % de la progression attendue" in text
    assert f"au moins {warning:.0f} % de la progression attendue" in text
    assert (
        f"finit dans {projects.models.DUE_SOON_DAYS} jours ou moins avec moins de "
        f"{projects.models.DUE_SOON_PROGRESS} % d'avancement"
    ) in text
    for word in [*Status, *Mark]:
        assert word.text in text


def test_a_changed_threshold_changes_the_guide(monkeypatch):
    before = french_guide_text()
    monkeypatch.setattr(projects.models, "DUE_SOON_DAYS", 45)
    monkeypatch.setattr(Strategy._meta.get_field("on_track_threshold"), "default", Decimal("90.00"))

    after = french_guide_text()

    assert "finit dans 45 jours ou moins" in after and "45 jours" not in before
    assert "au moins 90 % de la progression attendue" in after


def test_the_english_guide_reads_the_same_thresholds_in_english_words():
    with translation.override("en"):
        guide = content.render("commission", "en")

    text = re.sub(r"<[^>]+>", "", guide.html)
    assert f"ends within {projects.models.DUE_SOON_DAYS} days" in text
    assert "✗ off track" in text and "✗ late" in text


def test_the_guides_show_the_demos_level_names_as_the_strategys_own():
    from guides.rules import demo_levels

    for language in content.LANGUAGES:
        with translation.override(language):
            levels = demo_levels()
            assert levels in rendered("commission", language).html
            assert levels in rendered("secretariat", language).html


@pytest.mark.parametrize("language", content.LANGUAGES)
def test_the_help_index_lists_the_guides_in_the_readers_language(db, language):
    client = Client(headers={"accept-language": language})
    client.cookies["django_language"] = language

    html = client.get("/aide/").content.decode()

    for slug in content.GUIDES:
        assert rendered(slug, language).title.replace("'", "&#x27;") in html


def test_the_import_confirmation_delay_is_the_installations(settings):
    settings.SPREADSHEET_IMPORT_CONFIRM_MAX_AGE = 1800

    text = re.sub(r"<[^>]+>", "", rendered("secretariat", "fr").html)

    assert "elle ne vaut que 30 minutes" in text
