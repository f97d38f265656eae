"""One breadcrumb pattern for every page of the cockpit, member and public:
``{% breadcrumbs label url … current %}`` draws ``templates/includes/breadcrumbs.html``, a
``<nav>`` whose list starts at the list of strategies, then the strategy of the page (when there
is one), then the parents given as label and URL pairs, and ends with the page itself
(``aria-current="page"``, not a link). On the cockpit page the strategy is the page itself:
``{% breadcrumbs %}`` with no argument. The WAI-ARIA breadcrumb pattern.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context: template.Context, *parts: str) -> dict:
    """``parts``: the parents below the strategy as (label, URL) pairs, then the page's label; a
    pair with an empty label (a parent the page does not have) is left out."""
    if parts and len(parts) % 2 != 1:
        raise template.TemplateSyntaxError("breadcrumbs: label and URL pairs, then one label")
    request = context.get("request")
    # As the {% url %} tag does: the public cockpit's links stay public.
    current_app = getattr(request, "current_app", None) or getattr(
        getattr(request, "resolver_match", None), "namespace", None
    )
    home_label = (
        gettext("Stratégies publiques") if context.get("public") else gettext("Mes stratégies")
    )
    trail = [(home_label, reverse("cockpit:home", current_app=current_app))]
    strategy = context.get("strategy")
    if strategy is not None:
        url = reverse("cockpit:strategy", args=[strategy.pk], current_app=current_app)
        if context.get("filter_query"):  # back to the cockpit as filtered (the axis's table)
            url += "?" + context["filter_query"]
        trail.append((strategy.short_name or strategy.title, url))
    if parts:
        *pairs, current = parts
        trail += [(label, url) for label, url in zip(pairs[::2], pairs[1::2], strict=True) if label]
        trail.append((current, None))
    # The last step is the page itself.
    *links, (current, _) = trail
    return {"links": links, "current": current}
