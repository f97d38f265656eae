"""The guides' screenshots and what each one shows, so that a page change forces new pictures.

``PICTURES`` lists every picture: the page it shows (a path built from the demo), the window
width and height, who is logged in, where to scroll, and the files it depends on: its journey
(tests/browser/make_guide_pictures.py, which runs these), this module, the templates and
stylesheets the page is drawn with, and the demo's data. ``make guide-pictures`` takes them in
French and English into static/guides/pictures/<language>/ and writes the SHA-256 of every input
to ``pictures.json``; tests/guides checks that the inputs still hash the same."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MANIFEST = Path(__file__).resolve().parent / "pictures.json"
PICTURES_DIR = Path(__file__).resolve().parent / "static" / "guides" / "pictures"
LANGUAGES = {"fr": "fr-CH", "en": "en-GB"}
DESKTOP, PHONE = 1280, 390

#: Every picture depends on these: the journey, this list and the demo's data.
COMMON_INPUTS = (
    "tests/browser/make_guide_pictures.py",
    "guides/pictures.py",
    "demo/data.py",
)
#: The frame and stylesheet of the commission's pages, and of the admin's.
SITE = ("templates/base.html", "static/cockpit/cockpit.css")
ADMIN = ("templates/admin/base_site.html", "static/cockpit/admin.css")


@dataclass(frozen=True)
class Picture:
    """One screenshot: ``path(demo)`` gives the page's path from what the journey set up (the
    demo strategy, an update round's link…)."""

    name: str
    path: Callable[[dict], str]
    width: int
    height: int
    templates: tuple[str, ...]
    user: str | None = "commission"
    #: An element scrolled to the top of the window before the picture (CSS selector).
    scroll_to: str | None = None
    frame: tuple[str, ...] = SITE

    @property
    def filename(self) -> str:
        return f"{self.name}.png"

    def inputs(self) -> tuple[str, ...]:
        return COMMON_INPUTS + self.frame + self.templates


def _strategy(demo: dict) -> str:
    return f"/strategies/{demo['strategy'].pk}/"


PICTURES: tuple[Picture, ...] = (
    Picture(
        "cockpit-1280",
        _strategy,
        DESKTOP,
        820,
        (
            "templates/cockpit/strategy.html",
            "templates/cockpit/includes/overview.html",
            "templates/cockpit/includes/portfolio.html",
        ),
    ),
    Picture(
        "cockpit-390",
        _strategy,
        PHONE,
        780,
        (
            "templates/cockpit/strategy.html",
            "templates/cockpit/includes/overview.html",
            "templates/cockpit/includes/portfolio.html",
        ),
    ),
    Picture(
        "indicator-1280",
        lambda demo: f"{_strategy(demo)}indicateurs/{demo['indicator'].pk}/",
        DESKTOP,
        900,
        (
            "templates/cockpit/indicator_detail.html",
            "templates/cockpit/includes/indicator_chart.svg",
        ),
    ),
    Picture(
        "workshop-1280",
        lambda demo: f"{_strategy(demo)}ateliers/{demo['workshop'].pk}/",
        DESKTOP,
        760,
        ("templates/cockpit/workshop.html",),
        scroll_to="#changes-title",
    ),
    Picture(
        "proposals-390",
        lambda demo: f"{_strategy(demo)}propositions/",
        PHONE,
        780,
        (
            "templates/prioritisation/proposals.html",
            "templates/prioritisation/includes/proposals.html",
        ),
        scroll_to=".proposal-form",
    ),
    Picture(
        "ranking-1280",
        lambda demo: f"{_strategy(demo)}priorisation/",
        DESKTOP,
        820,
        ("templates/prioritisation/ranking.html",),
    ),
    Picture(
        "import-1280",
        lambda demo: "/admin/projects/project/import/",
        DESKTOP,
        760,
        ("templates/admin/import_export/spreadsheet_import.html",),
        user="secretariat",
        frame=ADMIN,
    ),
    Picture(
        "update-round-390",
        lambda demo: demo["round_link"],
        PHONE,
        820,
        ("templates/rounds/owner_update.html",),
        user=None,
    ),
)


def sha256(relative: str) -> str:
    return hashlib.sha256((Path(settings.BASE_DIR) / relative).read_bytes()).hexdigest()


def input_hashes(picture: Picture) -> dict[str, str]:
    return {path: sha256(path) for path in picture.inputs()}


def manifest() -> dict:
    """What pictures.json should hold for the files as they are now."""
    return {picture.filename: input_hashes(picture) for picture in PICTURES}


def write_manifest() -> None:
    MANIFEST.write_text(json.dumps(manifest(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def stale_inputs(recorded: dict | None = None) -> list[str]:
    """« picture: input » for each input whose file no longer hashes as when the pictures were
    taken, and each picture missing from the manifest."""
    recorded = read_manifest() if recorded is None else recorded
    return sorted(
        f"{name}: {path}"
        for name, inputs in manifest().items()
        for path, digest in inputs.items()
        if recorded.get(name, {}).get(path) != digest
    )
