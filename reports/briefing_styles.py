"""The briefing's styles that come from the product's single definitions: the status tones of
the pages' stylesheet (``tone_css``), the chart lines of ``indicators.chart_story.STYLES``
(``chart_css``, for the ``<style>`` inside each SVG) and the marks' key (``mark_key``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders

from indicators.chart_story import STYLES
from projects.marks import AMBER, GREEN, GREY, RED, Mark

#: SVG dash patterns of the chart styles' DrawingML dash types (``indicators.chart_story``).
DASHES = {"solid": "none", "round_dot": "1.5 3", "dash": "8 4", "long_dash_dot": "10 3 2 3"}


def mark_key() -> str:
    """The symbols of the project marks with their words (« ✓ dans les temps · ! à surveiller ·
    … »), from the one vocabulary (``projects.marks.Mark``): the key of the calendar's codes."""
    return " · ".join(f"{mark.symbol} {mark.label}" for mark in Mark)


#: The pages' colour variable of each tone (``static/cockpit/cockpit.css``, ``:root``).
TONE_VARIABLES = {GREEN: "ok", AMBER: "warning", RED: "ko", GREY: "neutral"}


@lru_cache(maxsize=1)
def tone_css() -> str:
    """The ``tone-…`` classes of the marks and statuses (text) and the ``edge-…`` ones of the
    project lines (their left edge) in the colours the pages give them, read from the pages'
    stylesheet (where they are defined once)."""
    text = Path(finders.find("cockpit/cockpit.css")).read_text(encoding="utf-8")
    colours = dict(re.findall(r"--(\w+):\s*(#[0-9a-fA-F]{3,8})\b", text))
    return "".join(
        f".tone-{tone} {{ color: {colours[variable]}; }} "
        f"p.edge-{tone} {{ border-left-color: {colours[variable]}; }}"
        for tone, variable in TONE_VARIABLES.items()
    )


def chart_css() -> str:
    """The trend charts' lines as the indicator page and the pack draw them (``STYLES``), for the
    ``<style>`` inside each SVG (WeasyPrint does not apply the document's CSS to inline SVG)."""
    lines = []
    for key, style in STYLES.items():
        if key == "range":
            lines.append(
                f".chart-band{{fill:{style.fill};stroke:{style.colour};"
                f"stroke-dasharray:{DASHES[style.dash]}}}"
            )
            continue
        name = {"values": "chart-values", "today": "chart-today"}.get(key, f"chart-{key}")
        lines.append(
            f".{name}{{fill:none;stroke:{style.colour};stroke-width:{style.width};"
            f"stroke-dasharray:{DASHES[style.dash]}}}"
        )
    values = STYLES["values"].colour
    lines += [
        f".chart-point{{fill:{values};stroke:#fff;stroke-width:1}}",
        f".chart-target-marker{{fill:{STYLES['target'].colour}}}",
        ".chart-grid line{stroke:#e6e9ed}",
        ".chart-axis line{stroke:#98a2ad}",
        "text{font-family:'DejaVu Sans';font-size:13px;fill:#1d2733}",
        ".tick-x,.tick-y,.chart-unit{fill:#5b6570}",
        f".chart-label-latest{{font-weight:bold;fill:{values}}}",
        ".chart-note{fill:#5b6570;font-style:italic}",
    ]
    return "".join(lines)
