"""The cockpit overview's small bars (templates/cockpit/includes/overview.html): how a group's
indicators split by status and its projects by mark, drawn as one SVG whose geometry is in its
attributes (the Content-Security-Policy allows no inline style), each part coloured by the one
vocabulary (``tone-<colour>`` of ``indicators.Status`` and ``projects.marks.Mark``). The bar is
decoration: the counts beside it, with their symbols and words, say the same in text."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from indicators.models import EffectRollup, Status
from projects.rollups import ImplementationRollup

register = template.Library()


def stacked_bar(parts: list[tuple[str, int]]) -> str:
    """An SVG bar split in proportion to the counts of ``parts`` (colour, count); empty (the
    grey track only) when every count is zero."""
    total = sum(count for _colour, count in parts)
    rects = []
    x = 0.0
    for colour, count in parts:
        if not count:
            continue
        width = 100 * count / total
        rects.append((colour, f"{x:.2f}", f"{width:.2f}"))
        x += width
    return format_html(
        '<svg class="overview-bar" aria-hidden="true" focusable="false">{}</svg>',
        format_html_join("", '<rect class="tone-{}" x="{}%" width="{}%" height="100%"/>', rects),
    )


@register.simple_tag
def effect_bar(effect: EffectRollup) -> str:
    """The indicators by status, from « atteint » to « sans donnée »."""
    return stacked_bar([(status.colour, effect.counts.get(status, 0)) for status in Status])


@register.simple_tag
def marks_bar(implementation: ImplementationRollup) -> str:
    """The projects still pursued by mark, from « dans les temps » to « non planifié »."""
    return stacked_bar([(mark.colour, count) for mark, count in implementation.mark_counts])


@register.filter
def status_counts(effect: EffectRollup) -> list[tuple[Status, int]]:
    """Each indicator status with its count, in the order of ``Status``."""
    return [(status, effect.counts.get(status, 0)) for status in Status]
