"""Triage: what the secretariat does with the proposals of the workshops.

A proposal is retained (its project is created under a measure, its communes and scores carried
over), merged into a project or another proposal, or set aside with a reason. Each function checks
that the proposal is still open and applies the model's rules; the ``*_proposals`` functions apply
one step to several proposals in one transaction: all of them or none. The admin's triage pages
(``admin.py``) call them; so can any other interface.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from projects.models import Project
from strategies.models import Measure

from .models import Proposal, Score


@dataclass(frozen=True)
class Retained:
    """Where a retained proposal's project goes: its measure, code and priority."""

    proposal: Proposal
    measure: Measure
    code: str
    priority: int = Project.Priority.MEDIUM


def check_open(proposal: Proposal) -> None:
    if not proposal.is_open:
        raise ValidationError(
            _("La proposition « %(title)s » est déjà triée (%(status)s).")
            % {"title": proposal.title, "status": proposal.get_status_display()}
        )


def accept_proposal(
    proposal: Proposal,
    *,
    measure: Measure,
    code: str,
    priority: int = Project.Priority.MEDIUM,
    reason: str = "",
) -> Project:
    """Retain the proposal: create its project under ``measure`` (same title, description,
    communes; its scores carried over) and keep the link both ways."""
    check_open(proposal)
    if measure.strategy_id != proposal.strategy_id:
        raise ValidationError({"measure": _("Cette mesure appartient à une autre stratégie.")})
    with transaction.atomic():
        project = Project(
            measure=measure,
            code=code,
            title=proposal.title,
            description=proposal.description,
            priority=priority,
            status=Project.Status.PLANNED,
        )
        project.full_clean()
        project._change_reason = _("Créé depuis la proposition « %(title)s »") % {
            "title": proposal.title
        }
        project.save()
        project.communes.set(proposal.communes.all())
        for score in proposal.scores.select_related("criterion"):
            Score(
                project=project,
                criterion=score.criterion,
                value=score.value,
                comment=score.comment,
                scored_by=score.scored_by,
            ).save()
        proposal.status = Proposal.Status.RETAINED
        proposal.project = project
        if reason:
            proposal.reason = reason
        proposal.full_clean()
        proposal._change_reason = _("Retenue : projet %(code)s créé") % {"code": project.code}
        proposal.save()
    return project


def merge_proposal(proposal: Proposal, target: Project | Proposal, *, reason: str = "") -> None:
    """Merge into an existing project or proposal of the same strategy; its communes join the
    target's."""
    check_open(proposal)
    with transaction.atomic():
        proposal.status = Proposal.Status.MERGED
        if isinstance(target, Project):
            proposal.merged_into_project, proposal.merged_into_proposal = target, None
        else:
            proposal.merged_into_project, proposal.merged_into_proposal = None, target
        proposal.project = None
        if reason:
            proposal.reason = reason
        proposal.full_clean()
        proposal._change_reason = _("Fusionnée dans « %(target)s »") % {"target": target}
        proposal.save()
        target.communes.add(*proposal.communes.all())


def set_aside_proposal(proposal: Proposal, reason: str) -> None:
    """Set the proposal aside, saying why."""
    check_open(proposal)
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Dites pourquoi la proposition est écartée.")})
    proposal.status = Proposal.Status.SET_ASIDE
    proposal.reason = reason.strip()
    proposal.full_clean()
    proposal._change_reason = _("Écartée")
    proposal.save()


def retain_proposals(retained: Sequence[Retained], *, reason: str = "") -> list[Project]:
    """Retain every proposal of ``retained`` or none; returns the projects created."""
    codes = [item.code.lower() for item in retained]  # unique ignoring case
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Ce code est donné à deux projets."))
    with transaction.atomic():
        return [
            accept_proposal(
                item.proposal,
                measure=item.measure,
                code=item.code,
                priority=item.priority,
                reason=reason,
            )
            for item in retained
        ]


def merge_proposals(
    proposals: Iterable[Proposal], target: Project | Proposal, *, reason: str = ""
) -> None:
    """Merge every proposal into ``target``, or none."""
    with transaction.atomic():
        for proposal in proposals:
            merge_proposal(proposal, target, reason=reason)


def set_aside_proposals(proposals: Iterable[Proposal], reason: str) -> None:
    """Set every proposal aside with the same reason, or none."""
    with transaction.atomic():
        for proposal in proposals:
            set_aside_proposal(proposal, reason)
