"""Codes that differ only by case within a strategy (k1 and K1), which the constraints on
``Lower("code")`` refuse. The migrations that add those constraints look for them first
(``refuse_case_duplicates``) and, when a strategy holds some, stop with the list to rename in the
admin, rather than fail on the new constraint with an IntegrityError.

Run by migrations: it reads the historical models they are given, by field name only, so that it
works whatever the models become later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.core.management.base import CommandError
from django.utils.translation import gettext

#: What a strategy's name is made of, as ``Strategy.__str__`` writes it (historical models have
#: no ``__str__``).
STRATEGY_FIELDS = (
    "strategy__short_name",
    "strategy__horizon_year",
    "strategy__title",
    "strategy__territory__name",
)


def strategy_name(short_name: str, horizon_year: int, title: str, territory: str) -> str:
    if short_name:
        return f"{short_name} {horizon_year} – {territory}"
    return f"{title} – {territory}"


def case_duplicates(rows: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """The codes of ``(strategy, code)`` rows that differ only by case within one strategy, as
    ``(strategy, [codes])``: ``[("SDI 2028 – Crans-Montana", ["k1", "K1"])]``, by strategy then
    code, lower case first. Empty codes are not codes."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for strategy, code in rows:
        if code:
            groups[strategy, code.lower()].add(code)
    return [
        (strategy, sorted(codes, key=lambda code: (code.lower(), code.swapcase())))
        for (strategy, _folded), codes in sorted(groups.items())
        if len(codes) > 1
    ]


def duplicate_lines(rows: Iterable[tuple[str, str]], what: str) -> list[str]:
    """``case_duplicates`` as the lines of the message: « Stratégie SDI 2028 – Crans-Montana :
    projets k1 / K1 » (``what`` names the codes: "projets")."""
    return [
        gettext("Stratégie %(strategy)s : %(what)s %(codes)s")
        % {"strategy": strategy, "what": what, "codes": " / ".join(codes)}
        for strategy, codes in case_duplicates(rows)
    ]


def find_case_duplicates(
    model, checks: Sequence[tuple[str, str]], using: str = "default"
) -> list[str]:
    """The lines of ``duplicate_lines`` for each ``(field, what)`` of ``checks`` among the rows
    of ``model`` (a model with a ``strategy`` and those code fields), one query per field."""
    lines = []
    for field, what in checks:
        rows = model._default_manager.using(using).values_list(*STRATEGY_FIELDS, field)
        lines += duplicate_lines(
            ((strategy_name(*values[:-1]), values[-1]) for values in rows.iterator()), what
        )
    return lines


def refuse_case_duplicates(
    app_label: str, model_name: str, checks: Sequence[tuple[str, str]]
) -> Callable:
    """A ``RunPython`` function that stops the migration when a strategy holds codes of the model
    that differ only by case, for each ``(field, what)`` of ``checks``: ``("code", "projets")``.
    ``migrate`` then prints the list (a ``CommandError``) and changes nothing."""

    def refuse(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        lines = find_case_duplicates(model, checks, schema_editor.connection.alias)
        if lines:
            raise CommandError(
                gettext(
                    "Des codes ne diffèrent que par la casse (majuscules, minuscules) dans une "
                    "même stratégie ; ils doivent désormais être uniques sans tenir compte de la "
                    "casse. Renommez-les dans l'administration, puis relancez « manage.py "
                    "migrate » :"
                )
                + "".join(f"\n- {line}" for line in lines)
            )

    return refuse
