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

from demo import data
from indicators.models import Indicator, IndicatorValue
from prioritisation.criteria import CRITERIA_TEMPLATES
from prioritisation.models import Criterion, Proposal, Score
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
from workshops.models import AgendaItem, Decision, Workshop

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
    "proposal": "propositions",
    "criterion": "critères",
    "score": "notes",
    "user": "comptes",
}

#: The latest demo value is dated this many days before the load day, the yearly values (31.12)
#: at least as much before it.
RECENT_DAYS = 30


class DemoLoader:
    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.held = data.held_day(today)
        self.set_up = self.at(
            self.held - datetime.timedelta(days=data.SET_UP_DAYS_BEFORE_WORKSHOP), 9
        )
        self.created: Counter[str] = Counter()
        self.existing: Counter[str] = Counter()

    def ensure(
        self,
        kind: str,
        model: type[M],
        lookup: dict[str, Any],
        defaults: dict[str, Any] | None,
        entered: datetime.datetime | None = None,
    ) -> tuple[M, bool]:
        """The row found by ``lookup``, else a new one made of ``lookup`` and ``defaults``, whose
        creation the history dates ``entered`` (by default when the secretariat set the demo
        strategy up, a month before the seed's workshop)."""
        instance = model._default_manager.filter(**lookup).first()
        if instance is not None:
            self.existing[kind] += 1
            return instance, False
        instance = model(**lookup, **(defaults or {}))
        instance.full_clean()
        instance._change_reason = CHANGE_REASON
        instance.save()
        self.date_history(instance, entered or self.set_up)
        self.created[kind] += 1
        return instance, True

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    @staticmethod
    def date_history(instance: models.Model, moment: datetime.datetime) -> None:
        """Date the latest history row of ``instance`` (just written) ``moment``: the demo tells
        a story over the months before the load day, so that the workshops' "what changed" and
        the pack of a past workshop (read back from the history) show something real."""
        history = getattr(type(instance), "history", None)
        if history is None:
            return
        latest = history.filter(id=instance.pk).order_by("-history_id").first()
        history.filter(history_id=latest.history_id).update(history_date=moment)

    def change(self, instance: models.Model, moment: datetime.datetime, **fields) -> None:
        """Change ``fields`` of ``instance`` as the secretariat did at ``moment``."""
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance._change_reason = CHANGE_REASON
        instance.save()
        self.date_history(instance, moment)

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
        self._load_prioritisation(strategy, communes)
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
        stories = data.project_stories(self.today)
        for spec in data.projects(self.today):
            story = stories.get(spec.code)
            fields = {
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
            }
            later = (
                None if story is None else self.at(self.held + datetime.timedelta(story.days), 10)
            )
            project, created = self.ensure(
                "project",
                Project,
                {"strategy": strategy, "code": spec.code},
                {**fields, **story.before} if story and story.before else fields,
                entered=later if story and not story.before else None,
            )
            if created and story and story.before:
                self.change(project, later, **{name: fields[name] for name in story.before})
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
                # Recorded the day it was measured, or with the strategy for older figures.
                entered=self.at(day, 17) if day > self.set_up.date() else None,
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
                # A workshop after the seed's one was planned at it.
                entered=self.at(self.held, 18) if spec.date > self.held else None,
            )
            if not created:
                self.existing["decision"] += workshop.decisions.count()
                continue
            AgendaItem.objects.bulk_create(
                AgendaItem(workshop=workshop, order=order, text=text)
                for order, text in enumerate(spec.agenda, start=1)
            )
            for decision_spec in spec.decisions:
                # Taken open at the workshop, closed later (as the history will tell).
                decision = Decision(
                    workshop=workshop,
                    text=decision_spec.text,
                    owner=decision_spec.owner,
                    due_date=decision_spec.due_date,
                    status=Decision.Status.OPEN,
                    project=projects.get(decision_spec.project),
                    measure=measures.get(decision_spec.measure),
                    axis=axes.get(decision_spec.axis),
                )
                decision.full_clean()
                decision._change_reason = CHANGE_REASON
                decision.save()
                self.date_history(decision, self.at(workshop.date, 18))
                if decision_spec.status != Decision.Status.OPEN:
                    self.change(
                        decision,
                        self.at(decision_spec.closed_on, 17),
                        status=decision_spec.status,
                        closed_on=decision_spec.closed_on,
                    )
                self.created["decision"] += 1

    def _load_prioritisation(self, strategy: Strategy, communes: dict[str, Commune]) -> None:
        """The proposals of atelier 3, the ELIRE criteria and the scores. A proposal that exists
        keeps its triage and communes; a criterion that exists keeps its weight and its scores
        (those the secretariat removed are not put back)."""
        axes = {axis.number: axis for axis in strategy.axes.all()}
        projects = {project.code: project for project in strategy.projects.all()}
        workshop = Workshop.objects.filter(
            strategy=strategy, number=data.PROPOSALS_WORKSHOP
        ).first()
        proposals = {}
        for spec in data.PROPOSALS:
            proposal, created = self.ensure(
                "proposal",
                Proposal,
                {"strategy": strategy, "title": spec.title},
                {
                    "workshop": workshop,
                    "axis": axes.get(spec.axis),
                    "description": spec.description,
                    "proposed_by": spec.proposed_by,
                    "status": spec.status,
                    "reason": spec.reason,
                    "merged_into_project": projects.get(spec.merged_into_project),
                },
            )
            if created:
                proposal.communes.set([communes[name] for name in spec.communes])
            proposals[spec.title] = proposal
        descriptions = {
            spec.name: spec.description for spec in CRITERIA_TEMPLATES["elire"].criteria
        }
        for order, (name, weight) in enumerate(data.CRITERIA, start=1):
            criterion, created = self.ensure(
                "criterion",
                Criterion,
                {"strategy": strategy, "name": name},
                {"description": descriptions[name], "weight": weight, "order": order},
            )
            if not created:
                self.existing["score"] += criterion.scores.count()
                continue
            for target_key, values in data.SCORES.items():
                value = values[order - 1]
                target = projects.get(target_key) or proposals.get(target_key)
                if value is None or target is None:
                    continue
                key = "project" if isinstance(target, Project) else "proposal"
                self.ensure(
                    "score",
                    Score,
                    {"criterion": criterion, key: target},
                    {
                        "value": value,
                        "comment": data.SCORE_COMMENTS.get((target_key, name), ""),
                    },
                )

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
        # Territories decide who sees what: the secretariat reads them, only superusers change
        # them. Memberships: the admin lets an editor manage only the viewers of their territory.
        read_only = [ct for model, ct in content_types.items() if model is Territory]
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
