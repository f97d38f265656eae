"""The commission's cockpit pages. One module per area, so each stays small:

- ``strategy``: home, strategy cockpit (with its filters and htmx fragments, and an axis's table
  loaded on demand), axis, measure
- ``drilldown``: project and indicator pages
- ``exports``: the Excel pack of the cockpit
- ``reports``: timeline, modèle d'efficacité, communes matrix
- ``workshops``: the commission's workshops, their decisions and what changed between them
"""

from .drilldown import indicator_detail, project_detail
from .exports import strategy_pack, workshop_pack
from .reports import communes_matrix, effectiveness_model, timeline
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
    "strategy_cockpit",
    "strategy_pack",
    "timeline",
    "workshop_detail",
    "workshop_pack",
    "workshops",
]
