"""The strategy cascade: territory → strategy (finalité, objectif général) → axes → domains →
measures.

Projects and indicators hang below in their own apps; they import this one, never the reverse.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .cascade import (  # also read from here by the apps below the axes
    DerivedStrategyMixin,
    refuse_strategy_change,
)
from .choices import Currency, Licence  # also read from here by the API and the tests
from .data_age import DEFAULT_GRACE_PERCENT, DEFAULT_IRREGULAR_MONTHS, DEFAULT_NO_NEWS_DAYS
from .levels import Levels, clean_level_names

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Un code ne contient ni espace ni accent : lettres, chiffres, point, tiret (ex. m1, p12)."),
)


class Territory(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    currency = models.CharField(
        _("monnaie"),
        max_length=3,
        choices=Currency.choices,
        default=Currency.CHF,
        help_text=_("La monnaie des budgets et des financements du territoire."),
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values), name="territory_currency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.CASCADE, related_name="communes"
    )
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ("territory", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("territory", "name"), name="commune_unique_name_per_territory"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Who may see (viewer) or edit (editor) a territory's strategies."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("membre de la commission (lecture)")
        EDITOR = "editor", _("secrétariat (édition)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ("territory", "user")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "territory"), name="membership_unique_user_territory"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["viewer", "editor"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.territory} ({self.get_role_display()})"


class ContactQuerySet(models.QuerySet):
    def for_territory(self, territory: Territory | int) -> ContactQuerySet:
        return self.filter(territory=territory)


class Contact(models.Model):
    """A person named responsible for updating projects or reporting indicator values (a commune's
    clerk, a partner body's officer): projects and indicators point at their owner. A contact needs
    no account; one with an account keeps it for the cockpit (``user``)."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("Ex. Commune de Lens, Triage.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        help_text=_("Facultatif : le compte de la personne, si elle en a un."),
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("territory", "name")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "territory",
                name="contact_unique_email_per_territory",
                violation_error_message=_("Ce territoire a déjà un contact avec cet e-mail."),
            ),
        ]

    def __str__(self) -> str:
        if self.organisation:
            return f"{self.name} ({self.organisation})"
        return self.name

    def clean(self) -> None:
        self.email = (self.email or "").strip().lower()


class StrategyQuerySet(models.QuerySet):
    def for_user(self, user) -> StrategyQuerySet:
        """Strategies of the territories the user is a member of (all of them for a superuser)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(territory__memberships__user=user).distinct()


class StrategyManager(models.Manager.from_queryset(StrategyQuerySet)):
    def get_queryset(self) -> StrategyQuerySet:
        # A strategy is always shown with its territory (``__str__``, filters, choices).
        return super().get_queryset().select_related("territory")


class Strategy(models.Model):
    class Phase(models.TextChoices):
        PREPARATION = "preparation", _("préparation")
        VISION = "vision", _("vision")
        DIAGNOSTIC = "diagnostic", _("diagnostic")
        ORIENTATIONS = "orientations", _("orientations stratégiques")
        ACTION_PLAN = "action_plan", _("plan d'actions")
        MONITORING = "monitoring", _("suivi")

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="strategies"
    )
    title = models.CharField(_("titre"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=30, blank=True)
    start_year = models.PositiveSmallIntegerField(_("année de début"))
    horizon_year = models.PositiveSmallIntegerField(_("horizon"))
    vision = models.TextField(_("vision"), blank=True)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    finality = models.TextField(
        _("finalité"), blank=True, help_text=_("Objectif de développement à long terme.")
    )
    general_objective = models.TextField(
        _("objectif général"), blank=True, help_text=_("L'impact visé à l'horizon.")
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PREPARATION
    )
    on_track_threshold = models.DecimalField(
        _("seuil « en bonne voie » (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("95"),
        help_text=_(
            "Part de la progression attendue à partir de laquelle un indicateur est en bonne voie."
        ),
    )
    warning_threshold = models.DecimalField(
        _("seuil « à surveiller » (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        help_text=_("En dessous, l'indicateur est en retard."),
    )
    stale_grace_percent = models.PositiveSmallIntegerField(
        _("délai de grâce des valeurs (% de la période)"),
        default=DEFAULT_GRACE_PERCENT,
        validators=[MaxValueValidator(400)],
        help_text=_(
            "Une valeur plus ancienne que la fréquence de l'indicateur plus ce délai est « à "
            "actualiser » (25 : un quart de la période)."
        ),
    )
    irregular_stale_months = models.PositiveSmallIntegerField(
        _("indicateurs irréguliers : à actualiser après (mois)"),
        default=DEFAULT_IRREGULAR_MONTHS,
        validators=[MinValueValidator(1)],
    )
    no_news_days = models.PositiveSmallIntegerField(
        _("projets sans nouvelles après (jours)"),
        default=DEFAULT_NO_NEWS_DAYS,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Un projet en cours ou à venir dont ni le statut, ni l'avancement, ni les dates n'ont "
            "changé depuis ce nombre de jours (et sans confirmation « rien à signaler »)."
        ),
    )
    is_public = models.BooleanField(
        _("publique"),
        default=False,
        help_text=_("Un cockpit en lecture seule est publié sans connexion."),
    )
    licence = models.CharField(
        _("licence des données ouvertes"),
        max_length=20,
        choices=Licence.choices,
        default=Licence.CC_BY_4_0,
        help_text=_("La licence sous laquelle une stratégie publique publie ses données."),
    )
    uses_domains = models.BooleanField(
        _("utilise des domaines"),
        default=True,
        help_text=_("Les mesures (ou les projets) se rangent dans des domaines de chaque axe."),
    )
    uses_measures = models.BooleanField(
        _("utilise des mesures"),
        default=True,
        help_text=_("Sans mesures, chaque projet relève directement d'un axe."),
    )
    level_names = models.JSONField(
        _("noms des niveaux"),
        default=dict,
        blank=True,
        help_text=_("Ce que la stratégie appelle chaque niveau ; vide : les mots du SDI."),
    )

    objects = StrategyManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stratégie")
        verbose_name_plural = _("stratégies")
        ordering = ("territory__name", "-horizon_year", "title")
        constraints = [
            models.UniqueConstraint(
                fields=("territory", "short_name", "horizon_year"),
                condition=~Q(short_name=""),
                name="strategy_unique_short_name_per_territory",
                violation_error_message=_(
                    "Ce territoire a déjà une stratégie de ce sigle à cet horizon."
                ),
            ),
            models.CheckConstraint(
                condition=Q(horizon_year__gte=F("start_year")), name="strategy_horizon_after_start"
            ),
            models.CheckConstraint(
                condition=Q(warning_threshold__gt=0)
                & Q(warning_threshold__lte=F("on_track_threshold"))
                & Q(on_track_threshold__lte=100),
                name="strategy_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    phase__in=[
                        "preparation",
                        "vision",
                        "diagnostic",
                        "orientations",
                        "action_plan",
                        "monitoring",
                    ]
                ),
                name="strategy_phase_valid",
            ),
            models.CheckConstraint(
                condition=Q(licence__in=Licence.values), name="strategy_licence_valid"
            ),
        ]

    def __str__(self) -> str:
        if self.short_name:
            return f"{self.short_name} {self.horizon_year} – {self.territory}"
        return f"{self.title} – {self.territory}"

    def clean(self) -> None:
        errors = {}
        try:
            self.level_names = clean_level_names(self.level_names)
        except ValueError as error:
            errors["level_names"] = str(error)
        from .shape import shape_change_errors, shape_errors

        errors.update(shape_errors(self.uses_domains, self.uses_measures))
        if self.pk is not None and not errors:
            errors.update(shape_change_errors(self, self.uses_domains, self.uses_measures))
        if self.start_year and self.horizon_year and self.horizon_year < self.start_year:
            errors["horizon_year"] = _("L'horizon doit suivre l'année de début.")
        if (
            self.warning_threshold is not None
            and self.on_track_threshold is not None
            and not (0 < self.warning_threshold <= self.on_track_threshold <= 100)
        ):
            errors["warning_threshold"] = _(
                "Les seuils doivent respecter 0 < « à surveiller » ≤ « en bonne voie » ≤ 100."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def levels(self) -> Levels:
        """The levels this strategy uses and what it calls them (strategies/levels.py)."""
        return Levels(self.level_names, self.uses_domains, self.uses_measures)

    @property
    def start_date(self) -> datetime.date:
        """The default start of every expected trajectory: 1 January of the start year."""
        return datetime.date(self.start_year, 1, 1)

    @property
    def horizon_date(self) -> datetime.date:
        """The default target date: 31 December of the horizon year."""
        return datetime.date(self.horizon_year, 12, 31)


class Axis(models.Model):
    strategy = models.ForeignKey(
        Strategy, verbose_name=_("stratégie"), on_delete=models.CASCADE, related_name="axes"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=200)
    strategic_objective = models.TextField(
        _("objectif stratégique"), blank=True, help_text=_("Le résultat attendu à l'horizon.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ("strategy", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("strategy", "number"), name="axis_unique_number_per_strategy"
            ),
        ]

    def __str__(self) -> str:
        # In the strategy's words when the strategy is at hand (no query for a label).
        if "strategy" in self._state.fields_cache and self.strategy.levels.axis.custom:
            return _("%(level)s %(number)s : %(title)s") % {
                "level": self.strategy.levels.axis.Singular,
                "number": self.number,
                "title": self.title,
            }
        return _("Axe %(number)s : %(title)s") % {"number": self.number, "title": self.title}

    def save(self, *args, **kwargs) -> None:
        self.clean_strategy_change()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.clean_strategy_change()

    def clean_strategy_change(self) -> None:
        if self.pk is not None:
            before = Axis.objects.filter(pk=self.pk).values_list("strategy_id", flat=True).first()
            refuse_strategy_change(self, "strategy", before, self.strategy_id)


class Domain(models.Model):
    """A domaine d'intervention of an axis."""

    axis = models.ForeignKey(
        Axis, verbose_name=_("axe"), on_delete=models.CASCADE, related_name="domains"
    )
    title = models.CharField(_("titre"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("domaine d'intervention")
        verbose_name_plural = _("domaines d'intervention")
        ordering = ("axis", "order", "title")
        constraints = [
            models.UniqueConstraint(fields=("axis", "title"), name="domain_unique_title_per_axis"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.clean_strategy_change()
        before = None
        if self.pk is not None:
            before = Domain.objects.filter(pk=self.pk).values_list("axis_id", flat=True).first()
        super().save(*args, **kwargs)
        if before is not None and before != self.axis_id:
            # Its measures and their projects follow it to the other axis.
            self.measures.update(axis_id=self.axis_id)
            projects = Measure._meta.get_field("projects").related_model
            projects._base_manager.filter(measure__domain=self).update(axis_id=self.axis_id)

    def clean(self) -> None:
        self.clean_strategy_change()
        strategy = Strategy.objects.filter(axes=self.axis_id).first() if self.axis_id else None
        if strategy is not None and not strategy.uses_domains:
            raise ValidationError(
                _("Cette stratégie n'utilise pas le niveau « %(level)s ».")
                % {"level": strategy.levels.domain.Singular}
            )

    def clean_strategy_change(self) -> None:
        if self.pk is not None and self.axis_id:
            before = (
                Domain.objects.filter(pk=self.pk)
                .values_list("axis__strategy_id", flat=True)
                .first()
            )
            after = (
                Axis.objects.filter(pk=self.axis_id).values_list("strategy_id", flat=True).first()
            )
            refuse_strategy_change(self, "axis", before, after)


class Theme(models.Model):
    """A transversal factor (communication, digitalisation, développement durable...)."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("stratégie"), on_delete=models.CASCADE, related_name="themes"
    )
    name = models.CharField(_("nom"), max_length=120)

    class Meta:
        verbose_name = _("thème transversal")
        verbose_name_plural = _("thèmes transversaux")
        ordering = ("strategy", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("strategy", "name"), name="theme_unique_name_per_strategy"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MeasureQuerySet(models.QuerySet):
    def for_strategy(self, strategy: Strategy | int) -> MeasureQuerySet:
        return self.filter(strategy=strategy)


class Measure(DerivedStrategyMixin):
    """A measure (mesure) and its operational objective, in a domain of an axis.

    ``strategy`` repeats ``domain.axis.strategy`` so that the database itself can keep codes unique
    within a strategy; ``save()`` keeps it in step with the domain.
    """

    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("stratégie"),
        on_delete=models.CASCADE,
        related_name="measures",
        editable=False,
    )
    axis = models.ForeignKey(
        Axis,
        verbose_name=_("axe"),
        on_delete=models.PROTECT,
        related_name="measures",
        blank=True,
        help_text=_("Celui du domaine quand la stratégie utilise des domaines."),
    )
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("domaine d'intervention"),
        on_delete=models.PROTECT,
        related_name="measures",
        null=True,
        blank=True,
    )
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    title = models.CharField(_("titre"), max_length=250)
    objective_code = models.CharField(
        _("code de l'objectif opérationnel"),
        max_length=20,
        blank=True,
        validators=[code_validator],
    )
    operational_objective = models.TextField(_("objectif opérationnel"), blank=True)
    lead = models.CharField(
        _("responsable"), max_length=200, blank=True, help_text=_("Ex. Communes, Triage.")
    )
    partners = models.CharField(_("partenaires"), max_length=300, blank=True)
    resources = models.TextField(_("ressources"), blank=True, help_text=_("Humaines, etc."))
    outputs = models.TextField(_("réalisations attendues"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thèmes transversaux"), blank=True, related_name="measures"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    parent_field = "domain"

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        # Explicit import and export permissions (IMPORT_EXPORT_*_PERMISSION_CODE).
        permissions = [
            ("import_measure", "Peut importer des mesures depuis un tableur"),
            ("export_measure", "Peut exporter des mesures en tableur"),
        ]
        ordering = (
            "strategy",
            "axis__number",
            "domain__order",
            "order",
            Length("code"),
            "code",
        )
        constraints = [
            # Unique ignoring case: k1 and K1 would be the same measure to the secretariat.
            models.UniqueConstraint(
                Lower("code"),
                "strategy",
                name="measure_unique_code_per_strategy",
                violation_error_message=_("Ce code de mesure est déjà utilisé dans la stratégie."),
            ),
            models.UniqueConstraint(
                Lower("objective_code"),
                "strategy",
                condition=~Q(objective_code=""),
                name="measure_unique_objective_code_per_strategy",
                violation_error_message=_(
                    "Ce code d'objectif opérationnel est déjà utilisé dans la stratégie."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def save(self, *args, **kwargs) -> None:
        moved = self.pk is not None and self.axis_changed()
        super().save(*args, **kwargs)
        if moved:
            # Its projects follow it (they repeat their measure's axis).
            self.projects.update(axis_id=self.axis_id)

    def axis_changed(self) -> bool:
        self.sync_axis()
        before = Measure.objects.filter(pk=self.pk).values_list("axis_id", flat=True).first()
        return before is not None and before != self.axis_id
