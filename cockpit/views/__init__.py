"""The commission's cockpit pages. One module per area, so each stays small:

- ``strategy``: home, strategy cockpit (with its filters and htmx fragment), axis, measure
- ``drilldown``: project and indicator pages
- ``reports``: timeline, modèle d'efficacité, communes matrix
"""

from .drilldown import indicator_detail, project_detail
from .reports import communes_matrix, effectiveness_model, timeline
from .strategy import axis_detail, home, measure_detail, strategy_cockpit

__all__ = [
    "axis_detail",
    "communes_matrix",
    "effectiveness_model",
    "home",
    "indicator_detail",
    "measure_detail",
    "project_detail",
    "strategy_cockpit",
    "timeline",
]
