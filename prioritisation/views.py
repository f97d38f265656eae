"""From workshop proposals to prioritised projects: the proposals (any member proposes, on the
workshop and axis pages too), the scoring grid (editors), and the ranking (every member).

The grid saves one cell at a time with htmx (the cell comes back, with the row's weighted score
out of band); without JavaScript the whole grid is one form saved at once. Either way a bad value
gets a French error in its cell and nothing is saved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from prioritisation import ranking as ranking_rules
from prioritisation.forms import (
    JOKER,
    ProposalForm,
    RankingFilterForm,
    ScoringFilterForm,
    parse_score,
)
from prioritisation.models import Criterion, Proposal, Score
from prioritisation.ranking import ranking_page
from prioritisation.scoring import WeightedScore
from projects.models import Project
from steering.table import PageNumbers
from strategies.access import get_in_strategy, get_strategy_for_editor, get_strategy_for_user
from strategies.access import is_editor as user_is_editor
from strategies.models import Axis, Strategy
from strategies.querystrings import clean_query, push_clean_url, redirect_to_clean_url
from workshops.models import Workshop

# --- Proposals ----------------------------------------------------------------------------------

PROPOSALS_TEMPLATE = "prioritisation/includes/proposals.html"


def proposal_rows(strategy: Strategy, **lookups) -> list[Proposal]:
    """The strategy's proposals (newest first) with what the list shows, in three queries."""
    return list(
        Proposal.objects.filter(strategy=strategy, **lookups)
        .select_related(
            "axis", "workshop", "project", "merged_into_project", "merged_into_proposal"
        )
        .prefetch_related("communes")
        .order_by("-created_at", "-pk")
    )


def proposals_section(
    request: HttpRequest,
    strategy: Strategy,
    *,
    workshop: Workshop | None = None,
    axis: Axis | None = None,
    form: ProposalForm | None = None,
    saved: Proposal | None = None,
) -> dict:
    """What ``prioritisation/includes/proposals.html`` shows (as ``section``) on a workshop page, an
    axis page or the proposals page: the proposals made there and the form to add one."""
    if workshop is not None:
        rows = proposal_rows(strategy, workshop=workshop)
        action = reverse("prioritisation:workshop_proposal", args=(strategy.pk, workshop.pk))
    elif axis is not None:
        rows = proposal_rows(strategy, axis=axis)
        action = reverse("prioritisation:axis_proposal", args=(strategy.pk, axis.pk))
    else:
        rows = proposal_rows(strategy)
        action = reverse("prioritisation:proposals", args=(strategy.pk,))
    if form is None:
        form = ProposalForm(
            strategy,
            workshop=workshop,
            axis=axis,
            initial=_proposal_initial(request, strategy, workshop=workshop, after=saved),
        )
    return {
        "strategy": strategy,
        "proposals": rows,
        "form": form,
        "action": action,
        "saved": saved,
        "workshop": workshop,
        "axis": axis,
        "show_axis": axis is None,
        "show_workshop": workshop is None,
        "can_triage": request.user.is_staff,
    }


def _proposal_initial(
    request: HttpRequest,
    strategy: Strategy,
    *,
    workshop: Workshop | None,
    after: Proposal | None = None,
) -> dict:
    """The form's defaults: the user's name; after a proposal, the same group, axis and
    workshop, so that a group types its proposals one after the other."""
    if after is not None:
        return {
            "proposed_by": after.proposed_by,
            "axis_choice": str(after.axis_id) if after.axis_id else JOKER,
            "workshop": after.workshop_id,
        }
    initial = {"proposed_by": request.user.get_full_name() or request.user.get_username()}
    if workshop is None:
        # A proposal typed on the day of a workshop belongs to it.
        today = Workshop.objects.filter(strategy=strategy, date=timezone.localdate()).first()
        if today is not None:
            initial["workshop"] = today.pk
    return initial


def _submit_proposal(
    request: HttpRequest,
    strategy: Strategy,
    *,
    workshop: Workshop | None = None,
    axis: Axis | None = None,
    back: str,
) -> HttpResponse:
    """Save a proposal from the form of a page; htmx gets the section back, with a thank-you
    or the errors; without htmx, a redirect to the page (or the form again, with its errors)."""
    form = ProposalForm(strategy, request.POST, workshop=workshop, axis=axis)
    if form.is_valid():
        proposal = form.save(commit=False)
        proposal.submitted_by = request.user
        proposal._change_reason = _("Proposée dans le cockpit")
        proposal.save()
        form.save_m2m()
        if request.htmx:
            section = proposals_section(
                request, strategy, workshop=workshop, axis=axis, saved=proposal
            )
            context = {"section": section, "strategy": strategy}
            if workshop is None and axis is None:  # the proposals page: its counts too
                context["counts_oob"] = proposal_counts(section["proposals"])
            return render(request, PROPOSALS_TEMPLATE, context)
        messages.success(
            request,
            _("Merci : la proposition « %(title)s » est enregistrée ; le secrétariat la triera.")
            % {"title": proposal.title},
        )
        return redirect(f"{back}#propositions")
    section = proposals_section(request, strategy, workshop=workshop, axis=axis, form=form)
    if request.htmx:
        return render(request, PROPOSALS_TEMPLATE, {"section": section, "strategy": strategy})
    return render(
        request,
        "prioritisation/proposals.html",
        {"section": section, "strategy": strategy, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposals(request: HttpRequest, pk: int) -> HttpResponse:
    """Every proposal of the strategy and what became of it; the form to add one."""
    strategy = get_strategy_for_user(request, pk)
    back = reverse("prioritisation:proposals", args=(strategy.pk,))
    if request.method == "POST":
        return _submit_proposal(request, strategy, back=back)
    section = proposals_section(request, strategy)
    statuses = proposal_counts(section["proposals"])
    return render(
        request,
        "prioritisation/proposals.html",
        {"section": section, "strategy": strategy, "statuses": statuses},
    )


def proposal_counts(proposals: list[Proposal]) -> list[tuple[Proposal.Status, int]]:
    """How many of ``proposals`` are in each status, every status listed."""
    counts = defaultdict(int)
    for proposal in proposals:
        counts[proposal.status] += 1
    return [(status, counts[status.value]) for status in Proposal.Status]


@login_required
@require_POST
def workshop_proposal(request: HttpRequest, pk: int, workshop_pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    workshop = get_in_strategy(Workshop.objects.all(), strategy, workshop_pk)
    back = reverse("cockpit:workshop", args=(strategy.pk, workshop.pk))
    return _submit_proposal(request, strategy, workshop=workshop, back=back)


@login_required
@require_POST
def axis_proposal(request: HttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    strategy = get_strategy_for_user(request, pk)
    axis = get_in_strategy(Axis.objects.all(), strategy, axis_pk)
    back = reverse("cockpit:axis", args=(strategy.pk, axis.pk))
    return _submit_proposal(request, strategy, axis=axis, back=back)


# --- Scoring grid -------------------------------------------------------------------------------

#: The kinds of row of the grid: URL segment → (model, key in field names).
GRID_KINDS = {"projets": (Project, "project"), "propositions": (Proposal, "proposal")}


@dataclass
class GridCell:
    criterion: Criterion
    score: Score | None
    field: str  # "project-12-3": the cell's inputs are v-<field> (value) and c-<field> (comment)
    raw: str = ""  # what the input shows (the typed text when it was refused)
    comment: str = ""
    error: str = ""
    saved: bool = False

    @classmethod
    def of(cls, criterion: Criterion, score: Score | None, key: str) -> GridCell:
        return cls(
            criterion,
            score,
            f"{key}-{criterion.pk}",
            raw="" if score is None else str(score.value),
            comment="" if score is None else score.comment,
        )


@dataclass
class GridRow:
    target: Project | Proposal
    criteria: list[Criterion]
    cells: list[GridCell] = field(default_factory=list)

    @property
    def is_project(self) -> bool:
        return isinstance(self.target, Project)

    @property
    def url_kind(self) -> str:
        return "projets" if self.is_project else "propositions"

    @property
    def key(self) -> str:
        return f"{'project' if self.is_project else 'proposal'}-{self.target.pk}"

    @property
    def score(self) -> WeightedScore:
        values = {cell.criterion.pk: cell.score.value for cell in self.cells if cell.score}
        return WeightedScore.of(self.criteria, values)

    def cell_for(self, criterion_pk: int) -> GridCell:
        return next(cell for cell in self.cells if cell.criterion.pk == criterion_pk)


def build_grid_rows(criteria: list[Criterion], targets: list[Project | Proposal]) -> list[GridRow]:
    """One row per target, one cell per criterion, in one query for the scores."""
    project_ids = [t.pk for t in targets if isinstance(t, Project)]
    proposal_ids = [t.pk for t in targets if isinstance(t, Proposal)]
    scores: dict[tuple[str, int, int], Score] = {}
    if targets:
        for score in Score.objects.filter(
            Q(project__in=project_ids) | Q(proposal__in=proposal_ids),
            criterion__in=[c.pk for c in criteria],
        ):
            kind = "project" if score.project_id else "proposal"
            scores[kind, score.project_id or score.proposal_id, score.criterion_id] = score
    rows = []
    for target in targets:
        row = GridRow(target, criteria)
        kind, _pk = row.key.split("-")
        row.cells = [
            GridCell.of(criterion, scores.get((kind, target.pk, criterion.pk)), row.key)
            for criterion in criteria
        ]
        rows.append(row)
    return rows


def grid_querysets(strategy: Strategy, axis: str) -> tuple[QuerySet, QuerySet]:
    """The projects (not abandoned) and the open proposals of the grid, for one axis or all, in
    the grid's order."""
    projects = (
        Project.objects.for_strategy(strategy)
        .exclude(status=Project.Status.ABANDONED)
        .select_related("axis", "measure")
    )
    proposals = Proposal.objects.for_strategy(strategy).open().select_related("axis")
    if axis == JOKER:
        projects = projects.none()
        proposals = proposals.filter(axis__isnull=True)
    elif axis:
        projects = projects.filter(axis=axis)
        proposals = proposals.filter(axis=axis)
    proposals = proposals.order_by(F("axis__number").asc(nulls_last=True), "created_at", "pk")
    return projects, proposals


@dataclass
class GridPage(PageNumbers):
    """The rows of the grid shown: all of them up to ``ranking.GRID_OPEN_ROWS``, beyond one page
    of ``ranking.GRID_PAGE_ROWS`` rows (projects first, then proposals), the next ones loaded on
    demand."""

    number: int = 1
    count: int = 1
    next_url: str = ""
    previous_url: str = ""
    rows_after: int = 0
    #: Whether the page holds the first proposal (the "Propositions à trier" heading comes first).
    opens_proposals: bool = True


def grid_page(
    strategy: Strategy, axis: str, number: int, url
) -> tuple[list[Project], list[Proposal], GridPage]:
    """The projects and proposals of page ``number`` of the grid (out of range: the nearest),
    read from the database a page at a time (four queries, whatever the number of rows), with
    ``url(n)`` making the URL of page n."""
    projects, proposals = grid_querysets(strategy, axis)
    n_projects, n_proposals = projects.count(), proposals.count()
    total = n_projects + n_proposals
    if total <= ranking_rules.GRID_OPEN_ROWS:
        return list(projects), list(proposals), GridPage()
    size = ranking_rules.GRID_PAGE_ROWS
    count = -(-total // size)
    number = min(max(1, number), count)
    start, stop = (number - 1) * size, number * size
    shown_projects = list(projects[start:stop]) if start < n_projects else []
    shown_proposals = (
        list(proposals[max(0, start - n_projects) : stop - n_projects]) if stop > n_projects else []
    )
    page = GridPage(
        number=number,
        count=count,
        next_url=url(number + 1) if number < count else "",
        previous_url=url(number - 1) if number > 1 else "",
        rows_after=max(0, total - stop),
        opens_proposals=start <= n_projects,
    )
    return shown_projects, shown_proposals, page


def _grid_context(
    request: HttpRequest, strategy: Strategy, options: ScoringFilterForm, rows_by_kind
) -> dict:
    return {
        "strategy": strategy,
        "options": options,
        "criteria": rows_by_kind["criteria"],
        "project_rows": rows_by_kind["projects"],
        "proposal_rows": rows_by_kind["proposals"],
        "page": rows_by_kind["page"],
        "show_comments": options.show_comments,
        "query": request.GET.urlencode(),
    }


def _load_grid(request: HttpRequest, strategy: Strategy, options: ScoringFilterForm) -> dict:
    criteria = list(Criterion.objects.for_strategy(strategy))
    query = clean_query(request.GET, drop={"page"})
    base = reverse("prioritisation:scoring", args=(strategy.pk,))
    projects, open_proposals, page = grid_page(
        strategy,
        options.chosen_axis,
        page_number(request),
        lambda number: f"{base}?{query}&page={number}" if query else f"{base}?page={number}",
    )
    rows = build_grid_rows(criteria, [*projects, *open_proposals])
    return {
        "criteria": criteria,
        "projects": rows[: len(projects)],
        "proposals": rows[len(projects) :],
        "page": page,
    }


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def scoring(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring grid (editors): one row per project and open proposal, one column per
    criterion. A POST (the grid without JavaScript) saves every changed cell, or none."""
    strategy = get_strategy_for_editor(request, pk)
    options = ScoringFilterForm(strategy, request.GET or None)
    grid = _load_grid(request, strategy, options)
    if request.method == "POST":
        changes, errors = _read_grid(request, grid["projects"] + grid["proposals"])
        if not errors:
            with transaction.atomic():
                for cell, target, value, comment in changes:
                    Score.record(
                        criterion=cell.criterion,
                        target=target,
                        value=value,
                        comment=comment,
                        user=request.user,
                    )
            messages.success(
                request,
                ngettext(
                    "%(count)d note enregistrée.", "%(count)d notes enregistrées.", len(changes)
                )
                % {"count": len(changes)},
            )
            url = reverse("prioritisation:scoring", args=(strategy.pk,))
            return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
        messages.error(
            request,
            ngettext(
                "%(count)d case est à corriger ; rien n'a été enregistré.",
                "%(count)d cases sont à corriger ; rien n'a été enregistré.",
                errors,
            )
            % {"count": errors},
        )
    template = "prioritisation/scoring.html"
    if request.htmx and request.method == "GET":  # the rows of a following page, appended
        template += "#grid_rows"
    return render(request, template, _grid_context(request, strategy, options, grid))


def _read_grid(request: HttpRequest, rows: list[GridRow]) -> tuple[list, int]:
    """The changed cells of a posted grid as (cell, target, value, comment), and how many cells
    were refused (each refused cell gets its error and keeps the typed text)."""
    changes, errors = [], 0
    for row in rows:
        for cell in row.cells:
            name = f"v-{cell.field}"
            if name not in request.POST:
                continue
            raw = request.POST[name]
            comment = request.POST.get(f"c-{cell.field}")
            parsed = parse_score(raw, cell.criterion)
            if parsed.error:
                cell.raw, cell.error = raw, parsed.error
                errors += 1
                continue
            before = None if cell.score is None else cell.score.value
            comment_changed = comment is not None and comment != cell.comment
            if parsed.value != before or (parsed.value is not None and comment_changed):
                changes.append((cell, row.target, parsed.value, comment))
    return changes, errors


@login_required
@require_POST
def score_cell(
    request: HttpRequest, pk: int, kind: str, target_pk: int, criterion_pk: int
) -> HttpResponse:
    """Save one cell of the grid (htmx): the cell comes back with its error or a tick, and the
    row's weighted score out of band. A constant number of queries, whatever the criteria."""
    strategy = get_strategy_for_editor(request, pk)
    if kind not in GRID_KINDS:
        raise Http404
    model, key = GRID_KINDS[kind]
    targets = model.objects.all() if model is Project else Proposal.objects.open()
    target = get_in_strategy(targets, strategy, target_pk)
    criterion = get_in_strategy(Criterion.objects.all(), strategy, criterion_pk)
    field_name = f"{key}-{target.pk}-{criterion.pk}"
    raw = request.POST.get(f"v-{field_name}", "")
    comment = request.POST.get(f"c-{field_name}")
    parsed = parse_score(raw, criterion)
    changed = False
    if not parsed.error:
        _score, changed = Score.record(
            criterion=criterion,
            target=target,
            value=parsed.value,
            comment=comment,
            user=request.user,
        )
    (row,) = build_grid_rows(list(Criterion.objects.for_strategy(strategy)), [target])
    cell = row.cell_for(criterion.pk)
    if parsed.error:
        cell.raw, cell.error = raw, parsed.error
    else:
        cell.saved = changed
    if not request.htmx:
        return redirect("prioritisation:scoring", pk=strategy.pk)
    return render(
        request,
        "prioritisation/scoring.html#cell_update",
        {
            "strategy": strategy,
            "row": row,
            "cell": cell,
            "show_comments": comment is not None,
            "oob": True,
        },
    )


# --- Ranking ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """Projects and retained proposals by weighted score, with the per-criterion scores,
    priority and budget, ties and priority/score disagreements; filtered by a GET form (htmx
    swaps the table in place)."""
    strategy = get_strategy_for_user(request, pk)
    if redirect_to := redirect_to_clean_url(request):
        return redirect_to
    form = RankingFilterForm(strategy, request.GET or None)
    criteria = list(Criterion.objects.for_strategy(strategy))
    projects = form.projects(
        Project.objects.for_strategy(strategy).select_related("axis").only(*RANKED_PROJECT_FIELDS)
    )
    proposals = form.proposals(Proposal.objects.for_strategy(strategy).select_related("axis"))
    query = clean_query(request.GET, drop={"page"})
    base = reverse("prioritisation:ranking", args=(strategy.pk,))
    page = ranking_page(
        criteria,
        projects,
        proposals,
        page_number(request),
        lambda number: f"{base}?{query}&page={number}" if query else f"{base}?page={number}",
    )
    result = page.ranking
    context = {
        "strategy": strategy,
        "form": form,
        "ranking": result,
        "page": page,
        "criteria": criteria,
        "filtering": bool(form.filters),
        "is_editor": user_is_editor(request.user, strategy),
    }
    if not request.htmx:
        template = "prioritisation/ranking.html"
    elif page.number > 1:  # the rows of a following page, appended to the table
        template = "prioritisation/ranking.html#ranking_rows"
    else:
        template = "prioritisation/ranking.html#ranking"
    return push_clean_url(request, render(request, template, context))


#: What the ranking reads of a project (its description and dates are not shown).
RANKED_PROJECT_FIELDS = (
    "pk",
    "strategy",
    "code",
    "title",
    "priority",
    "budget_planned",
    "status",
    "axis__id",
    "axis__number",
    "axis__title",
)


def page_number(request: HttpRequest) -> int:
    """The ``?page=`` asked for, 1 when missing or not a number."""
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1
