"""The demo strategy's pages and Excel packs as normalised text, and their golden files.

The demo is dated relative to the day it is loaded (demo/data.py), and the pages compute marks,
statuses, lateness and trajectories on the day they are read: ``frozen_clock()`` stops
``django.utils.timezone.now`` (and so ``timezone.localdate()``, which every view, model and the
loader use) at ``FROZEN_NOW`` for the demo's loading and every page, so that the texts do not
depend on the day the tests run. The ids of the database never appear: links are normalised
(tests/demo/golden_text.py) and pages are named by business keys (axis number, measure,
project and indicator code, workshop number).

``pages(strategy)`` names every page a user reaches in the demo strategy; ``collect_pages``
reads them with a logged-in superuser's client, ``collect_packs`` the Excel packs, one text per
sheet. ``write_golden`` records the texts into tests/demo/golden/<name>.txt;
``RECORD_GOLDEN=1 pytest tests/demo/test_demo_unchanged.py`` does it from the current code.
"""

from __future__ import annotations

import datetime
import difflib
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from indicators.models import Indicator
from projects.models import Project
from strategies.models import Measure, Strategy
from tests.demo.golden_text import page_text, workbook_text
from workshops.models import Workshop

GOLDEN_DIR = Path(__file__).parent / "golden"
#: The day the demo is loaded and read: a Monday, at 10:00 in Zurich.
FROZEN_NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Zurich"))
#: How many project and indicator pages (the first by code), and public measure pages.
SAMPLE = 5
PACK_PREFIX = "pack-"


@contextmanager
def frozen_clock():
    with mock.patch("django.utils.timezone.now", lambda: FROZEN_NOW.astimezone(datetime.UTC)):
        yield


@dataclass(frozen=True)
class Page:
    url: str
    htmx: bool = False


def by_code(objects) -> list:
    """``objects`` in the natural order of their codes: m1, m2, …, m10."""

    def key(obj):
        return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", obj.code)]

    return sorted(objects, key=key)


def pages(strategy: Strategy) -> dict[str, Page]:
    """Every page of ``strategy`` that the golden files hold, by name, in a fixed order."""
    pk = strategy.pk
    axes = list(strategy.axes.order_by("number"))
    measures = by_code(Measure.objects.for_strategy(strategy))
    projects = by_code(Project.objects.filter(strategy=strategy))[:SAMPLE]
    indicators = by_code(Indicator.objects.for_strategy(strategy))[:SAMPLE]
    workshops = Workshop.objects.filter(strategy=strategy).order_by("number")

    def url(name: str, *args) -> str:
        return reverse(name, args=[pk, *args])

    found = {
        "home": Page(reverse("cockpit:home")),
        "strategy": Page(url("cockpit:strategy")),
    }
    for axis in axes:
        found[f"axis-{axis.number}"] = Page(url("cockpit:axis", axis.pk))
        found[f"axis-{axis.number}-table-htmx"] = Page(url("cockpit:axis_table", axis.pk), True)
    found |= {f"measure-{m.code}": Page(url("cockpit:measure", m.pk)) for m in measures}
    found |= {f"project-{p.code}": Page(url("cockpit:project", p.pk)) for p in projects}
    found |= {f"indicator-{i.code}": Page(url("cockpit:indicator", i.pk)) for i in indicators}
    found |= {
        "timeline": Page(url("cockpit:timeline")),
        "effectiveness": Page(url("cockpit:effectiveness")),
        "communes": Page(url("cockpit:communes")),
        "workshops": Page(url("cockpit:workshops")),
    }
    found |= {f"workshop-{w.number}": Page(url("cockpit:workshop", w.pk)) for w in workshops}
    found |= {
        "proposals": Page(url("prioritisation:proposals")),
        "ranking": Page(url("prioritisation:ranking")),
        "scoring": Page(url("prioritisation:scoring")),
    }
    # The public cockpit (the strategy is made public while these pages are read).
    found |= {
        "public-home": Page(reverse("public:home")),
        "public-strategy": Page(url("public:strategy")),
    }
    found |= {f"public-axis-{a.number}": Page(url("public:axis", a.pk)) for a in axes}
    found |= {
        f"public-measure-{m.code}": Page(url("public:measure", m.pk)) for m in measures[:SAMPLE]
    }
    found |= {f"public-indicator-{i.code}": Page(url("public:indicator", i.pk)) for i in indicators}
    # The admin: the changelists of the cascade, the change form of a measure and a project.
    for model in ("strategies.axis", "strategies.domain", "strategies.measure"):
        found[f"admin-{model}-list"] = admin_page(model, "changelist")
    found["admin-projects.project-list"] = admin_page("projects.project", "changelist")
    found["admin-indicators.indicator-list"] = admin_page("indicators.indicator", "changelist")
    found[f"admin-strategies.measure-{measures[0].code}"] = admin_page(
        "strategies.measure", "change", measures[0].pk
    )
    found[f"admin-projects.project-{projects[0].code}"] = admin_page(
        "projects.project", "change", projects[0].pk
    )
    return found


def admin_page(model: str, view: str, *args) -> Page:
    app_label, model_name = model.split(".")
    return Page(reverse(f"admin:{app_label}_{model_name}_{view}", args=args))


def is_public(name: str) -> bool:
    return name.startswith("public-")


def read_page(client: Client, page: Page) -> str:
    headers = {"HX-Request": "true"} if page.htmx else {}
    response = client.get(page.url, headers=headers)
    assert response.status_code == 200, f"{page.url} answered {response.status_code}"
    return page_text(response.content.decode())


@contextmanager
def made_public(strategy: Strategy):
    """``strategy`` marked public for the time of the block (``update()``: no history row)."""
    Strategy.objects.filter(pk=strategy.pk).update(is_public=True)
    try:
        yield
    finally:
        Strategy.objects.filter(pk=strategy.pk).update(is_public=strategy.is_public)


def read_named_page(client: Client, strategy: Strategy, name: str) -> str:
    page = pages(strategy)[name]
    if not is_public(name):
        return read_page(client, page)
    with made_public(strategy):
        return read_page(Client(), page)


def collect_pages(strategy: Strategy, client: Client) -> dict[str, str]:
    """The normalised text of every page of ``pages(strategy)``, read by ``client`` (a logged-in
    superuser), the public pages without login."""
    return {name: read_named_page(client, strategy, name) for name in pages(strategy)}


def packs(strategy: Strategy) -> dict[str, str]:
    """The Excel packs, by name: the cockpit's, and the pack of each workshop (a past one is read
    back from the history, the next one shows today's state)."""
    found = {"strategy": reverse("cockpit:pack", args=[strategy.pk])}
    for workshop in Workshop.objects.filter(strategy=strategy).order_by("number"):
        found[f"workshop-{workshop.number}"] = reverse(
            "cockpit:workshop_pack", args=[strategy.pk, workshop.pk]
        )
    return found


def read_pack(client: Client, url: str) -> dict[str, str]:
    """The normalised text of each sheet of the pack at ``url``, by sheet title."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return workbook_text(response.content)


def pack_file_name(pack: str, sheet: str) -> str:
    return f"{PACK_PREFIX}{pack}-{slugify(sheet)}"


def collect_packs(strategy: Strategy, client: Client) -> dict[str, str]:
    """The normalised text of every sheet of every pack, by golden file name."""
    return {
        pack_file_name(pack, sheet): text
        for pack, url in packs(strategy).items()
        for sheet, text in read_pack(client, url).items()
    }


# --- Golden files -------------------------------------------------------------------------------


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.txt"


def recorded_names(prefix: str = "") -> list[str]:
    """The names of the golden files (starting with ``prefix``), sorted."""
    return sorted(path.stem for path in GOLDEN_DIR.glob(f"{prefix}*.txt"))


def read_golden(name: str) -> str:
    return golden_path(name).read_text(encoding="utf-8")


def write_golden(texts: dict[str, str]) -> None:
    """Write every text into its golden file and remove the golden files of no text."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    for name in set(recorded_names()) - set(texts):
        golden_path(name).unlink()
    for name, text in texts.items():
        golden_path(name).write_text(text, encoding="utf-8")


def difference(name: str, actual: str, max_lines: int = 60) -> str | None:
    """None when ``actual`` is the recorded text of ``name``, else the start of a unified diff."""
    expected = read_golden(name)
    if actual == expected:
        return None
    diff = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            fromfile=f"tests/demo/golden/{name}.txt (recorded)",
            tofile=f"{name} (now)",
            lineterm="",
        )
    )
    more = f"\n… {len(diff) - max_lines} more lines of diff" if len(diff) > max_lines else ""
    return f"{name} changed:\n" + "\n".join(diff[:max_lines]) + more
