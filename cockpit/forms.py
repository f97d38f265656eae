"""The cockpit's filters: a GET form, so that a filtered view has a URL to share and reload.

Every count of the rollups links to the cockpit filtered to exactly the projects it counts: by
status (``status=blocked``), mark (``mark=unscheduled``), late (``late=on``), engaged
(``engaged=on``), all but the abandoned (``active=on``) and ending after the horizon
(``after_horizon=on``), with the axis (``axis=<pk>``) for an axis's rollup.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from projects.models import AFTER_HORIZON, Mark, Project, agree
from steering.widgets import QuickSelect
from strategies.models import Axis, Commune, Domain, Measure, Strategy, Theme

#: The filters that select projects (the others select the structure: axis, domain, theme).
PROJECT_FILTERS = (
    "commune",
    "status",
    "mark",
    "priority",
    "lead",
    "late",
    "engaged",
    "active",
    "after_horizon",
)


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices read with one plain query. Django's iterator reads them through
    ``QuerySet.iterator()``, a server-side cursor on PostgreSQL: DECLARE, FETCH and CLOSE, three
    round trips for each of the filters' short lists."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator
    widget = QuickSelect


class CockpitFilterForm(forms.Form):
    axis = ListedChoiceField(
        label=_("Axe"), queryset=Axis.objects.none(), required=False, empty_label=_("Tous")
    )
    domain = ListedChoiceField(
        label=_("Domaine"), queryset=Domain.objects.none(), required=False, empty_label=_("Tous")
    )
    theme = ListedChoiceField(
        label=_("Thème"), queryset=Theme.objects.none(), required=False, empty_label=_("Tous")
    )
    commune = ListedChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False, empty_label=_("Toutes")
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("Tous")), *Project.Status.choices],
        required=False,
        widget=QuickSelect,
    )
    priority = forms.TypedChoiceField(
        label=_("Priorité"),
        choices=[("", _("Toutes")), *Project.Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=QuickSelect,
    )
    mark = forms.ChoiceField(label=_("État"), choices=(), required=False, widget=QuickSelect)
    lead = forms.ChoiceField(label=_("Qui ?"), choices=(), required=False, widget=QuickSelect)
    late = forms.BooleanField(label=_("En retard seulement"), required=False)
    engaged = forms.BooleanField(required=False)
    active = forms.BooleanField(required=False)
    after_horizon = forms.BooleanField(required=False)
    q = forms.CharField(
        label=_("Recherche"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("code, titre…")}),
    )

    def __init__(self, strategy: Strategy, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        #: The filters given but ignored (left out of the canonical URL).
        self.ignored: set[str] = set()
        levels = strategy.levels
        if levels.axis.custom:
            self.fields["axis"].label = levels.axis.Singular
        if not strategy.uses_domains:
            del self.fields["domain"]
        elif levels.domain.custom:
            self.fields["domain"].label = levels.domain.Singular
        # Through the strategy, so that each axis is labelled in its words without a query.
        self.fields["axis"].queryset = strategy.axes.all()
        if "domain" in self.fields:
            domains = Domain.objects.filter(axis__strategy=strategy).order_by(
                "axis__number", "order", "title"
            )
            self.fields["domain"].queryset = domains
            # Offered: the chosen axis's domains only. Any domain of the strategy stays valid: one
            # of another axis (the axis changed after it was chosen) is ignored by ``clean``.
            axis = str(self.data.get(self.add_prefix("axis"), ""))
            if axis.isdigit():
                offered = ListedChoiceField(
                    queryset=domains.filter(axis_id=int(axis)), empty_label=_("Tous")
                )
                self.fields["domain"].widget.choices = offered.choices
        self.fields["theme"].queryset = Theme.objects.filter(strategy=strategy)
        self.fields["commune"].queryset = Commune.objects.filter(territory=strategy.territory_id)
        leads = (
            Project.objects.for_strategy(strategy)
            .exclude(lead="")
            .order_by("lead")
            .values_list("lead", flat=True)
            .distinct()
        )
        self.fields["lead"].choices = [("", _("Tous")), *((lead, lead) for lead in leads)]
        self.fields["mark"].choices = [("", _("Tous")), *((m.value, m.text) for m in Mark)]
        # « Engagés », « Hors abandonnés », agreeing with what the strategy calls its projects.
        feminine = strategy.levels.project.feminine
        self.fields["engaged"].label = agree(gettext("engagé"), 2, feminine).capitalize()
        self.fields["active"].label = (
            gettext("hors %(abandoned)s")
            % {"abandoned": agree(str(Project.Status.ABANDONED.label), 2, feminine)}
        ).capitalize()
        self.fields["after_horizon"].label = str(AFTER_HORIZON).capitalize()

    def clean(self) -> dict:
        cleaned = super().clean()
        axis, domain = cleaned.get("axis"), cleaned.get("domain")
        if axis and domain and domain.axis_id != axis.pk:
            cleaned["domain"] = None  # a domain of another axis: ignored, not an error
            self.ignored.add("domain")
        return cleaned

    @property
    def filters(self) -> dict:
        """The valid, non-empty filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return {}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in ("", None, False)
        }

    def description(self) -> list[tuple[str, str]]:
        """The filters applied, in words, in the form's order: (label, value) pairs, the labels in
        the strategy's level names (« Axe », « Domaine » or what the strategy calls them), a
        yes/no filter by its label alone (value "")."""
        filters = self.filters
        words = []
        for name, field in self.fields.items():
            if name not in filters:
                continue
            value = filters[name]
            if isinstance(field, forms.BooleanField):
                words.append((str(field.label), ""))
            elif name == "q":
                words.append((str(field.label), gettext("« %(text)s »") % {"text": value}))
            elif name == "axis":  # « Axe : 2 – Ressources naturelles »
                words.append((str(field.label), f"{value.number} – {value.title}"))
            elif isinstance(field, forms.ModelChoiceField):
                words.append((str(field.label), str(value)))
            else:
                choices = {str(key): label for key, label in field.choices}
                words.append((str(field.label), str(choices.get(str(value), value))))
        return words

    def sentence(self) -> str:
        """The filters applied as one line: « Axe : 2 – Ressources naturelles ; En retard
        seulement »."""
        return gettext(" ; ").join(
            (gettext("%(label)s : %(value)s") % {"label": label, "value": value})
            if value
            else label
            for label, value in self.description()
        )

    def slug(self, length: int = 60) -> str:
        """A short mark of the filters for a file name (« filtre-axe-2-en-retard-seulement »), cut
        at a word within ``length`` characters; "" when nothing is filtered."""
        parts = []
        for name, (label, value) in zip(self.filters, self.description(), strict=True):
            if name == "axis":
                parts.append(f"{label} {self.filters['axis'].number}")
            else:
                parts.append(self.filters[name] if name == "q" else value or label)
        if not parts:
            return ""
        slug = slugify(" ".join([gettext("filtre"), *parts]))
        if len(slug) > length:
            slug = slug[: length + 1].rsplit("-", 1)[0]
        return slug

    @property
    def filters_projects(self) -> bool:
        return any(name in self.filters for name in (*PROJECT_FILTERS, "q"))

    def measures(self) -> QuerySet[Measure]:
        measures = Measure.objects.for_strategy(self.strategy)
        filters = self.filters
        if "axis" in filters:
            measures = measures.filter(axis=filters["axis"])
        if "domain" in filters:
            measures = measures.filter(domain=filters["domain"])
        if "theme" in filters:
            measures = measures.filter(
                Q(themes=filters["theme"]) | Q(projects__themes=filters["theme"])
            ).distinct()
        return measures

    def projects(self, projects: QuerySet[Project]) -> QuerySet[Project]:
        filters = self.filters
        if "axis" in filters:
            projects = projects.filter(axis=filters["axis"])
        if "domain" in filters:
            projects = projects.filter(measure__domain=filters["domain"])
        if "theme" in filters:
            projects = projects.filter(
                Q(themes=filters["theme"]) | Q(measure__themes=filters["theme"])
            )
        if "commune" in filters:
            projects = projects.filter(communes=filters["commune"])
        if "status" in filters:
            projects = projects.filter(status=filters["status"])
        if "mark" in filters:
            projects = projects.filter(current_mark=filters["mark"])
        if "engaged" in filters:
            projects = projects.filter(Project.engaged_q())
        if "active" in filters:
            projects = projects.exclude(status=Project.Status.ABANDONED)
        if "after_horizon" in filters:
            projects = projects.filter(after_horizon=True)
        if "priority" in filters:
            projects = projects.filter(priority=filters["priority"])
        if "lead" in filters:
            projects = projects.filter(lead=filters["lead"])
        if "late" in filters:
            projects = projects.filter(currently_late=True)
        if "q" in filters:
            text = filters["q"]
            projects = projects.filter(
                Q(code__iexact=text)
                | Q(title__icontains=text)
                | Q(lead__icontains=text)
                | Q(measure__code__iexact=text)
                | Q(measure__title__icontains=text)
            )
        return projects.distinct() if {"theme", "commune"} & filters.keys() else projects

    def indicators(self, indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
        filters = self.filters
        if "axis" in filters:
            indicators = indicators.filter(axis=filters["axis"])
        if "q" in filters:
            indicators = indicators.filter(
                Q(code__iexact=filters["q"]) | Q(name__icontains=filters["q"])
            )
        return indicators
