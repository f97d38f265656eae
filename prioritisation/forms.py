"""Forms of the prioritisation pages: a proposal from a workshop, the ranking's filters, and one
score typed in the scoring grid."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from prioritisation.models import JOKER_LABEL, Criterion, Proposal
from projects.models import Project
from strategies.models import Axis, Commune, Measure, Strategy, code_validator
from workshops.models import Workshop

#: The value that stands for "no axis" (a « Joker » proposal) in the forms and the admin filter.
JOKER = "joker"
#: A whole number, possibly written "2,0" or "+2"; at most 4 digits (a scale is small).
INTEGER = re.compile(r"([+-]?\d{1,4})(?:[.,]0*)?")


def axis_label(strategy: Strategy) -> str:
    """« Axe », or what the strategy calls its axes."""
    level = strategy.levels.axis
    return level.Singular if level.custom else _("Axe")


def axis_choices(strategy: Strategy, empty_label=None) -> list[tuple[str, str]]:
    """The strategy's axes, then « Joker (autres domaines) »."""
    choices = [(str(axis.pk), str(axis)) for axis in strategy.axes.all()]
    choices.append((JOKER, str(JOKER_LABEL)))
    if empty_label is not None:
        choices.insert(0, ("", empty_label))
    return choices


class ProposalForm(forms.ModelForm):
    """A proposal typed in the cockpit during a workshop. On a workshop page the workshop is
    given, on an axis page the axis is; on the proposals page both are chosen."""

    axis_choice = forms.ChoiceField(
        label=_("Axe"),
        help_text=_("« Joker » pour une proposition qui relève d'un autre domaine."),
    )

    class Meta:
        model = Proposal
        fields = ("title", "description", "proposed_by", "workshop", "communes")
        labels = {
            "title": _("Votre proposition"),
            "description": _("En quelques mots (facultatif)"),
            "proposed_by": _("Proposée par"),
            "workshop": _("Atelier"),
        }
        help_texts = {"proposed_by": _("Votre nom ou votre groupe, ex. « Groupe 2 ».")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "communes": forms.CheckboxSelectMultiple,
        }

    field_order = ("title", "description", "axis_choice", "workshop", "communes", "proposed_by")

    def __init__(
        self,
        strategy: Strategy,
        *args,
        workshop: Workshop | None = None,
        axis: Axis | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.fixed_axis = axis
        self.instance.strategy = strategy
        if workshop is not None:
            self.instance.workshop = workshop
        if axis is not None:
            self.instance.axis = axis
        self.fields["communes"].queryset = Commune.objects.filter(territory=strategy.territory_id)
        self.fields["communes"].help_text = ""
        self.fields["title"].widget.attrs.update(
            {"placeholder": _("ex. Navette intercommunale en soirée"), "autocomplete": "off"}
        )
        if workshop is not None:
            del self.fields["workshop"]
        else:
            self.fields["workshop"].queryset = Workshop.objects.filter(strategy=strategy).order_by(
                "-date", "-number"
            )
            self.fields["workshop"].empty_label = _("Hors atelier")
        if axis is not None:
            del self.fields["axis_choice"]
        else:
            self.fields["axis_choice"].choices = axis_choices(strategy, _("Choisissez…"))
            self.fields["axis_choice"].label = axis_label(strategy)

    def clean_axis_choice(self) -> Axis | None:
        value = self.cleaned_data["axis_choice"]
        if value == JOKER:
            return None
        axis = Axis.objects.filter(strategy=self.strategy, pk=value).first()
        if axis is None:
            raise forms.ValidationError(_("Choisissez un axe de la liste ou « Joker »."))
        return axis

    def clean(self) -> dict:
        cleaned_data = super().clean()
        # The model's validation (axis and workshop of this strategy) sees the whole proposal.
        if self.fixed_axis is None and "axis_choice" in cleaned_data:
            self.instance.axis = cleaned_data["axis_choice"]
        return cleaned_data


class RankingFilterForm(forms.Form):
    """The ranking's GET filters: axis (or Joker), status, commune."""

    #: The default: active projects (not abandoned) and retained proposals without a project.
    ALL = ""
    RETAINED = "proposals_retained"
    NEW = "proposals_new"

    axis = forms.ChoiceField(label=_("Axe"), required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False)
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False, empty_label=_("Toutes")
    )

    def __init__(self, strategy: Strategy, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.fields["axis"].choices = axis_choices(strategy, _("Tous"))
        self.fields["axis"].label = axis_label(strategy)
        self.fields["status"].choices = [
            (self.ALL, _("Projets actifs et propositions retenues")),
            (
                _("Projets"),
                [
                    (value, _("projet %(status)s") % {"status": label})
                    for value, label in Project.Status.choices
                ],
            ),
            (
                _("Propositions"),
                [
                    (self.RETAINED, _("propositions retenues (projet à créer)")),
                    (self.NEW, _("propositions nouvelles (à trier)")),
                ],
            ),
        ]
        self.fields["commune"].queryset = Commune.objects.filter(territory=strategy.territory_id)

    @property
    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}

    def projects(self, projects: QuerySet[Project]) -> QuerySet[Project] | None:
        """The projects to rank, or None when the filters select proposals only."""
        filters = self.filters
        status = filters.get("status", self.ALL)
        axis = filters.get("axis")
        if status in (self.RETAINED, self.NEW) or axis == JOKER:
            return None
        projects = (
            projects.filter(status=status)
            if status
            else projects.exclude(status=Project.Status.ABANDONED)
        )
        if axis:
            projects = projects.filter(axis=axis)
        if "commune" in filters:
            projects = projects.filter(communes=filters["commune"])
        return projects

    def proposals(self, proposals: QuerySet[Proposal]) -> QuerySet[Proposal] | None:
        """The proposals to rank, or None when the filters select projects only."""
        filters = self.filters
        status = filters.get("status", self.ALL)
        if status == self.NEW:
            proposals = proposals.filter(status=Proposal.Status.NEW)
        elif status in (self.ALL, self.RETAINED):
            proposals = proposals.retained_without_project()
        else:
            return None
        axis = filters.get("axis")
        if axis == JOKER:
            proposals = proposals.filter(axis__isnull=True)
        elif axis:
            proposals = proposals.filter(axis=axis)
        if "commune" in filters:
            proposals = proposals.filter(communes=filters["commune"])
        return proposals


@dataclass(frozen=True)
class ParsedScore:
    value: int | None  # None: the cell was emptied (not scored)
    error: str = ""


def parse_score(raw: str, criterion: Criterion) -> ParsedScore:
    """A score typed in a grid cell: an integer on the criterion's scale, or empty to remove it.
    The error is a French sentence for the cell."""
    text = (raw or "").strip()
    if not text:
        return ParsedScore(None)
    match = INTEGER.fullmatch(text)
    if match is None:
        return ParsedScore(
            None,
            str(
                _(
                    "« %(raw)s » n'est pas une note : saisissez un nombre entier de %(min)s "
                    "à %(max)s."
                )
                % {"raw": text[:20], "min": criterion.scale_min, "max": criterion.scale_max}
            ),
        )
    value = int(match.group(1))
    message = criterion.scale_error(value)
    return ParsedScore(None, str(message)) if message else ParsedScore(value)


class ScoringFilterForm(forms.Form):
    """The scoring grid's GET options: one axis (or Joker) at a time, comments shown or not."""

    axis = forms.ChoiceField(label=_("Axe"), required=False)
    comments = forms.BooleanField(label=_("Afficher les commentaires"), required=False)

    def __init__(self, strategy: Strategy, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["axis"].choices = axis_choices(strategy, _("Tous"))
        self.fields["axis"].label = axis_label(strategy)

    @property
    def chosen_axis(self) -> str:
        return self.cleaned_data.get("axis", "") if self.is_valid() else ""

    @property
    def show_comments(self) -> bool:
        return bool(self.cleaned_data.get("comments")) if self.is_valid() else False


# --- Triage, in the admin --------------------------------------------------------------------


class AcceptForm(forms.Form):
    """One retained proposal: the measure its project goes under, its code and priority."""

    measure = forms.ModelChoiceField(label=_("Mesure"), queryset=Measure.objects.none())
    code = forms.CharField(label=_("Code du projet"), max_length=20)
    priority = forms.TypedChoiceField(
        label=_("Priorité"),
        choices=Project.Priority.choices,
        coerce=int,
        initial=Project.Priority.MEDIUM,
    )

    def __init__(self, *args, proposal: Proposal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        measures = Measure.objects.for_strategy(proposal.strategy_id).select_related("axis")
        self.fields["measure"].queryset = measures
        self.fields["measure"].label_from_instance = lambda m: (
            _("Axe %(number)s · %(code)s – %(title)s")
            % {"number": m.axis.number, "code": m.code, "title": m.title}
        )
        self.fields["code"].validators.append(code_validator)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if Project.objects.filter(strategy=self.proposal.strategy_id, code__iexact=code).exists():
            raise forms.ValidationError(_("Ce code de projet est déjà utilisé dans la stratégie."))
        return code


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False
    )


class SetAsideForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Dit pourquoi ; la commission le lit dans le cockpit."),
    )


class MergeForm(ReasonForm):
    target = forms.ChoiceField(label=_("Fusionner dans"))

    def __init__(self, *args, strategy: Strategy, exclude: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        projects = Project.objects.for_strategy(strategy).only("pk", "code", "title")
        proposals = (
            Proposal.objects.for_strategy(strategy)
            .exclude(pk__in=exclude)
            .exclude(status__in=[Proposal.Status.MERGED, Proposal.Status.SET_ASIDE])
            .only("pk", "title", "status")
        )
        self.fields["target"].choices = [
            ("", "---------"),
            (_("Projets"), [(f"project:{p.pk}", str(p)) for p in projects]),
            (
                _("Propositions"),
                [(f"proposal:{p.pk}", f"{p.title} ({p.get_status_display()})") for p in proposals],
            ),
        ]

    def clean_target(self) -> Project | Proposal:
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        model = {"project": Project, "proposal": Proposal}.get(kind)
        target = (
            model.objects.filter(strategy=self.strategy, pk=pk).first()
            if model and pk.isdigit()
            else None
        )
        if target is None:
            raise forms.ValidationError(_("Choisissez un projet ou une proposition de la liste."))
        return target
