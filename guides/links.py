"""Which guide section helps with which page: the one mapping from a page's name to a guide and an
anchor (an explicit ``{#id}`` of a heading, the same in every language). Pages link to their help
with ``{% help_link "cockpit" %}`` (templatetags/guides.py); tests/guides checks that every anchor
exists in every language."""

from __future__ import annotations

from typing import NamedTuple


class HelpTarget(NamedTuple):
    guide: str
    anchor: str


#: page name → (guide slug, anchor)
HELP_LINKS: dict[str, HelpTarget] = {
    "cockpit": HelpTarget("commission", "cockpit"),
    "axis": HelpTarget("commission", "axe"),
    "indicator": HelpTarget("commission", "indicateur"),
    "calendar": HelpTarget("commission", "calendrier"),
    "communes": HelpTarget("commission", "communes"),
    "workshop": HelpTarget("commission", "atelier"),
    "proposals": HelpTarget("commission", "proposer"),
    "ranking": HelpTarget("commission", "priorisation"),
    "scoring": HelpTarget("secretariat", "noter"),
    "import": HelpTarget("secretariat", "imports"),
    "import_refused": HelpTarget("secretariat", "import-refuse"),
    "workbook": HelpTarget("secretariat", "classeur"),
    "update_round": HelpTarget("porteurs-de-projet", "mise-a-jour"),
}
