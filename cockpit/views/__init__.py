"""The commission's cockpit pages. One module per area, so each stays small:

- ``strategy``: home, strategy cockpit (with its filters and htmx fragments, and an axis's table
  loaded on demand), axis, measure
- ``drilldown``: project and indicator pages
- ``exports``: the Excel pack of the cockpit
- ``briefings``: the PDF briefing of the cockpit, of a workshop, of the public cockpit
- ``overviews``: timeline, modèle d'efficacité, communes matrix
- ``workshops``: the commission's workshops, their decisions and what changed between them, with
  the proposals section of the prioritisation
- ``public``: the read-only cockpit of a strategy marked public (no login)
- ``errors``: the refused-form (CSRF) page and the server error handler (503 when the database
  is out of reach); Django's own handlers render templates/400.html,
  403.html, 404.html and 500.html
"""

from .briefings import public_briefing, strategy_briefing, workshop_briefing
from .drilldown import indicator_detail, project_detail
from .exports import strategy_pack, workshop_pack
from .overviews import communes_matrix, effectiveness_model, timeline
from .public import (
    public_axis,
    public_axis_table,
    public_cockpit,
    public_home,
    public_indicator,
    public_measure,
)
from .strategy import axis_detail, axis_table, home, measure_detail, strategy_cockpit
from .workshops import workshop_detail, workshops

__all__ = [
    "axis_detail",
    "axis_table",
    "communes_matrix",
    "effectiveness_model",
    "home",
    "indicator_detail",
    "measure_detail",
    "project_detail",
    "public_axis",
    "public_axis_table",
    "public_briefing",
    "public_cockpit",
    "public_home",
    "public_indicator",
    "public_measure",
    "strategy_briefing",
    "strategy_cockpit",
    "strategy_pack",
    "timeline",
    "workshop_briefing",
    "workshop_detail",
    "workshop_pack",
    "workshops",
]
