"""The PDF briefing (reports/briefing.py), opened back with pypdf: a tagged A4 document with its
language and title, an outline and a table of contents, the synthesis figures of the Excel pack and
of the cockpit page, a cover that says what state (and which filters) it shows; members only; a
failed render leaves no file; a large strategy's briefing comes from the task worker.

WeasyPrint takes seconds: the demo's briefings are rendered once for the module (``rendered``)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html import unescape

import openpyxl
import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jobs.models import Job
from projects.models import Project
from reports.briefing import briefing_html
from strategies.models import Strategy
from tests.factories import UserFactory
from workshops.models import Workshop
from workshops.snapshot import Snapshot


@dataclass
class Rendered:
    workshop_pdf: pypdf.PdfReader
    workshop_name: str
    workshop_pack: openpyxl.Workbook
    strategy_pdf: pypdf.PdfReader
    strategy_name: str
    strategy_pack: openpyxl.Workbook
    page: str


def downloaded(response) -> tuple[bytes, str]:
    assert response.status_code == 200, response.status_code
    disposition = response["Content-Disposition"]
    return response.content, re.search(r'filename="?([^";]+)', disposition).group(1)


@pytest.fixture(scope="module")
def rendered(shared_demo, django_db_blocker) -> Rendered:
    """The demo's past workshop's briefing and pack, today's cockpit briefing, pack and page, as
    a commission member gets them."""
    with django_db_blocker.unblock(), translation.override("fr"):
        strategy = Strategy.objects.get(pk=shared_demo.strategy_pk)
        workshop = past_workshop(strategy)
        client = Client()
        client.force_login(get_user_model().objects.get(username="commission"))
        args = [strategy.pk, workshop.pk]
        workshop_pdf, workshop_name = downloaded(
            client.get(reverse("cockpit:workshop_briefing", args=args))
        )
        workshop_pack, _name = downloaded(client.get(reverse("cockpit:workshop_pack", args=args)))
        strategy_pdf, strategy_name = downloaded(
            client.get(reverse("cockpit:briefing", args=[strategy.pk]))
        )
        strategy_pack, _name = downloaded(client.get(reverse("cockpit:pack", args=[strategy.pk])))
        page = client.get(reverse("cockpit:strategy", args=[strategy.pk])).content.decode()
    return Rendered(
        pypdf.PdfReader(io.BytesIO(workshop_pdf)),
        workshop_name,
        openpyxl.load_workbook(io.BytesIO(workshop_pack)),
        pypdf.PdfReader(io.BytesIO(strategy_pdf)),
        strategy_name,
        openpyxl.load_workbook(io.BytesIO(strategy_pack)),
        page,
    )


def past_workshop(strategy: Strategy) -> Workshop:
    workshop = (
        Workshop.objects.filter(strategy=strategy, date__lt=timezone.localdate())
        .order_by("-date")
        .first()
    )
    workshop.strategy = strategy
    return workshop


def words(text: str) -> str:
    """Text with every kind of space as one plain space."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def pdf_text(reader: pypdf.PdfReader, pages: slice = slice(None)) -> str:
    return words(" ".join(page.extract_text() for page in reader.pages[pages]))


def synthesis_text(reader: pypdf.PdfReader) -> str:
    page = next(page for page in reader.pages if page.extract_text().startswith("Synthèse"))
    return words(page.extract_text())


def outline_titles(outline) -> list[str]:
    titles = []
    for entry in outline:
        titles += outline_titles(entry) if isinstance(entry, list) else [entry.title]
    return titles


def axis_titles(strategy: Strategy) -> list[str]:
    level = strategy.levels.axis.Singular
    return [f"{level} {axis.number} : {axis.title}" for axis in strategy.axes.all()]


# --- The document -------------------------------------------------------------------------------


def test_briefing_is_a_tagged_a4_pdf_with_its_language_and_title(rendered, demo):
    reader = rendered.workshop_pdf
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "fr"
    workshop = past_workshop(demo)
    assert reader.metadata.title.startswith("Briefing – ")
    assert f"atelier {workshop.number} du {workshop.date:%d.%m.%Y}" in reader.metadata.title
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)  # A4 portrait
    assert len(reader.pages) >= 3 + demo.axes.count()  # cover, contents, synthesis, the axes


def test_briefing_outline_and_contents_list_the_synthesis_each_axis_and_the_annexes(rendered, demo):
    reader = rendered.workshop_pdf
    expected = [
        "Synthèse",
        *axis_titles(demo),
        "Annexe : modèle d'efficacité",
        "Annexe : calendrier",
        "Annexe : priorisation",
        "Annexe : décisions",
    ]
    titles = outline_titles(reader.outline)
    assert [title for title in titles if title in expected] == expected
    contents = words(reader.pages[1].extract_text())
    assert contents.startswith("Sommaire")
    for title in expected:
        # Each entry with the number of its page (target-counter), and that page starts with it.
        number = int(re.search(rf"{re.escape(title)}[ .]*(\d+)", contents).group(1))
        assert words(reader.pages[number - 1].extract_text()).startswith(title), title


def test_past_workshop_briefing_cover_says_the_state_of_its_day(rendered, demo):
    workshop = past_workshop(demo)
    cover = pdf_text(rendered.workshop_pdf, slice(0, 1))
    assert demo.territory.name.upper() in cover.upper()
    assert demo.title in cover
    assert f"atelier {workshop.number} : {workshop.title}" in cover
    assert f"État au {workshop.date:%d.%m.%Y}, tel qu’enregistré ce jour-là" in cover
    expected_name = f"briefing-atelier-{workshop.number}_{workshop.date:%d.%m.%Y}.pdf"
    assert rendered.workshop_name.endswith(expected_name)


def test_briefing_text_is_selectable_and_its_charts_are_vectors(rendered, demo):
    reader = rendered.workshop_pdf
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        for name in objects:
            assert objects[name].get_object().get("/Subtype") != "/Image", name
    indicator = demo.indicators.filter(level="strategic").first()
    assert f"{indicator.code} – " in pdf_text(reader)


# --- One source of figures ---------------------------------------------------------------------


def pack_total(pack: openpyxl.Workbook) -> list:
    sheet = pack["Synthèse"]
    row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Toute la stratégie")
    return list(row)


def percent(fraction) -> str:
    return "–" if fraction is None else f"{round(fraction * 100)} %"


def money(amount, currency: str = "CHF") -> str:
    return f"{round(amount):,} {currency}".replace(",", " ")


def expected_total_rows(row: list) -> list[str]:
    """The pack's « Toute la stratégie » line as the briefing's three tables write it."""
    effect = [*row[1:7], percent(row[7])]
    implementation = [*row[8:22], percent(row[22])]
    budget = [money(amount) for amount in row[23:26]]
    return [
        " ".join(["Toute la stratégie", *map(str, part)])
        for part in (effect, implementation, budget)
    ]


@pytest.mark.parametrize("which", ["strategy", "workshop"])
def test_briefing_synthesis_figures_equal_the_excel_packs(rendered, which):
    reader = getattr(rendered, f"{which}_pdf")
    pack = getattr(rendered, f"{which}_pack")
    text = synthesis_text(reader)
    for line in expected_total_rows(pack_total(pack)):
        assert line in text, line


def test_briefing_synthesis_figures_equal_the_cockpit_pages(rendered):
    page = words(unescape(re.sub(r"<[^>]+>", "", rendered.page)))
    text = synthesis_text(rendered.strategy_pdf)
    patterns = [
        r"\d+ % réalisés · \d+ / \d+ engagés",  # the portfolio
        r"\d+ % d'atteinte moyenne",  # the strategic indicators
        r"\d+ % des données à jour au \d\d\.\d\d\.\d{4} \([^)]+\)",  # the data up to date
        r"budget : [\d ]+ CHF prévus, [\d ]+ CHF engagés, [\d ]+ CHF dépensés",
    ]
    for pattern in patterns:
        shown = re.search(pattern, page)
        assert shown, pattern
        assert shown.group(0) in text, shown.group(0)


# --- Filters, access, failures -----------------------------------------------------------------


def test_filtered_briefing_says_so_on_its_cover_and_in_its_file_name(member_client, demo):
    response = member_client.get(reverse("cockpit:briefing", args=[demo.pk]), {"late": "on"})
    content, name = downloaded(response)
    cover = pdf_text(pypdf.PdfReader(io.BytesIO(content)), slice(0, 1))
    assert "Briefing filtré : En retard seulement" in cover
    assert "_briefing_filtre-en-retard-seulement_" in name and name.endswith(".pdf")


def test_briefing_is_for_members_only(client, demo):
    workshop = past_workshop(demo)
    urls = [
        reverse("cockpit:briefing", args=[demo.pk]),
        reverse("cockpit:workshop_briefing", args=[demo.pk, workshop.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 404
    # Not public: the public briefing does not exist either.
    assert Client().get(reverse("public:briefing", args=[demo.pk])).status_code == 404


@pytest.fixture
def failing_weasyprint(monkeypatch):
    import weasyprint

    def broken(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(weasyprint, "HTML", broken)


def test_failed_render_gives_a_french_message_and_no_file(member_client, demo, failing_weasyprint):
    response = member_client.get(reverse("cockpit:briefing", args=[demo.pk]), follow=True)

    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    html = unescape(response.content.decode())
    assert "Le briefing PDF n'a pas pu être produit ; aucun fichier n'a été enregistré." in html


@pytest.fixture
def background(settings, tmp_path):
    settings.BRIEFING_BACKGROUND_PROJECTS = 0
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db(databases=["default", "jobs"])
def test_large_strategy_briefing_is_made_in_the_background_with_progress(
    member_client, demo, background, django_capture_on_commit_callbacks
):
    url = reverse("cockpit:workshop_briefing", args=[demo.pk, past_workshop(demo).pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.get(url)

    job = Job.objects.get(kind="workshop_briefing")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE and job.done == job.total > 0
    download = member_client.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf"
    assert job.download_name.endswith(".pdf")
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) > 3


@pytest.mark.django_db(databases=["default", "jobs"])
def test_failed_background_briefing_says_so_in_french_and_keeps_no_file(
    member_client, demo, background, failing_weasyprint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.get(reverse("cockpit:briefing", args=[demo.pk]))

    job = Job.objects.get(kind="strategy_briefing")
    assert job.state == Job.State.FAILED and not job.file_name
    assert job.message.startswith("Le briefing PDF n'a pas pu être produit")
    page = unescape(member_client.get(job.get_absolute_url()).content.decode())
    assert job.message in page


# --- What the document holds (its HTML source: no PDF needed) ----------------------------------


def axis_sections(html: str) -> str:
    start = html.index('<section class="axis"')
    return html[start : html.index('<section class="annex"')]


def test_a_briefing_above_the_full_listing_limit_lists_only_late_blocked_and_stale_projects(
    demo, settings
):
    settings.BRIEFING_FULL_PROJECTS = 1
    workshop = past_workshop(demo)
    snapshot = Snapshot(demo, workshop.date)
    html = briefing_html(demo, on=workshop.date, snapshot=snapshot)
    axes, _operational = Snapshot(demo, workshop.date).blocks()
    projects = [project for block in axes for project in block.projects]
    late = [p for p in projects if p.currently_late or p.status == "blocked"]
    on_time = [p for p in projects if p.current_mark == "ok"]
    assert late and on_time
    listed = unescape(axis_sections(html))
    for project in late:
        mark = "✗ bloqué" if project.status == "blocked" else "✗ en retard"
        assert re.search(rf"(?<!\w){project.code} {mark}", listed), project.code
    for project in on_time:
        assert not re.search(rf"(?<!\w){project.code}(?!\w)", listed), project.code
    assert "ne sont pas listés (voir le rapport Excel)" in listed
    assert "Annexe : modèle d'efficacité" not in html


def todays_html(strategy: Strategy, **options) -> str:
    from cockpit.forms import CockpitFilterForm
    from cockpit.views.strategy import filtered_axes

    on = timezone.localdate()
    axes = filtered_axes(strategy, CockpitFilterForm(strategy), on)
    return unescape(briefing_html(strategy, on=on, axes=axes, **options))


def project_lines(html: str) -> dict[str, str]:
    """Each project line of the axes, by code, as text (its mark's markup dropped)."""
    lines = re.findall(r'<p class="project[^"]*">(.*?)</p>', axis_sections(html), re.S)
    return {line.split(" ", 1)[0]: words(re.sub(r"<[^>]+>", "", line)) for line in lines}


def test_each_project_is_a_line_with_the_steering_tables_columns(demo):
    with translation.override("fr"):
        html = todays_html(demo)
    lines = project_lines(html)
    projects = list(Project.objects.for_strategy(demo))
    assert set(lines) == {project.code for project in projects}
    dated = [p for p in projects if p.priority and p.lead and p.start_date and p.end_date]
    assert dated
    for project in dated:
        facts = (
            f"{project.code} {project.title} · prio {project.priority} · {project.lead} · "
            f"{project.start_date:%d.%m.%Y} – {project.end_date:%d.%m.%Y} · "
        )
        assert lines[project.code].startswith(words(facts)), lines[project.code]
    key = "Chaque ligne : numéro et titre · priorité · qui · début – fin · état."
    assert key in html
    # Each line's left edge takes its mark's colour: red for a blocked project.
    edge = r'<p class="project edge-(\w+)[^"]*">(p\d+) '
    edges = {code: tone for tone, code in re.findall(edge, html)}
    blocked = [p for p in projects if p.status == "blocked"]
    assert blocked and all(edges[p.code] == "red" for p in blocked)
    assert "✗ bloqué" in lines[blocked[0].code]


def test_late_blocked_and_stale_projects_come_first_in_their_measure(demo):
    with translation.override("fr"):
        html = todays_html(demo)
    for block in re.findall(r'<div class="measure">(.*?)</div>', axis_sections(html), re.S):
        classes = re.findall(r'<p class="(project[^"]*)">', block)
        attention = ["attention" in css for css in classes]
        assert attention == sorted(attention, reverse=True), classes


def test_public_briefing_lines_name_no_one(demo):
    with translation.override("fr"):
        html = todays_html(demo, public=True)
    leads = {str(p.lead) for p in Project.objects.for_strategy(demo) if p.lead}
    assert leads
    for line in project_lines(html).values():
        assert not any(f"· {lead} ·" in line for lead in leads), line
    assert "Chaque ligne : numéro et titre · priorité · début – fin · état." in html


def test_calendar_gives_each_project_code_with_its_marks_symbol_and_their_key(demo):
    with translation.override("fr"):
        html = todays_html(demo)
    calendar = html[html.index('id="annexe-calendrier"') :]
    calendar = calendar[: calendar.index("</section>")]
    for word in ("✓ dans les temps", "! à surveiller", "✗ en retard", "✗ bloqué"):
        assert word in calendar
    late = Project.objects.for_strategy(demo).filter(status="blocked").first()
    assert late is not None
    assert f"{late.code}\xa0✗" in calendar
    listed = re.findall(r"(?<![\w-])(p\d+)\xa0[✓!✗?–]", calendar)
    assert len(listed) == len(set(listed)) == Project.objects.for_strategy(demo).count()


def test_briefing_marks_take_the_colours_of_the_cockpit_pages(demo):
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "cockpit" / "cockpit.css").read_text()
    colour = dict(re.findall(r"--(ok|warning|ko|neutral):\s*(#\w+)", css))
    with translation.override("fr"):
        html = todays_html(demo)
    tones = {"green": "ok", "amber": "warning", "red": "ko", "grey": "neutral"}
    for tone, variable in tones.items():
        assert f".tone-{tone} {{ color: {colour[variable]}; }}" in html


def test_english_reader_gets_an_english_briefing_in_the_territorys_currency(demo):
    demo.territory.currency = "EUR"
    demo.territory.save()
    on = timezone.localdate()
    with translation.override("en"):
        from cockpit.forms import CockpitFilterForm
        from cockpit.views.strategy import filtered_axes

        html = briefing_html(demo, on=on, axes=filtered_axes(demo, CockpitFilterForm(demo), on))
    assert '<html lang="en">' in html
    assert ">Contents<" in html and ">Summary<" in html
    assert "€" in html and "CHF" not in html


def test_cockpit_and_workshop_pages_offer_the_briefing_beside_the_excel_pack(member_client, demo):
    workshop = past_workshop(demo)
    cockpit = member_client.get(reverse("cockpit:strategy", args=[demo.pk]), {"late": "on"})
    html = unescape(cockpit.content.decode())
    assert f'href="{reverse("cockpit:briefing", args=[demo.pk])}?late=on"' in html
    assert "Briefing PDF" in html
    page = member_client.get(reverse("cockpit:workshop", args=[demo.pk, workshop.pk]))
    assert (
        reverse("cockpit:workshop_briefing", args=[demo.pk, workshop.pk]) in page.content.decode()
    )
