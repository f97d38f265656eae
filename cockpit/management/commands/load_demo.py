"""``manage.py load_demo [--password PW]``: the demo territory (Crans-Montana, SDI 2028), its
accounts and a summary of what was created.

Idempotent: every row is looked up by its business key (territory slug, strategy short name, axis
number, domain title, measure, project and indicator code, value date, username) and created only
when missing, so a second run creates nothing and never overwrites what the secretariat changed
since. Many-to-many links (communes, themes), fundings and indicator values are written with the
row they belong to. Rows go through ``full_clean()`` and ``save()``, so that the demo obeys the
same rules as the admin and django-simple-history records each creation.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalChanges

from cockpit import demo_data as data
from cockpit.models import AgendaItem, Decision, Workshop
from indicators.models import Indicator, IndicatorValue
from projects.models import Funding, Project
from strategies.models import (
    Axis,
    Commune,
    Domain,
    Measure,
    Membership,
    Strategy,
    Territory,
    Theme,
)

M = TypeVar("M", bound=models.Model)

CHANGE_REASON = "Données de démonstration (load_demo)"

#: What the summary reports, in this order.
KINDS = {
    "commune": "communes",
    "axis": "axes",
    "domain": "domaines d'intervention",
    "theme": "thèmes transversaux",
    "measure": "mesures",
    "project": "projets",
    "funding": "financements",
    "indicator": "indicateurs",
    "value": "valeurs d'indicateurs",
    "workshop": "ateliers",
    "decision": "décisions",
    "user": "comptes",
}

#: The latest demo value is dated this many days before the load day, the yearly values (31.12)
#: at least as much before it.
RECENT_DAYS = 30


class DemoLoader:
    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.created: Counter[str] = Counter()
        self.existing: Counter[str] = Counter()

    def ensure(
        self, kind: str, model: type[M], lookup: dict[str, Any], defaults: dict[str, Any] | None
    ) -> tuple[M, bool]:
        """The row found by ``lookup``, else a new one made of ``lookup`` and ``defaults``."""
        instance = model._default_manager.filter(**lookup).first()
        if instance is not None:
            self.existing[kind] += 1
            return instance, False
        instance = model(**lookup, **(defaults or {}))
        instance.full_clean()
        instance._change_reason = CHANGE_REASON
        instance.save()
        self.created[kind] += 1
        return instance, True

    # --- The cascade --------------------------------------------------------------------------

    def load(self) -> Strategy:
        territory, _ = self.ensure(
            "territory", Territory, {"slug": data.TERRITORY_SLUG}, {"name": data.TERRITORY_NAME}
        )
        communes = {
            name: self.ensure("commune", Commune, {"territory": territory, "name": name}, None)[0]
            for name in data.COMMUNES
        }
        fields = dict(data.STRATEGY)
        strategy, _ = self.ensure(
            "strategy",
            Strategy,
            {"territory": territory, "short_name": fields.pop("short_name")},
            fields,
        )
        themes = {
            name: self.ensure("theme", Theme, {"strategy": strategy, "name": name}, None)[0]
            for name in data.THEMES
        }
        domains = self._load_axes(strategy)
        measures = self._load_measures(strategy, domains, themes)
        self._load_projects(strategy, measures, communes, themes)
        self._load_indicators(strategy, measures)
        self._load_workshops(strategy, measures)
        return strategy

    def _load_axes(self, strategy: Strategy) -> dict[tuple[int, str], Domain]:
        domains = {}
        for spec in data.AXES:
            axis, _ = self.ensure(
                "axis",
                Axis,
                {"strategy": strategy, "number": spec.number},
                {"title": spec.title, "strategic_objective": spec.strategic_objective},
            )
            for order, title in enumerate(spec.domains, start=1):
                domains[spec.number, title] = self.ensure(
                    "domain", Domain, {"axis": axis, "title": title}, {"order": order}
                )[0]
        return domains

    def _load_measures(
        self,
        strategy: Strategy,
        domains: dict[tuple[int, str], Domain],
        themes: dict[str, Theme],
    ) -> dict[str, Measure]:
        measures = {}
        per_domain: Counter[tuple[int, str]] = Counter()
        for spec in data.MEASURES:
            per_domain[spec.axis, spec.domain] += 1
            measure, created = self.ensure(
                "measure",
                Measure,
                {"strategy": strategy, "code": spec.code},
                {
                    "domain": domains[spec.axis, spec.domain],
                    "title": spec.title,
                    "objective_code": spec.objective_code,
                    "operational_objective": spec.operational_objective,
                    "lead": spec.lead,
                    "partners": spec.partners,
                    "resources": spec.resources,
                    "outputs": spec.outputs,
                    "order": per_domain[spec.axis, spec.domain],
                },
            )
            if created:
                measure.themes.set([themes[name] for name in spec.themes])
            measures[spec.code] = measure
        return measures

    def _load_projects(
        self,
        strategy: Strategy,
        measures: dict[str, Measure],
        communes: dict[str, Commune],
        themes: dict[str, Theme],
    ) -> None:
        for spec in data.projects(self.today):
            project, created = self.ensure(
                "project",
                Project,
                {"strategy": strategy, "code": spec.code},
                {
                    "measure": measures[spec.measure],
                    "title": spec.title,
                    "description": spec.description,
                    "priority": spec.priority,
                    "lead": spec.lead,
                    "partners": spec.partners,
                    "start_date": spec.start_date,
                    "end_date": spec.end_date,
                    "status": spec.status,
                    "status_comment": spec.status_comment,
                    "progress": spec.progress,
                    "budget_planned": spec.budget_planned,
                    "budget_spent": spec.budget_spent,
                    "budget_kind": spec.budget_kind,
                },
            )
            if not created:
                self.existing["funding"] += project.fundings.count()
                continue
            project.communes.set([communes[name] for name in spec.communes])
            project.themes.set([themes[name] for name in spec.themes])
            for funding in spec.fundings:
                row = Funding(
                    project=project,
                    funder=funding.funder,
                    amount=funding.amount,
                    secured=funding.secured,
                )
                row.full_clean()
                row.save()
                self.created["funding"] += 1

    def _load_indicators(self, strategy: Strategy, measures: dict[str, Measure]) -> None:
        axes = {axis.number: axis for axis in strategy.axes.all()}
        for spec in data.indicators(self.today):
            indicator, created = self.ensure(
                "indicator",
                Indicator,
                {"strategy": strategy, "code": spec.code},
                {
                    "name": spec.name,
                    "description": spec.description,
                    "unit": spec.unit,
                    "level": Indicator.Level.OPERATIONAL
                    if spec.measure
                    else Indicator.Level.STRATEGIC,
                    "axis": axes[spec.axis] if spec.axis else None,
                    "measure": measures[spec.measure] if spec.measure else None,
                    "direction": spec.direction,
                    "baseline_value": spec.baseline_value,
                    "baseline_date": spec.baseline_date,
                    "target_value": spec.target_value,
                    "target_date": spec.target_date,
                    "range_min": spec.range_min,
                    "range_max": spec.range_max,
                    "source": spec.source,
                    "frequency": spec.frequency,
                },
            )
            if created:
                self._load_values(indicator, spec)
            else:
                # Its values may have been corrected since, and the demo's dates move with the
                # load day: an indicator that exists keeps the values it has.
                self.existing["value"] += indicator.values.count()

    def _load_values(self, indicator: Indicator, spec: data.IndicatorSpec) -> None:
        recent = self.today - datetime.timedelta(days=RECENT_DAYS)
        year_ends = [
            day
            for day in (
                datetime.date(year, 12, 31)
                for year in range(indicator.strategy.start_year, self.today.year)
            )
            if day <= recent - datetime.timedelta(days=RECENT_DAYS)
            and (spec.baseline_date is None or day > spec.baseline_date)
        ]
        dated = []
        if spec.history and year_ends:
            count = min(len(spec.history), len(year_ends))
            dated = list(zip(year_ends[-count:], spec.history[-count:], strict=True))
        if spec.latest is not None:
            dated.append((recent, spec.latest))
        for position, (day, planned) in enumerate(dated, start=1):
            is_latest = position == len(dated) and spec.latest is not None
            if isinstance(planned, data.Pace):
                # The latest value keeps pace with the load day, so that its status holds today.
                on = self.today if is_latest else day
                value = self._paced_value(indicator, planned, on, spec.decimals)
            else:
                value = planned
            self.ensure(
                "value",
                IndicatorValue,
                {"indicator": indicator, "date": day},
                {
                    "value": value,
                    "source": spec.source,
                    "comment": spec.latest_comment if is_latest else "",
                },
            )

    @staticmethod
    def _paced_value(
        indicator: Indicator, pace: data.Pace, on: datetime.date, decimals: int
    ) -> Decimal:
        """The value whose attainment is ``pace.factor`` × the expected progress at ``on``."""
        if indicator.baseline_value is None and indicator.direction != Indicator.Direction.INCREASE:
            raise ValueError(f"{indicator.code}: a paced value needs a baseline.")
        share = min(indicator.expected_progress(on) * pace.factor, Decimal(99)) / 100
        baseline = indicator.baseline_value or Decimal(0)
        value = baseline + (indicator.target_value - baseline) * share
        return value.quantize(Decimal(1).scaleb(-decimals))

    def _load_workshops(self, strategy: Strategy, measures: dict[str, Measure]) -> None:
        """The workshops by number; a workshop that exists keeps its agenda and decisions."""
        axes = {axis.number: axis for axis in strategy.axes.all()}
        projects = {project.code: project for project in strategy.projects.all()}
        for spec in data.workshops(self.today):
            workshop, created = self.ensure(
                "workshop",
                Workshop,
                {"strategy": strategy, "number": spec.number},
                {
                    "title": spec.title,
                    "date": spec.date,
                    "place": spec.place,
                    "participants": "\n".join(spec.participants),
                    "excused": "\n".join(spec.excused),
                    "minutes": spec.minutes,
                },
            )
            if not created:
                self.existing["decision"] += workshop.decisions.count()
                continue
            AgendaItem.objects.bulk_create(
                AgendaItem(workshop=workshop, order=order, text=text)
                for order, text in enumerate(spec.agenda, start=1)
            )
            for decision_spec in spec.decisions:
                decision = Decision(
                    workshop=workshop,
                    text=decision_spec.text,
                    owner=decision_spec.owner,
                    due_date=decision_spec.due_date,
                    status=decision_spec.status,
                    closed_on=decision_spec.closed_on,
                    project=projects.get(decision_spec.project),
                    measure=measures.get(decision_spec.measure),
                    axis=axes.get(decision_spec.axis),
                )
                decision.full_clean()
                decision._change_reason = CHANGE_REASON
                decision.save()
                self.created["decision"] += 1

    # --- Accounts -----------------------------------------------------------------------------

    def secretariat_group(self) -> Group:
        """The group with every permission on the cascade's models, spreadsheet import and export
        included (``import_project``, ``export_project``...), and view only on their history;
        missing permissions are added, none is taken away."""
        group, _ = Group.objects.get_or_create(name=data.SECRETARIAT_GROUP)
        app_models = [
            model
            for label in data.EDITABLE_APPS
            for model in apps.get_app_config(label).get_models()
        ]
        content_types = ContentType.objects.get_for_models(*app_models, for_concrete_models=False)
        historical = [
            ct for model, ct in content_types.items() if issubclass(model, HistoricalChanges)
        ]
        current = [ct for ct in content_types.values() if ct not in historical]
        # Territories and memberships decide who sees what: the secretariat reads them, only
        # superusers change them.
        read_only = [ct for model, ct in content_types.items() if model in (Territory, Membership)]
        group.permissions.add(
            *Permission.objects.filter(
                (Q(content_type__in=current) & ~Q(content_type__in=read_only))
                | Q(content_type__in=historical + read_only, codename__startswith="view_")
            )
        )
        return group

    def load_accounts(self, territory: Territory, password: str | None) -> list[str]:
        """Create the demo accounts that are missing; set the password of the others only when one
        is given. One line per account, for the operator."""
        user_model = get_user_model()
        groups = {data.SECRETARIAT_GROUP: self.secretariat_group()}
        lines = []
        for spec in data.ACCOUNTS:
            user = user_model._default_manager.filter(username=spec.username).first()
            if user is None:
                user = user_model(
                    username=spec.username,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    is_staff=spec.is_staff,
                )
                user.set_password(password or data.DEFAULT_PASSWORD)
                user.save()
                self.created["user"] += 1
                shown = password or data.DEFAULT_PASSWORD
            else:
                self.existing["user"] += 1
                if password is not None:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                    shown = password
                else:
                    shown = "mot de passe inchangé"
            user.groups.add(*(groups[name] for name in spec.groups))
            self.ensure(
                "membership",
                Membership,
                {"user": user, "territory": territory},
                {"role": spec.role},
            )
            lines.append(f"Compte {spec.label} : {spec.username} / {shown} ({spec.role_label})")
        return lines


class Command(BaseCommand):
    help = (
        "Charge le territoire de démonstration (Région de Crans-Montana, SDI 2028) et ses comptes "
        "secretariat et commission. Peut être relancée : ne crée que ce qui manque et ne modifie "
        "rien de ce qui existe."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            help=(
                "Mot de passe des comptes de démonstration (par défaut "
                f"« {data.DEFAULT_PASSWORD} » pour les comptes créés ; donné, il remplace aussi "
                "celui des comptes existants)."
            ),
        )

    def handle(self, *args, password: str | None = None, **options) -> None:
        if password is not None and not password.strip():
            raise CommandError("Le mot de passe ne peut pas être vide.")
        loader = DemoLoader(timezone.localdate())
        with transaction.atomic():
            strategy = loader.load()
            accounts = loader.load_accounts(strategy.territory, password)
        self.stdout.write(
            self.style.SUCCESS(f"Démonstration « {strategy} » chargée au {loader.today:%d.%m.%Y}.")
        )
        for kind, label in KINDS.items():
            self.stdout.write(
                f"  {label:<24} {loader.created[kind]:>3} créé(s), "
                f"{loader.existing[kind]:>3} existant(s)"
            )
        for line in accounts:
            self.stdout.write(line)
