"""The new rows of an import inserted with one statement per batch and their ids read back
(``insert_new_rows``), as ``QuerySet.bulk_create`` inserts them but without its per-value compiler
work, which cost more than the database's own at 100,000 values:

- SQLite: ``INSERT … VALUES (…), (…) RETURNING id``, as many rows a statement as the connection's
  parameter limit allows (32,766 since SQLite 3.32, where Django assumes 999);
- PostgreSQL: ``INSERT … SELECT * FROM UNNEST(%s::type[], …) RETURNING id``, one array parameter
  per column (what ``bulk_create`` does on Django 5.2).

Each value goes through its field's ``pre_save`` and ``get_db_prep_save``, as with
``bulk_create``, once per distinct value of a column in a batch for the plain values of Django's
own fields (``prepared_rows``: the 1,000 rows of a batch name a few dates, indicators and sources);
no signal is sent (neither sends any). Any case this does not cover (another
database, a model with parents, rows with ids, database defaults or expressions as values, fields
with their own placeholder, ids converted when read) goes to ``bulk_create``."""

from __future__ import annotations

import datetime
import sqlite3
from typing import Any

from django.db import connections, models
from django.db.models import DateField, Field

#: Parameters of one SQLite statement when the connection cannot say (SQLite before 3.32).
SQLITE_PARAMETERS = 999
#: The kinds of values that Django's own fields prepare for the database from the value alone, so
#: that equal values are prepared alike (not a datetime: its time zone; not a Decimal or a float,
#: whose equal values may be written differently: 1.0 and 1.00, 0.0 and -0.0).
SHARED_KINDS = frozenset({str, int, bool, datetime.date})


def insertable_fields(model: type[models.Model]) -> list[Field]:
    """The columns a new row is inserted with (all but its database-made id)."""
    return [
        field
        for field in model._meta.concrete_fields
        if field is not model._meta.pk and not getattr(field, "generated", False)
    ]


def lean_insert_possible(model: type[models.Model], instances: list[models.Model], using: str):
    connection = connections[using]
    opts = model._meta
    if connection.vendor not in ("sqlite", "postgresql") or opts.parents:
        return False
    if list(opts.db_returning_fields) != [opts.pk] or hasattr(opts.pk, "from_db_value"):
        return False
    if not connection.features.can_return_rows_from_bulk_insert:
        return False
    fields = insertable_fields(model)
    if any(hasattr(field, "get_placeholder") for field in fields):
        return False
    if connection.vendor == "postgresql" and any(
        (field.target_field if field.is_relation else field).get_internal_type()
        not in connection.data_types
        for field in fields
    ):
        return False
    return all(instance.pk is None for instance in instances)


def insert_new_rows(
    model: type[models.Model], instances: list[models.Model], *, using: str, batch_size: int
) -> None:
    """Insert ``instances`` (new rows) and give each its id, like ``bulk_create``."""
    if not instances:
        return
    connection = connections[using]
    rows = prepared_insert(model, instances, using)
    if rows is None:
        model._default_manager.db_manager(using).bulk_create(instances, batch_size=batch_size)
        return
    with connection.cursor() as cursor:
        ids = run_insert(model, rows, cursor, connection, batch_size=batch_size)
    give_ids(model, instances, ids, using)


def prepared_insert(model: type[models.Model], instances: list[models.Model], using: str):
    """The rows of ``instances`` as ``run_insert`` writes them, or None when they must go to
    ``bulk_create`` (a case this does not cover, an expression among the values)."""
    if not lean_insert_possible(model, instances, using):
        return None
    return prepared_rows(insertable_fields(model), instances, connections[using])


def run_insert(
    model: type[models.Model], rows: list[list], cursor, connection, *, batch_size: int
) -> list[Any]:
    """Insert the prepared ``rows`` through ``cursor``; their new ids, in order."""
    fields = insertable_fields(model)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    pk = quote(model._meta.pk.column)
    ids: list[Any] = []
    if connection.vendor == "postgresql":
        types = ", ".join(
            "(%s)::" + field.db_type(connection).split("(")[0] + "[]" for field in fields
        )
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({types}) RETURNING {pk}"
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
            ids.extend(row[0] for row in cursor.fetchall())
    else:
        per_statement = max(1, sqlite_parameters(connection) // max(1, len(fields)))
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES "
                + ", ".join([placeholder] * len(batch))
                + f" RETURNING {pk}",
                [value for row in batch for value in row],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    if len(ids) != len(rows):  # pragma: no cover - the database returns one id a row
        raise RuntimeError("The database did not return an id for each inserted row.")
    return ids


def give_ids(
    model: type[models.Model], instances: list[models.Model], ids: list[Any], using: str
) -> None:
    """Each inserted instance its id, saved on ``using``, as ``bulk_create`` leaves it."""
    attname = model._meta.pk.attname
    for instance, pk_value in zip(instances, ids, strict=True):
        instance.__dict__[attname] = pk_value
        instance._state.adding = False
        instance._state.db = using


def plain_pre_save(field: Field) -> bool:
    """Whether the field's ``pre_save`` only reads the attribute (no ``auto_now`` and the like)."""
    pre_save = type(field).pre_save
    if pre_save is Field.pre_save:
        return True
    return (
        isinstance(field, DateField)
        and pre_save.__module__ == DateField.pre_save.__module__
        and not field.auto_now
        and not field.auto_now_add
    )


def shares_prepared_values(field: Field) -> bool:
    """Whether equal plain values of the field are prepared alike: one of Django's own fields,
    whose preparation depends on the value alone (a third-party field might not)."""
    target = field.target_field if field.is_relation else field
    return all(type(each).__module__.startswith("django.db.models.") for each in (field, target))


def prepared_rows(fields: list[Field], instances: list[models.Model], connection) -> list | None:
    """Each instance's values as ``bulk_create`` writes them (``pre_save``, then
    ``get_db_prep_save``), or None when one is an expression. A plain value (``SHARED_KINDS``) of
    one of Django's own fields is prepared once per distinct value of its column."""
    plan = [
        (
            field,
            field.attname if plain_pre_save(field) else None,
            {} if shares_prepared_values(field) else None,
        )
        for field in fields
    ]
    rows = []
    for instance in instances:
        row = []
        for field, attname, known in plan:
            value = getattr(instance, attname) if attname else field.pre_save(instance, True)
            kind = value.__class__
            if known is not None and kind in SHARED_KINDS:
                key = (kind, value)
                prepared = known.get(key, known)
                if prepared is known:  # the dict itself: not met yet
                    prepared = known[key] = field.get_db_prep_save(value, connection)
            else:
                prepared = field.get_db_prep_save(value, connection)
                if hasattr(prepared, "as_sql"):
                    return None
            row.append(prepared)
        rows.append(row)
    return rows


def sqlite_parameters(connection) -> int:
    """How many parameters one SQLite statement may take on this connection."""
    connection.ensure_connection()
    getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
    if getlimit is None:  # pragma: no cover
        return SQLITE_PARAMETERS
    return max(SQLITE_PARAMETERS, min(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), 32_766))
