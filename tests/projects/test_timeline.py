"""Gantt geometry of the timeline (projects.timeline): the scale in whole years, bars within the
chart, the today line, late projects with their overdue segment, undated and abandoned projects
apart. Pure functions: unsaved projects, no database."""

import datetime

import pytest

from projects.models import Project
from projects.timeline import bar_for, build_timeline, scale_for

S = Project.Status
TODAY = datetime.date(2025, 6, 1)


def d(text: str) -> datetime.date:
    day, month, year = (int(part) for part in text.split("."))
    return datetime.date(year, month, day)


def project(code, start=None, end=None, status=S.IN_PROGRESS):
    return Project(
        code=code,
        title=f"Projet {code}",
        start_date=None if start is None else d(start),
        end_date=None if end is None else d(end),
        status=status,
    )


def test_scale_runs_from_first_start_to_last_end_padded_to_whole_years():
    scale = scale_for([(d("15.03.2022"), d("10.10.2024")), (d("01.05.2023"), None)], TODAY)

    assert scale.start == datetime.date(2022, 1, 1)
    assert scale.end == datetime.date(2026, 1, 1)  # today (2025) is later than every end
    assert [tick.year for tick in scale.ticks] == [2022, 2023, 2024, 2025]
    assert scale.ticks[0].x == 0
    assert scale.ticks[-1].x + scale.ticks[-1].width == pytest.approx(100)


def test_scale_includes_today_when_every_project_is_in_the_future():
    scale = scale_for([(d("01.04.2027"), d("31.10.2028"))], TODAY)

    assert scale.start == datetime.date(2025, 1, 1)
    assert scale.end == datetime.date(2029, 1, 1)


def test_scale_of_no_dated_project_is_the_current_year():
    scale = scale_for([(None, None), (d("01.01.2020"), None)], TODAY)

    assert (scale.start, scale.end) == (datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))


def test_bar_of_a_whole_year_spans_that_year_on_the_scale():
    scale = scale_for([(d("01.01.2023"), d("31.12.2024"))], d("01.06.2024"))  # 2023–2024
    bar = bar_for(scale, d("01.01.2024"), d("31.12.2024"))

    assert bar.x == pytest.approx(100 * 365 / 731, abs=0.001)
    assert bar.x + bar.width == pytest.approx(100, abs=0.001)
    assert bar.overdue_width == 0


def test_today_line_sits_in_the_middle_of_today():
    scale = scale_for([], datetime.date(2024, 7, 1))  # 2024: 366 days, 1 July is day 182

    assert scale.today_x == pytest.approx(100 * 182.5 / 366, abs=0.001)
    assert scale.today_align == "middle"


def test_today_label_stays_on_the_chart_near_its_edges():
    assert scale_for([], datetime.date(2025, 1, 3)).today_align == "start"
    assert scale_for([], datetime.date(2025, 12, 30)).today_align == "end"


def test_every_bar_stays_within_the_chart():
    projects = [
        project("p1", "19.12.2019", "28.03.2021", S.DONE),
        project("p2", "01.01.2020", "31.12.2030"),
        project("p3", "15.02.2025", "15.02.2025"),  # a single day
        project("p4", "01.01.2021", "31.03.2023"),  # late
        project("p5", "01.06.2025", "01.06.2025"),  # today only
    ]
    timeline = build_timeline([("axe", projects)], TODAY)

    for row in timeline.lanes[0].rows:
        bar = row.bar
        assert 0 <= bar.x <= 100
        assert bar.width > 0
        assert bar.x + bar.width <= 100 + 1e-9
        assert 0 <= bar.overdue_x + bar.overdue_width <= 100 + 1e-9
    for tick in timeline.scale.ticks:
        assert 0 <= tick.x < 100


def test_late_project_is_flagged_with_an_overdue_segment_up_to_today():
    late = project("p6", "21.02.2024", "17.03.2025")  # ended 76 days ago, still in progress
    timeline = build_timeline([("axe", [late])], TODAY)
    row = timeline.lanes[0].scheduled[0]

    assert row.late is True
    assert row.bar.overdue_x == pytest.approx(row.bar.x + row.bar.width, abs=0.002)
    assert row.bar.overdue_x + row.bar.overdue_width == pytest.approx(
        timeline.scale.today_x, abs=0.002
    )
    assert timeline.late_count == 1


@pytest.mark.parametrize("status", [S.DONE, S.ABANDONED])
def test_done_or_abandoned_project_past_its_end_is_not_late(status):
    past = project("p2", "01.01.2023", "31.12.2024", status)
    row = build_timeline([("axe", [past])], TODAY).lanes[0].rows[0]

    assert row.late is False
    assert row.bar.overdue_width == 0


def test_project_ending_in_the_future_is_not_late():
    lane = build_timeline([("axe", [project("p1", "01.01.2025", "01.01.2026")])], TODAY).lanes[0]
    row = lane.scheduled[0]

    assert row.late is False
    assert (row.bar.overdue_x, row.bar.overdue_width) == (0, 0)


def test_projects_without_both_dates_are_listed_apart_without_a_bar():
    dated = project("p1", "01.01.2025", "31.12.2025")
    no_dates = project("p2")
    start_only = project("p3", start="01.03.2019")
    end_only = project("p4", end="01.01.2031")
    lane = build_timeline([("axe", [no_dates, dated, start_only, end_only])], TODAY).lanes[0]

    assert [row.project.code for row in lane.scheduled] == ["p1"]
    assert [row.project.code for row in lane.undated] == ["p2", "p3", "p4"]
    assert all(row.bar is None for row in lane.undated)


def test_undated_projects_do_not_stretch_the_scale():
    timeline = build_timeline(
        [("axe", [project("p1", "01.01.2025", "31.12.2025"), project("p2", start="01.01.2010")])],
        TODAY,
    )
    assert timeline.scale.start == datetime.date(2025, 1, 1)


def test_undated_late_project_is_still_flagged():
    lane = build_timeline([("axe", [project("p4", end="01.01.2025")])], TODAY).lanes[0]

    assert lane.undated[0].late is True
    assert lane.late_count == 1


def test_abandoned_projects_come_last_in_their_lane_with_or_without_dates():
    projects = [
        project("p1", "01.01.2024", "31.12.2026", S.ABANDONED),
        project("p2", "01.01.2025", "31.12.2025"),
        project("p3", status=S.ABANDONED),
        project("p4"),
    ]
    lane = build_timeline([("axe", projects)], TODAY).lanes[0]

    assert [row.project.code for row in lane.rows] == ["p2", "p4", "p1", "p3"]
    assert [row.project.code for row in lane.abandoned] == ["p1", "p3"]
    assert all(row.abandoned for row in lane.abandoned)
    assert lane.abandoned[0].bar is not None
    assert lane.abandoned[1].bar is None


def test_drawn_projects_cascade_by_start_then_end_in_each_lane():
    projects = [
        project("p1", "01.06.2025", "31.12.2025"),
        project("p2", "01.01.2024", "31.12.2026"),
        project("p3", "01.01.2024", "30.06.2024"),
    ]
    lanes = build_timeline([("axe 1", projects), ("axe 2", [])], TODAY).lanes

    assert [row.project.code for row in lanes[0].scheduled] == ["p3", "p2", "p1"]
    assert (lanes[1].key, lanes[1].rows) == ("axe 2", ())


def test_all_lanes_share_one_scale():
    timeline = build_timeline(
        [
            ("axe 1", [project("p1", "01.01.2021", "31.12.2021")]),
            ("axe 2", [project("p2", "01.01.2027", "31.12.2027")]),
        ],
        TODAY,
    )
    first, second = (lane.scheduled[0].bar for lane in timeline.lanes)

    assert timeline.scale.start == datetime.date(2021, 1, 1)
    assert timeline.scale.end == datetime.date(2028, 1, 1)
    assert first.x == 0
    assert second.x + second.width == pytest.approx(100, abs=0.001)


def test_long_ranges_label_every_other_year():
    scale = scale_for([(d("01.01.2010"), d("31.12.2029"))], TODAY)
    labelled = [tick.year for tick in scale.ticks if tick.labelled]

    assert len(scale.ticks) == 20
    assert labelled == list(range(2010, 2030, 2))
