"""The commission's cockpit pages. One module per area, so each stays small:

- ``strategy``: home, strategy cockpit (with its filters and htmx fragment), axis, measure
- ``drilldown``: project and indicator pages
- ``exports``: the Excel pack of the cockpit
- ``reports``: timeline, modèle d'efficacité, communes matrix
- ``workshops``: the commission's workshops, their decisions and what changed between them
- ``prioritisation``: proposals, the scoring grid and the ranking
"""

from .drilldown import indicator_detail, project_detail
from .exports import strategy_pack, workshop_pack
from .prioritisation import (
    axis_proposal,
    proposals,
    ranking,
    score_cell,
    scoring,
    workshop_proposal,
)
from .reports import communes_matrix, effectiveness_model, timeline
from .strategy import axis_detail, home, measure_detail, strategy_cockpit
from .workshops import workshop_detail, workshops

__all__ = [
    "axis_detail",
    "axis_proposal",
    "communes_matrix",
    "effectiveness_model",
    "home",
    "indicator_detail",
    "measure_detail",
    "project_detail",
    "proposals",
    "ranking",
    "score_cell",
    "scoring",
    "strategy_cockpit",
    "strategy_pack",
    "timeline",
    "workshop_detail",
    "workshop_pack",
    "workshop_proposal",
    "workshops",
]
