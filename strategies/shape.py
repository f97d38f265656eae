"""Changing the shape of a strategy: which of the optional levels (domains, measures) it uses.

A change that would lose rows, or leave rows without the parent the new shape asks for, is refused
with a message that says what is in the way; a change that loses nothing goes through. Used by
``Strategy.clean()`` (the admin's form, the strategy workbook) and by ``change_shape()``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def shape_errors(uses_domains: bool, uses_measures: bool) -> dict[str, str]:
    """Whether the shape itself holds: domains group measures, so a strategy without measures
    has no domains either (its projects hang directly under the axes)."""
    if uses_domains and not uses_measures:
        return {
            "uses_domains": _(
                "Les domaines rangent les mesures : une stratégie sans mesures n'utilise pas non "
                "plus de domaines (ses projets relèvent directement des axes)."
            )
        }
    return {}


def shape_change_errors(strategy, uses_domains: bool, uses_measures: bool) -> dict[str, str]:
    """Why ``strategy`` (saved, with rows) cannot take this shape; empty when it can.

    Reads the rows from the database, so that the strategy object may already carry the new
    shape."""
    from .models import Domain, Measure, Strategy

    saved = Strategy.objects.filter(pk=strategy.pk).values("uses_domains", "uses_measures").first()
    if saved is None:
        return {}
    levels = strategy.levels
    errors = {}
    if saved["uses_domains"] and not uses_domains:
        count = Domain.objects.filter(axis__strategy=strategy.pk).count()
        if count:
            errors["uses_domains"] = ngettext(
                "La stratégie a %(count)s %(level)s : supprimez-le ou rattachez ses éléments "
                "directement aux axes avant de renoncer à ce niveau.",
                "La stratégie a %(count)s %(level)s : supprimez-les ou rattachez leurs éléments "
                "directement aux axes avant de renoncer à ce niveau.",
                count,
            ) % {"count": count, "level": levels.domain.noun(count)}
    if not saved["uses_domains"] and uses_domains and saved["uses_measures"]:
        count = Measure.objects.filter(strategy=strategy.pk, domain__isnull=True).count()
        if count:
            errors["uses_domains"] = ngettext(
                "%(count)s %(level)s n'a pas de %(parent)s : créez d'abord les %(parents)s, "
                "ou gardez la stratégie sans ce niveau.",
                "%(count)s %(level)s n'ont pas de %(parent)s : créez d'abord les %(parents)s, "
                "ou gardez la stratégie sans ce niveau.",
                count,
            ) % {
                "count": count,
                "level": levels.measure.noun(count),
                "parent": levels.domain.singular,
                "parents": levels.domain.plural,
            }
    if saved["uses_measures"] and not uses_measures:
        count = Measure.objects.filter(strategy=strategy.pk).count()
        if count:
            errors["uses_measures"] = ngettext(
                "La stratégie a %(count)s %(level)s : supprimez-la ou rattachez ses éléments "
                "directement aux axes avant de renoncer à ce niveau.",
                "La stratégie a %(count)s %(level)s : supprimez-les ou rattachez leurs éléments "
                "directement aux axes avant de renoncer à ce niveau.",
                count,
            ) % {"count": count, "level": levels.measure.noun(count)}
    if not saved["uses_measures"] and uses_measures:
        projects = strategy.projects.filter(measure__isnull=True).count()
        if projects:
            errors["uses_measures"] = ngettext(
                "%(count)s %(level)s relève directement d'un axe : créez d'abord les "
                "%(parents)s, ou gardez la stratégie sans ce niveau.",
                "%(count)s %(level)s relèvent directement d'un axe : créez d'abord les "
                "%(parents)s, ou gardez la stratégie sans ce niveau.",
                projects,
            ) % {
                "count": projects,
                "level": levels.project.noun(projects),
                "parents": levels.measure.plural,
            }
    return errors


def change_shape(strategy, *, uses_domains: bool, uses_measures: bool) -> None:
    """Give ``strategy`` this shape, or raise ``ValidationError`` saying what is in the way."""
    with transaction.atomic():
        errors = shape_errors(uses_domains, uses_measures) or shape_change_errors(
            strategy, uses_domains, uses_measures
        )
        if errors:
            raise ValidationError(errors)
        strategy.uses_domains = uses_domains
        strategy.uses_measures = uses_measures
        strategy.save(update_fields=["uses_domains", "uses_measures"])
