"""The history records (django-simple-history) of rows written in bulk by an import, copied in
the database with ``INSERT … SELECT`` rather than built as a model instance per row."""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models
from django.utils import timezone

HISTORY_COLUMNS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def has_history(model: type[models.Model]) -> bool:
    """Whether simple-history keeps the model's history (a domain's, say, it does not)."""
    return hasattr(model, "history")


def copy_to_history(
    model: type[models.Model],
    instances: list[models.Model],
    *,
    history_type: str,
    user,
    reason: str,
    using: str,
) -> None:
    """The history records (simple-history) of rows just written in bulk: who, when, why, and the
    row's values as the database holds them.

    simple-history's ``bulk_history_create`` builds a historical model instance per row, which
    costs more than the rows themselves at 100,000 values; since the rows are in the database
    already, their records are copied there, one ``INSERT … SELECT`` per thousand rows. A
    historical table with a column this does not know gets simple-history's own way instead."""
    if not instances or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    if not has_history(model):
        return
    connection = connections[using]
    statements = history_statements(
        model,
        [instance.pk for instance in instances],
        history_type=history_type,
        user=user,
        reason=reason,
        connection=connection,
    )
    if statements is None:
        model.history.model.objects.bulk_history_create(  # pragma: no cover - ours qualify
            instances,
            update=history_type == "~",
            default_user=user,
            default_change_reason=reason,
        )
        return
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def history_statements(
    model: type[models.Model], pks: list, *, history_type: str, user, reason: str, connection
) -> list[tuple[str, list]] | None:
    """The ``INSERT … SELECT`` statements that copy the rows ``pks`` to their history, or None
    when the historical table has a column this does not know (simple-history's way then)."""
    history = model.history.model
    tracked = list(history.tracked_fields)
    columns = {field.attname for field in history._meta.concrete_fields}
    if columns != {field.attname for field in tracked} | HISTORY_COLUMNS:
        return None
    quote = connection.ops.quote_name
    copied = ", ".join(quote(history._meta.get_field(field.name).column) for field in tracked)
    source = ", ".join(quote(field.column) for field in tracked)
    extra = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    stamp = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        reason,
        history_type,
        getattr(user, "pk", None),
    ]
    array = connection.vendor == "postgresql"  # one array parameter: three times faster there
    size = 1000 if array else 500  # SQLite takes at most 999 parameters
    statements = []
    for start in range(0, len(pks), size):
        batch = pks[start : start + size]
        selected = "= ANY(%s)" if array else f"IN ({', '.join(['%s'] * len(batch))})"
        statements.append(
            (
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {extra}) "
                f"SELECT {source}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} {selected}",
                [*stamp, batch] if array else [*stamp, *batch],
            )
        )
    return statements
