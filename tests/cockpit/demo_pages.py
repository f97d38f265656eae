"""The pages of the demo a member and the public read, by name, for tests that check every page
(breadcrumbs, headings, the English mode)."""

from __future__ import annotations

from django.urls import reverse

from indicators.models import Indicator
from projects.models import Project
from strategies.models import Strategy
from workshops.models import Workshop

MEMBER_PAGES = (
    "home",
    "cockpit",
    "axis",
    "axis_table",
    "measure",
    "project",
    "indicator",
    "calendar",
    "effectiveness",
    "communes",
    "workshops",
    "workshop",
    "proposals",
    "ranking",
    "scoring",
)
PUBLIC_PAGES = (
    "public_home",
    "public_cockpit",
    "public_axis",
    "public_measure",
    "public_indicator",
)
#: Pages of the strategy, under its cockpit in the breadcrumbs (not the lists of strategies).
STRATEGY_PAGES = tuple(name for name in MEMBER_PAGES + PUBLIC_PAGES if "home" not in name)


def page_url(strategy: Strategy, name: str) -> str:
    """The address of the page ``name`` of ``strategy`` (the public ones need it published)."""
    s = strategy.pk
    axis = strategy.axes.order_by("number").first()
    measure = axis.measures.order_by("code").first()
    indicator = Indicator.objects.filter(strategy=strategy).order_by("pk").first()
    project = Project.objects.filter(strategy=strategy).order_by("pk").first()
    workshop = Workshop.objects.filter(strategy=strategy).order_by("pk").first()
    return {
        "home": reverse("cockpit:home"),
        "cockpit": reverse("cockpit:strategy", args=[s]),
        "axis": reverse("cockpit:axis", args=[s, axis.pk]),
        "axis_table": reverse("cockpit:axis_table", args=[s, axis.pk]),
        "measure": reverse("cockpit:measure", args=[s, measure.pk]),
        "project": reverse("cockpit:project", args=[s, project.pk]),
        "indicator": reverse("cockpit:indicator", args=[s, indicator.pk]),
        "calendar": reverse("cockpit:timeline", args=[s]),
        "effectiveness": reverse("cockpit:effectiveness", args=[s]),
        "communes": reverse("cockpit:communes", args=[s]),
        "workshops": reverse("cockpit:workshops", args=[s]),
        "workshop": reverse("cockpit:workshop", args=[s, workshop.pk]),
        "proposals": reverse("prioritisation:proposals", args=[s]),
        "ranking": reverse("prioritisation:ranking", args=[s]),
        "scoring": reverse("prioritisation:scoring", args=[s]),
        "public_home": reverse("public:home"),
        "public_cockpit": reverse("public:strategy", args=[s]),
        "public_axis": reverse("public:axis", args=[s, axis.pk]),
        "public_measure": reverse("public:measure", args=[s, measure.pk]),
        "public_indicator": reverse("public:indicator", args=[s, indicator.pk]),
    }[name]
