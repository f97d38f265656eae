"""The shapes of the API's answers, for its OpenAPI description (``/api/v1/openapi.json``).

The views build their JSON themselves (``api/rows.py``): a member's objects carry fields the
public's do not, so the fields only members read are optional here, and say so.
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from indicators.models import Indicator, Status
from projects.models import Mark, Project
from strategies.models import Currency, Licence, Strategy

MEMBERS = "Members only (a token of the strategy's territory); absent in public."

ProjectStatus = Literal[tuple(Project.Status.values)]  # type: ignore[valid-type]
ProjectMark = Literal[tuple(Mark.values)]  # type: ignore[valid-type]
IndicatorStatus = Literal[tuple(Status.values)]  # type: ignore[valid-type]
IndicatorLevel = Literal[tuple(Indicator.Level.values)]  # type: ignore[valid-type]


class ParameterError(Schema):
    parameter: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ParameterError] = Field(default_factory=list)


class Ref(Schema):
    id: int


class Named(Ref):
    name: str


class TerritoryRef(Named):
    slug: str


class AxisRef(Ref):
    number: int


class CodeRef(Ref):
    code: str


class DomainRef(Ref):
    title: str


class Page(Schema):
    count: int = Field(description="How many objects the filters keep, on every page.")
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


class TerritoryOut(TerritoryRef):
    communes: list[Named]
    currency: Literal[tuple(Currency.values)] | None = Field(None, description=MEMBERS)  # type: ignore[valid-type]


class TerritoryPage(Page):
    results: list[TerritoryOut]


class LevelOut(Schema):
    kind: Literal["axis", "domain", "measure", "project"]
    used: bool
    singular: str
    plural: str
    code_prefix: str


class StrategyOut(Schema):
    id: int
    territory: TerritoryRef
    title: str
    short_name: str
    start_year: int
    horizon_year: int
    phase: Literal[tuple(Strategy.Phase.values)]  # type: ignore[valid-type]
    phase_label: str
    vision: str
    slogan: str
    finality: str
    general_objective: str
    is_public: bool
    licence: Literal[tuple(Licence.values)]  # type: ignore[valid-type]
    licence_url: str
    levels: list[LevelOut]
    access: Literal["public", "member"]


class StrategyPage(Page):
    results: list[StrategyOut]


class ProjectFigures(Schema):
    total: int
    by_status: dict[str, int]
    by_mark: dict[str, int]
    after_horizon: int
    budget_planned: float | None = Field(None, description=MEMBERS)
    budget_committed: float | None = Field(None, description=MEMBERS)
    budget_spent: float | None = Field(None, description=MEMBERS)


class IndicatorFigures(Schema):
    total: int
    by_status: dict[str, int]
    mean_attainment: float | None


class Summary(Schema):
    projects: ProjectFigures
    strategic_indicators: IndicatorFigures


class StrategyDetail(StrategyOut):
    summary: Summary
    open_data: dict[str, str] | None = Field(
        None, description="The open-data downloads of a public strategy (CSV, zip, DCAT-AP)."
    )


class DomainOut(Schema):
    id: int
    title: str
    order: int


class AxisOut(Schema):
    id: int
    number: int
    title: str
    strategic_objective: str
    domains: list[DomainOut]


class AxisPage(Page):
    results: list[AxisOut]


class MeasureOut(Schema):
    id: int
    code: str
    title: str
    axis: AxisRef
    domain: DomainRef | None
    objective_code: str
    operational_objective: str
    outputs: str
    lead: str | None = Field(None, description=MEMBERS)
    partners: str | None = Field(None, description=MEMBERS)
    resources: str | None = Field(None, description=MEMBERS)


class MeasurePage(Page):
    results: list[MeasureOut]


class ProjectOut(Schema):
    id: int
    code: str
    title: str
    axis: AxisRef
    measure: CodeRef | None
    priority: int = Field(ge=1, le=3)
    status: ProjectStatus
    status_label: str
    mark: ProjectMark
    mark_label: str
    late: bool
    after_horizon: bool
    start_date: str | None = Field(description="ISO 8601 date")
    end_date: str | None = Field(description="ISO 8601 date")
    progress: int | None
    communes: list[Named]
    description: str | None = Field(None, description=MEMBERS)
    lead: str | None = Field(None, description=MEMBERS)
    partners: str | None = Field(None, description=MEMBERS)
    status_comment: str | None = Field(None, description=MEMBERS)
    currency: str | None = Field(None, description=MEMBERS)
    budget_planned: float | None = Field(None, description=MEMBERS)
    budget_committed: float | None = Field(None, description=MEMBERS)
    budget_spent: float | None = Field(None, description=MEMBERS)
    budget_kind: str | None = Field(None, description=MEMBERS)


class ProjectPage(Page):
    results: list[ProjectOut]


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    description: str
    unit: str
    level: Literal[tuple(Indicator.Level.values)]  # type: ignore[valid-type]
    axis: AxisRef | None
    measure: CodeRef | None
    direction: Literal[tuple(Indicator.Direction.values)]  # type: ignore[valid-type]
    frequency: Literal[tuple(Indicator.Frequency.values)]  # type: ignore[valid-type]
    baseline_value: float | None
    baseline_date: str | None
    target_value: float | None
    target_date: str | None
    range_min: float | None
    range_max: float | None
    source: str
    latest_value: float | None
    latest_value_date: str | None
    attainment: float | None = Field(description="% of the way from baseline to target")
    status: IndicatorStatus
    status_label: str
    explanation: str
    data_age_days: int | None = Field(description="Days since the latest value")
    stale: bool = Field(description="The latest value is older than its period plus the grace")


class IndicatorPage(Page):
    results: list[IndicatorOut]


class ValueOut(Schema):
    id: int
    date: str
    value: float
    source: str
    comment: str | None = Field(None, description=MEMBERS)


class ValuePage(Page):
    results: list[ValueOut]
