"""A basic audit of what the cockpit shows: status colours readable on white (WCAG AA 4.5:1),
and every status mark carrying a symbol and a word besides its colour."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import Status
from projects.models import Mark
from steering.templatetags.cockpit_extras import mark_badge, status_badge

CSS = (Path(settings.BASE_DIR) / "static" / "cockpit" / "cockpit.css").read_text()


def css_variable(name: str) -> str:
    match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert match, f"--{name} is not defined in cockpit.css"
    return match.group(1)


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("name", ["ink", "muted", "accent", "ok", "warning", "ko", "neutral"])
def test_text_colours_reach_aa_contrast_on_white(name):
    assert contrast(css_variable(name), "#ffffff") >= 4.5


@pytest.mark.parametrize(
    ("colour", "background"), [("ok", "ok-bg"), ("warning", "warning-bg"), ("ko", "ko-bg")]
)
def test_status_colours_stay_readable_on_their_highlight(colour, background):
    assert contrast(css_variable(colour), css_variable(background)) >= 4.5


def test_white_header_text_reaches_aa_contrast_on_the_accent():
    assert contrast("#ffffff", css_variable("accent")) >= 4.5


@pytest.mark.parametrize("mark", list(Mark), ids=str)
def test_every_project_mark_has_a_symbol_and_a_word(mark):
    html = mark_badge(mark.value, 3)
    assert mark.symbol in html
    assert re.search(r"[a-zé]{4,}", html.split("</span>")[0].split(">", 1)[1])


@pytest.mark.parametrize("status", list(Status), ids=str)
def test_every_indicator_status_has_a_symbol_and_a_word(status):
    html = status_badge(status.value, title="pourquoi")
    assert status.symbol in html
    assert re.search(r"[a-zé]{4,}", html.split(">", 1)[1])
    assert 'title="pourquoi"' in html
