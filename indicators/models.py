"""Indicators: the effect side of the cascade, their dated values and the status engine."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategies.cascade import check_owner_territory
from strategies.models import Axis, Contact, Measure, Strategy, code_validator

#: Outside its range by less than this share of the range's width, a range indicator is "!".
RANGE_WARNING_SHARE = Decimal("0.10")


class Status(models.TextChoices):
    """What the cockpit says of an indicator: one word (its label), one symbol and one colour per
    status, used by every page, the admin, the pack and "what changed". Computed, never stored."""

    ACHIEVED = "achieved", _("atteint")
    ON_TRACK = "on_track", _("en bonne voie")
    WARNING = "warning", _("à surveiller")
    OFF_TRACK = "off_track", _("hors trajectoire")
    NO_DATA = "no_data", _("sans donnée")

    @property
    def symbol(self) -> str:
        return {
            "achieved": "✓",
            "on_track": "✓",
            "warning": "!",
            "off_track": "✗",
            "no_data": "?",
        }[self.value]

    @property
    def colour(self) -> str:
        """As a project's marks: the class ``tone-<colour>``, the pack's fill."""
        return {
            "achieved": "green",
            "on_track": "green",
            "warning": "amber",
            "off_track": "red",
            "no_data": "grey",
        }[self.value]

    @property
    def text(self) -> str:
        """« ✗ hors trajectoire »: the symbol and the word."""
        return f"{self.symbol} {self.label}"


@dataclass(frozen=True)
class Evaluation:
    """What the cockpit says of an indicator at a date, and why."""

    status: Status
    attainment: Decimal | None
    explanation: str
    expected: Decimal | None = None
    value: Decimal | None = None
    value_date: datetime.date | None = None
    #: The value is older than the indicator's period plus the strategy's grace (« à actualiser »).
    stale: bool = False

    @property
    def symbol(self) -> str:
        return self.status.symbol

    @property
    def up_to_date(self) -> bool:
        """A value that is not stale; an indicator without a value is not up to date."""
        return self.value_date is not None and not self.stale


def format_percent(value: Decimal) -> str:
    return f"{number_format(value.quantize(Decimal('1')), decimal_pos=0)} %"


def format_number(value: Decimal | int) -> str:
    value = Decimal(value).normalize()  # 20.5000 → 20,5 ; 3E+1 → 30
    return number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True)


def _fmt_date(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


#: The period of each regular frequency, in days; an irregular indicator's limit is a strategy
#: setting, in months (``Strategy.irregular_stale_months``).
PERIOD_DAYS = {
    "monthly": 30,
    "quarterly": 91,
    "half_yearly": 182,
    "yearly": 365,
}


def stale_after_days(frequency: str, grace_percent: int, irregular_months: int) -> int:
    """How many days a value stays current: its period plus ``grace_percent`` of it (rounded
    down), or for an irregular indicator ``irregular_months`` months (365 days a year)."""
    if frequency not in PERIOD_DAYS:
        return irregular_months * 365 // 12
    period = PERIOD_DAYS[frequency]
    return period + period * grace_percent // 100


class IndicatorQuerySet(models.QuerySet):
    def for_strategy(self, strategy: Strategy | int) -> IndicatorQuerySet:
        return self.filter(strategy=strategy)

    def with_latest_value(self, on: datetime.date | None = None) -> IndicatorQuerySet:
        """Annotate ``latest_value`` and ``latest_value_date`` (the last value dated on or before
        ``on``), so that a list of indicators is evaluated without a query per row."""
        values = IndicatorValue.objects.filter(indicator=OuterRef("pk"))
        if on is not None:
            values = values.filter(date__lte=on)
        values = values.order_by("-date", "-pk")
        return self.annotate(
            latest_value=Subquery(values.values("value")[:1]),
            latest_value_date=Subquery(values.values("date")[:1]),
        )

    def evaluated(self, on: datetime.date | None = None) -> list[tuple[Indicator, Evaluation]]:
        """Each indicator with its evaluation, in one query."""
        on = on or timezone.localdate()
        indicators = self.select_related("strategy").with_latest_value(on)
        return [(indicator, indicator.evaluate(on)) for indicator in indicators]

    def rollup(self, on: datetime.date | None = None) -> EffectRollup:
        return EffectRollup.of(evaluation for _i, evaluation in self.evaluated(on))

    def rollup_by(self, key: str, on: datetime.date | None = None) -> dict[int, EffectRollup]:
        """One rollup per value of an attribute path of the indicator (``"axis_id"``,
        ``"measure_id"``), in one query."""
        groups: dict[int, list[Evaluation]] = defaultdict(list)
        for indicator, evaluation in self.evaluated(on):
            groups[getattr(indicator, key)].append(evaluation)
        return {group: EffectRollup.of(evaluations) for group, evaluations in groups.items()}


@dataclass(frozen=True)
class EffectRollup:
    """Indicators by status and their mean attainment (over those that have one)."""

    counts: dict[str, int] = field(default_factory=dict)
    mean_attainment: Decimal | None = None
    total: int = 0

    @classmethod
    def of(cls, evaluations: Iterable[Evaluation]) -> EffectRollup:
        counts = {status.value: 0 for status in Status}
        attainments = []
        total = 0
        for evaluation in evaluations:
            total += 1
            counts[evaluation.status.value] += 1
            if evaluation.attainment is not None:
                attainments.append(evaluation.attainment)
        mean = (
            (sum(attainments, Decimal(0)) / len(attainments)).quantize(Decimal("0.1"))
            if attainments
            else None
        )
        return cls(counts=counts, mean_attainment=mean, total=total)

    @property
    def achieved(self) -> int:
        return self.counts.get(Status.ACHIEVED, 0)

    @property
    def on_track(self) -> int:
        return self.counts.get(Status.ON_TRACK, 0)

    @property
    def warning(self) -> int:
        return self.counts.get(Status.WARNING, 0)

    @property
    def off_track(self) -> int:
        return self.counts.get(Status.OFF_TRACK, 0)

    @property
    def no_data(self) -> int:
        return self.counts.get(Status.NO_DATA, 0)


class Indicator(models.Model):
    class Level(models.TextChoices):
        STRATEGIC = "strategic", _("stratégique (axe)")
        OPERATIONAL = "operational", _("opérationnel (mesure)")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("à augmenter")
        DECREASE = "decrease", _("à diminuer")
        RANGE = "range", _("à maintenir dans une fourchette")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("mensuelle")
        QUARTERLY = "quarterly", _("trimestrielle")
        HALF_YEARLY = "half_yearly", _("semestrielle")
        YEARLY = "yearly", _("annuelle")
        IRREGULAR = "irregular", _("irrégulière")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("stratégie"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    name = models.CharField(_("nom"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    level = models.CharField(
        _("niveau"), max_length=20, choices=Level.choices, default=Level.STRATEGIC
    )
    axis = models.ForeignKey(
        Axis,
        verbose_name=_("axe"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("mesure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    direction = models.CharField(
        _("sens"), max_length=20, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_value = models.DecimalField(
        _("état actuel (valeur de départ)"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Laisser vide si inconnu (« ? »)."),
    )
    baseline_date = models.DateField(_("date de l'état actuel"), null=True, blank=True)
    target_value = models.DecimalField(
        _("état visé"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    target_date = models.DateField(
        _("échéance"),
        null=True,
        blank=True,
        help_text=_("Par défaut, la fin de l'année d'horizon de la stratégie."),
    )
    range_min = models.DecimalField(
        _("fourchette : minimum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    range_max = models.DecimalField(
        _("fourchette : maximum"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=250, blank=True)
    owner = models.ForeignKey(
        Contact,
        verbose_name=_("responsable des valeurs"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_("La personne qui fournit les valeurs (un contact du territoire)."),
    )
    frequency = models.CharField(
        _("fréquence de mise à jour"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.YEARLY,
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        # Explicit import and export permissions (IMPORT_EXPORT_*_PERMISSION_CODE).
        permissions = [
            ("import_indicator", "Peut importer des indicateurs depuis un tableur"),
            ("export_indicator", "Peut exporter des indicateurs en tableur"),
        ]
        ordering = ("strategy", Length("code"), "code")  # s1, s2 … s10
        constraints = [
            # Unique ignoring case: s1 and S1 would be the same indicator to the secretariat.
            models.UniqueConstraint(
                Lower("code"),
                "strategy",
                name="indicator_unique_code_per_strategy",
                violation_error_message=_(
                    "Ce code d'indicateur est déjà utilisé dans la stratégie."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(level="strategic") & Q(axis__isnull=False) & Q(measure__isnull=True))
                | (Q(level="operational") & Q(measure__isnull=False)),
                name="indicator_level_matches_parent",
                violation_error_message=_(
                    "Un indicateur stratégique se rattache à un axe, un indicateur opérationnel à "
                    "une mesure."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(direction="range")
                    & Q(range_min__isnull=False)
                    & Q(range_max__isnull=False)
                    & Q(range_max__gte=F("range_min"))
                )
                | (Q(direction__in=["increase", "decrease"]) & Q(target_value__isnull=False)),
                name="indicator_target_defined",
                violation_error_message=_(
                    "Indiquez l'état visé (ou, pour une fourchette, un minimum et un maximum "
                    "ordonnés)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True)
                | Q(target_value__isnull=True)
                | ~Q(target_value=F("baseline_value")),
                name="indicator_target_differs_from_baseline",
                violation_error_message=_("L'état visé doit différer de l'état actuel."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gt=F("baseline_date")),
                name="indicator_target_date_after_baseline",
                violation_error_message=_("L'échéance doit suivre la date de l'état actuel."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=["strategic", "operational"])
                & Q(direction__in=["increase", "decrease", "range"])
                & Q(frequency__in=["monthly", "quarterly", "half_yearly", "yearly", "irregular"]),
                name="indicator_choices_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        check_owner_territory(self, self.strategy_id)
        errors: dict[str, str] = {}
        if (
            self.direction != self.Direction.RANGE
            and self.baseline_value is not None
            and (self.target_value is not None)
        ):
            if (
                self.direction == self.Direction.INCREASE
                and self.target_value < self.baseline_value
            ):
                errors["target_value"] = _("Un indicateur à augmenter vise plus que l'état actuel.")
            if (
                self.direction == self.Direction.DECREASE
                and self.target_value > self.baseline_value
            ):
                errors["target_value"] = _("Un indicateur à diminuer vise moins que l'état actuel.")
        for parent, field_name in ((self.axis, "axis"), (self.measure, "measure")):
            if parent is not None and self.strategy_id and parent.strategy_id != self.strategy_id:
                errors[field_name] = _("Il doit appartenir à la même stratégie que l'indicateur.")
        if errors:
            raise ValidationError(errors)

    # --- The status engine --------------------------------------------------------------------

    def latest_value_on(
        self, on: datetime.date | None
    ) -> tuple[Decimal | None, datetime.date | None]:
        """The last recorded value on or before ``on`` (uses the ``with_latest_value`` annotation
        when present, else one query)."""
        if hasattr(self, "latest_value"):
            value = self.latest_value
            if value is not None:  # SQLite returns a subquery's decimal unquantized
                value = Decimal(value).quantize(Decimal("0.0001"))
            return value, self.latest_value_date
        values = self.values.all()
        if on is not None:
            values = values.filter(date__lte=on)
        row = values.order_by("-date", "-pk").values_list("value", "date").first()
        return row if row else (None, None)

    def is_stale(self, value_date: datetime.date | None, on: datetime.date) -> bool:
        """« À actualiser »: the value of ``value_date`` is older, at ``on``, than the indicator's
        period plus the strategy's grace; on the last day of the grace it is still current. No
        value is not stale (it is « sans donnée »)."""
        if value_date is None:
            return False
        strategy = self.strategy
        limit = stale_after_days(
            self.frequency, strategy.stale_grace_percent, strategy.irregular_stale_months
        )
        return (on - value_date).days > limit

    def trajectory_start(self) -> datetime.date:
        return self.baseline_date or self.strategy.start_date

    def trajectory_end(self) -> datetime.date:
        return self.target_date or self.strategy.horizon_date

    def expected_progress(self, on: datetime.date) -> Decimal:
        """Share of the way (0–100 %) expected at ``on``, linear from baseline to target date."""
        start, end = self.trajectory_start(), self.trajectory_end()
        if on <= start:
            return Decimal(0)
        if on >= end or end <= start:
            return Decimal(100)
        return (Decimal(100) * (on - start).days / (end - start).days).quantize(Decimal("0.1"))

    def attainment_of(self, value: Decimal) -> Decimal | None:
        """Attainment in % of the way from baseline to target (None when it cannot be computed)."""
        target, baseline = self.target_value, self.baseline_value
        if self.direction == self.Direction.RANGE:
            return self._range_attainment(value)
        if target is None:
            return None
        if baseline is not None:
            if target == baseline:
                return None
            ratio = (value - baseline) / (target - baseline)
        elif self.direction == self.Direction.INCREASE:
            if target == 0:
                return None
            ratio = value / target
        else:  # decreasing with an unknown baseline: the lower the value, the better
            ratio = target / value if value else Decimal(1 if target >= 0 else 0)
        return (Decimal(100) * ratio).quantize(Decimal("0.1"))

    def _range_attainment(self, value: Decimal) -> Decimal | None:
        low, high = self.range_min, self.range_max
        if low is None or high is None:
            return None
        if low <= value <= high:
            return Decimal(100)
        distance = low - value if value < low else value - high
        width = (high - low) or abs(high) or Decimal(1)
        return max(Decimal(0), Decimal(100) * (1 - distance / width)).quantize(Decimal("0.1"))

    def evaluate(self, on: datetime.date | None = None) -> Evaluation:
        """Status, attainment and the sentence that says why, at ``on`` (default: today). A stale
        value keeps its status; its sentence starts with its date and « à actualiser »."""
        on = on or timezone.localdate()
        value, value_date = self.latest_value_on(on)
        if value is None:
            return Evaluation(Status.NO_DATA, None, gettext("Aucune valeur mesurée."))
        evaluation = self._evaluate_value(Decimal(value), value_date, on)
        if not self.is_stale(value_date, on):
            return evaluation
        warning = gettext("Dernière valeur du %(value_date)s, à actualiser (%(frequency)s).") % {
            "value_date": _fmt_date(value_date),
            "frequency": self.get_frequency_display(),
        }
        return dataclasses.replace(
            evaluation, explanation=f"{warning} {evaluation.explanation}", stale=True
        )

    def _evaluate_value(
        self, value: Decimal, value_date: datetime.date, on: datetime.date
    ) -> Evaluation:
        attainment = self.attainment_of(value)
        if self.direction == self.Direction.RANGE:
            return self._evaluate_range(value, value_date, attainment, on)
        if attainment is None:
            return Evaluation(
                Status.NO_DATA,
                None,
                gettext("Valeur %(value)s : l'atteinte ne peut pas être calculée (état visé nul).")
                % {"value": format_number(value)},
                value=value,
                value_date=value_date,
            )
        expected = self.expected_progress(on)
        facts = {
            "attainment": format_percent(attainment),
            "expected": format_percent(expected),
            "date": _fmt_date(on),
            "value_date": _fmt_date(value_date),
        }
        if attainment >= 100:
            status = Status.ACHIEVED
            text = gettext("Cible atteinte : %(attainment)s du but au %(value_date)s.") % facts
        else:
            strategy = self.strategy
            ratio = Decimal(100) if expected == 0 else Decimal(100) * attainment / expected
            if ratio >= strategy.on_track_threshold:
                status = Status.ON_TRACK
            elif ratio >= strategy.warning_threshold:
                status = Status.WARNING
            else:
                status = Status.OFF_TRACK
            if on > self.trajectory_end():
                text = gettext(
                    "%(attainment)s du but atteint ; l'échéance du %(deadline)s est passée."
                ) % {**facts, "deadline": _fmt_date(self.trajectory_end())}
            else:
                text = (
                    gettext("%(attainment)s du but atteint ; %(expected)s attendu au %(date)s.")
                    % facts
                )
        return Evaluation(status, attainment, text, expected, value, value_date)

    def _evaluate_range(
        self, value: Decimal, value_date: datetime.date, attainment: Decimal | None, on
    ) -> Evaluation:
        low, high = self.range_min, self.range_max
        facts = {
            "value": format_number(value),
            "low": format_number(low),
            "high": format_number(high),
            "value_date": _fmt_date(value_date),
        }
        if low <= value <= high:
            status = Status.ACHIEVED if on >= self.trajectory_end() else Status.ON_TRACK
            text = (
                gettext("%(value)s au %(value_date)s, dans la fourchette %(low)s–%(high)s.") % facts
            )
        else:
            width = (high - low) or abs(high) or Decimal(1)
            distance = low - value if value < low else value - high
            status = Status.WARNING if distance <= width * RANGE_WARNING_SHARE else Status.OFF_TRACK
            text = (
                gettext("%(value)s au %(value_date)s, hors de la fourchette %(low)s–%(high)s.")
                % facts
            )
        return Evaluation(status, attainment, text, None, value, value_date)

    @property
    def display_axis(self) -> Axis | None:
        """The axis the indicator belongs to, directly or through its measure."""
        return self.axis if self.axis_id else (self.measure.axis if self.measure_id else None)


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.CASCADE, related_name="values"
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=4)
    comment = models.TextField(_("commentaire"), blank=True)
    source = models.CharField(_("source"), max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateur")
        # Explicit import and export permissions (IMPORT_EXPORT_*_PERMISSION_CODE).
        permissions = [
            ("import_indicatorvalue", "Peut importer des valeurs d'indicateur depuis un tableur"),
            ("export_indicatorvalue", "Peut exporter des valeurs d'indicateur en tableur"),
        ]
        ordering = ("indicator", "-date")
        constraints = [
            models.UniqueConstraint(
                fields=("indicator", "date"),
                name="indicator_value_unique_date",
                violation_error_message=_(
                    "Une valeur existe déjà à cette date pour cet indicateur."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.date:%d.%m.%Y} : {self.value}"
