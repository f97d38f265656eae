"""The API's objects as JSON-ready dictionaries: what the public reads of each, and what a member
adds (budgets, people, comments), the same split as the public cockpit's
(``cockpit/views/public.py``: no budget, funding, comment, decision nor person in public).

Statuses are given by their stable code and, beside it, in words with their symbol, from their one
definition (``Project.Status``, ``projects.models.Mark``, ``indicators.models.Status``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from indicators.models import Evaluation, Indicator, IndicatorValue
from projects.models import Mark, Project
from strategies.levels import KINDS
from strategies.models import Axis, Commune, Licence, Measure, Strategy, Territory


def number(value: Decimal | None) -> float | None:
    """A decimal as a JSON number (the database's ``Decimal``; budgets of up to 14 digits and
    values of 4 decimals stay exact in a double)."""
    return None if value is None else float(value)


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def territory_row(territory: Territory, member: bool, communes: list[Commune]) -> dict:
    row = {
        "id": territory.pk,
        "slug": territory.slug,
        "name": territory.name,
        "communes": [{"id": commune.pk, "name": commune.name} for commune in communes],
    }
    if member:
        row["currency"] = territory.currency
    return row


def levels_rows(strategy: Strategy) -> list[dict]:
    """Each level of the cascade, whether the strategy uses it and what it calls it (in the
    language of the request)."""
    levels = strategy.levels
    rows = []
    for kind in KINDS:
        name = levels.name(kind)
        rows.append(
            {
                "kind": kind,
                "used": levels.used(kind),
                "singular": name.singular,
                "plural": name.plural,
                "code_prefix": name.prefix,
            }
        )
    return rows


def strategy_row(strategy: Strategy, member: bool) -> dict:
    return {
        "id": strategy.pk,
        "territory": {
            "id": strategy.territory_id,
            "slug": strategy.territory.slug,
            "name": strategy.territory.name,
        },
        "title": strategy.title,
        "short_name": strategy.short_name,
        "start_year": strategy.start_year,
        "horizon_year": strategy.horizon_year,
        "phase": strategy.phase,
        "phase_label": str(Strategy.Phase(strategy.phase).label),
        "vision": strategy.vision,
        "slogan": strategy.slogan,
        "finality": strategy.finality,
        "general_objective": strategy.general_objective,
        "is_public": strategy.is_public,
        "licence": strategy.licence,
        "licence_url": Licence(strategy.licence).url,
        "levels": levels_rows(strategy),
        "access": "member" if member else "public",
    }


def axis_row(axis: Axis, domains: list) -> dict:
    return {
        "id": axis.pk,
        "number": axis.number,
        "title": axis.title,
        "strategic_objective": axis.strategic_objective,
        "domains": [
            {"id": domain.pk, "title": domain.title, "order": domain.order} for domain in domains
        ],
    }


def measure_row(measure: Measure, member: bool) -> dict:
    row = {
        "id": measure.pk,
        "code": measure.code,
        "title": measure.title,
        "axis": {"id": measure.axis_id, "number": measure.axis.number},
        "domain": (
            {"id": measure.domain_id, "title": measure.domain.title} if measure.domain_id else None
        ),
        "objective_code": measure.objective_code,
        "operational_objective": measure.operational_objective,
        "outputs": measure.outputs,
    }
    if member:
        row.update(lead=measure.lead, partners=measure.partners, resources=measure.resources)
    return row


#: What a project's row reads (``project_rows``), its mark computed by the database.
PROJECT_VALUES = (
    "pk",
    "code",
    "title",
    "axis_id",
    "axis__number",
    "measure_id",
    "measure__code",
    "priority",
    "status",
    "current_mark",
    "currently_late",
    "after_horizon",
    "start_date",
    "end_date",
    "progress",
)
MEMBER_PROJECT_VALUES = (
    "description",
    "lead",
    "partners",
    "status_comment",
    "budget_planned",
    "budget_committed",
    "budget_spent",
    "budget_kind",
)


def project_rows(strategy: Strategy, ids: list[int], member: bool, currency: str) -> list[dict]:
    """The strategy's projects ``ids``, in that order, in two queries (their values, their
    communes): a page of 1,000 builds no model instance."""
    names = (*PROJECT_VALUES, *MEMBER_PROJECT_VALUES) if member else PROJECT_VALUES
    found = {
        row["pk"]: row
        for row in Project.objects.for_strategy(strategy)
        .filter(pk__in=ids)
        .with_mark()
        .order_by()
        .values(*names)
    }
    communes: dict[int, list[dict]] = {pk: [] for pk in found}
    through = Project.communes.through.objects.filter(project_id__in=list(found))
    for project_id, commune_id, name in through.order_by("commune__name").values_list(
        "project_id", "commune_id", "commune__name"
    ):
        communes[project_id].append({"id": commune_id, "name": name})
    statuses = {status.value: status.text for status in Project.Status}
    marks = {mark.value: mark.text for mark in Mark}
    return [
        project_row(found[pk], communes[pk], member, currency, statuses, marks)
        for pk in ids
        if pk in found
    ]


def project_row(
    values: dict, communes: list[dict], member: bool, currency: str, statuses: dict, marks: dict
) -> dict:
    row = {
        "id": values["pk"],
        "code": values["code"],
        "title": values["title"],
        "axis": {"id": values["axis_id"], "number": values["axis__number"]},
        "measure": (
            {"id": values["measure_id"], "code": values["measure__code"]}
            if values["measure_id"]
            else None
        ),
        "priority": values["priority"],
        "status": values["status"],
        "status_label": statuses[values["status"]],
        "mark": values["current_mark"],
        "mark_label": marks[values["current_mark"]],
        "late": bool(values["currently_late"]),
        "after_horizon": bool(values["after_horizon"]),
        "start_date": day(values["start_date"]),
        "end_date": day(values["end_date"]),
        "progress": values["progress"],
        "communes": communes,
    }
    if member:
        row.update(
            description=values["description"],
            lead=values["lead"],
            partners=values["partners"],
            status_comment=values["status_comment"],
            currency=currency,
            budget_planned=number(values["budget_planned"]),
            budget_committed=number(values["budget_committed"]),
            budget_spent=number(values["budget_spent"]),
            budget_kind=values["budget_kind"],
        )
    return row


def indicator_row(indicator: Indicator, evaluation: Evaluation, on: datetime.date) -> dict:
    """The same for the public and members (an indicator's comments are its values')."""
    value_date = evaluation.value_date
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "description": indicator.description,
        "unit": indicator.unit,
        "level": indicator.level,
        "axis": (
            {"id": indicator.axis_id, "number": indicator.axis.number}
            if indicator.axis_id
            else None
        ),
        "measure": (
            {"id": indicator.measure_id, "code": indicator.measure.code}
            if indicator.measure_id
            else None
        ),
        "direction": indicator.direction,
        "frequency": indicator.frequency,
        "baseline_value": number(indicator.baseline_value),
        "baseline_date": day(indicator.baseline_date),
        "target_value": number(indicator.target_value),
        "target_date": day(indicator.target_date),
        "range_min": number(indicator.range_min),
        "range_max": number(indicator.range_max),
        "source": indicator.source,
        "latest_value": number(evaluation.value),
        "latest_value_date": day(value_date),
        "attainment": number(evaluation.attainment),
        "status": evaluation.status.value,
        "status_label": evaluation.status.text,
        "explanation": evaluation.explanation,
        "data_age_days": None if value_date is None else (on - value_date).days,
        "stale": evaluation.stale,
    }


def evaluated_indicators(
    strategy: Strategy, on: datetime.date, found
) -> list[tuple[Indicator, Evaluation]]:
    """The indicators of ``found`` (a queryset of the strategy's) with their evaluation at
    ``on``, in one query."""
    indicators = found.select_related("axis", "measure").with_latest_value(on)
    evaluated = []
    for indicator in indicators:
        indicator.strategy = strategy  # its thresholds, without a query
        evaluated.append((indicator, indicator.evaluate(on)))
    return evaluated


def value_row(value: IndicatorValue, member: bool) -> dict:
    row = {
        "id": value.pk,
        "date": value.date.isoformat(),
        "value": number(value.value),
        "source": value.source,
    }
    if member:
        row["comment"] = value.comment
    return row
