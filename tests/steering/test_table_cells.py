"""The cells the steering table writes once per project: the mark with its word and the dates.
They are built from small caches, so they must still follow the active language and format."""

import re
from datetime import date

from django.utils import translation

from projects.models import Mark, Project
from steering.table import SteeringRow
from steering.templatetags.cockpit_extras import project_mark, short_date
from steering.templatetags.steering_rows import project_cells, project_item, steering_cells
from strategies.models import Measure, Strategy


def annotated(status: str, mark: Mark) -> Project:
    project = Project(status=status)
    project.current_mark = mark.value
    return project


def test_a_project_mark_speaks_the_language_active_when_it_is_shown():
    project = annotated(Project.Status.IN_PROGRESS, Mark.LATE)
    with translation.override("fr"):
        assert "en retard" in project_mark(project)
    with translation.override("en"):
        english = project_mark(project)
    assert "late" in english
    assert "en retard" not in english
    with translation.override("fr"):
        assert "en retard" in project_mark(project)


def test_a_done_or_blocked_project_says_its_status_rather_than_its_mark():
    with translation.override("fr"):
        done = project_mark(annotated(Project.Status.DONE, Mark.OK))
        blocked = project_mark(annotated(Project.Status.BLOCKED, Mark.BLOCKED))
        running = project_mark(annotated(Project.Status.IN_PROGRESS, Mark.OK))
    assert "réalisé" in done and "mark-ok" in done
    assert "bloqué" in blocked and "mark-blocked" in blocked and "tone-red" in blocked
    assert "dans les temps" in running


def test_the_short_mark_keeps_its_word_in_a_title():
    with translation.override("fr"):
        html = project_mark(annotated(Project.Status.IN_PROGRESS, Mark.WARNING), short=True)
    assert 'title="à surveiller"' in html
    assert Mark.WARNING.symbol in html


def test_table_dates_read_dd_mm_yyyy_in_both_languages():
    for language in ("fr", "en"):
        with translation.override(language):
            assert short_date(date(2026, 3, 7)) == "07.03.2026"


def test_a_missing_date_leaves_the_cell_empty():
    assert short_date(None) == ""


def test_table_dates_follow_another_locale_s_format():
    with translation.override("ja"):
        assert short_date(date(2026, 3, 7)) == "2026/03/07"


def crafted_row(public_url: str = "/strategies/1/projets/7/?a=1&b=2") -> SteeringRow:
    project = annotated(Project.Status.IN_PROGRESS, Mark.LATE)
    project.code, project.title, project.priority = "p<7>", '<script>alert("x")</script>', 2
    project.lead = "Commune d'Icogne & partenaires"
    project.start_date, project.end_date = date(2025, 3, 7), date(2026, 9, 23)
    return SteeringRow(project=project, project_url=public_url, late_class=" is-late")


def test_a_projects_cells_and_item_escape_what_its_people_typed():
    row = crafted_row()
    with translation.override("fr"):
        cells, item = project_cells(row), project_item(row)
    for html in (cells, item):
        assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
        assert "p&lt;7&gt;" in html
        assert 'href="/strategies/1/projets/7/?a=1&amp;b=2"' in html
        assert "07.03.2025" in html and "23.09.2026" in html
    assert "Commune d&#x27;Icogne &amp; partenaires" in cells
    assert cells.count('class="date is-late"') == 2 and "en retard" in cells


def test_a_public_row_names_no_one_and_links_nowhere():
    row = crafted_row()
    cells, item = project_cells(row, public=True), project_item(row, public=True)
    for html in (cells, item):
        assert "Icogne" not in html and "href" not in html


def test_the_narrow_items_date_words_follow_the_active_language():
    row = crafted_row()
    with translation.override("fr"):
        french = project_item(row)
    with translation.override("en"):
        english = project_item(row)
    assert '<span class="visually-hidden">Début </span>' in french
    assert '<span class="visually-hidden">Start </span>' in english


def test_a_measures_cells_span_its_projects_and_escape_what_was_typed():
    row = crafted_row()
    row.measure = Measure(code="m<1>", title="Routes & chemins", objective_code="o1")
    row.measure.operational_objective = 'Relier "les" hameaux'
    row.measure_rowspan, row.measure_url = 3, "/strategies/1/mesures/4/"
    strategy = Strategy(title="S")

    with translation.override("fr"):
        html = steering_cells(row, strategy)

    assert '<td class="code group-start" rowspan="3"><a href="/strategies/1/mesures/4/">' in html
    assert "m&lt;1&gt;" in html and "Routes &amp; chemins" in html
    assert 'title="Relier &quot;les&quot; hameaux"' in html
    with translation.override("fr"):
        assert html.endswith(project_cells(row))


def test_a_measure_without_project_says_so_and_a_filler_row_is_one_empty_cell():
    strategy = Strategy(title="S")
    empty = SteeringRow(measure=Measure(code="m2", title="Sans projet"), measure_rowspan=1)
    filler = SteeringRow(filler=True)

    with translation.override("fr"):
        empty_html = steering_cells(empty, strategy)
        filler_html = steering_cells(filler, strategy)

    assert re.search(r'class="group-start empty">[^<]+</td>$', empty_html)
    assert filler_html.count("<td") == 1 and 'colspan="10"' in filler_html
