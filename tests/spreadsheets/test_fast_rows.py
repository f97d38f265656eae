"""The import's shortcuts give what Django's own ways give: new instances as ``Model()`` makes
them, related rows set as the descriptor sets them, new rows inserted with their ids as
``bulk_create`` inserts them, each distinct cell read once with the same result or message."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Value

from indicators.models import IndicatorValue
from prioritisation.models import Score
from projects.models import Project
from spreadsheets.cells import CellCleaner
from spreadsheets.inserts import (
    insert_new_rows,
    insertable_fields,
    lean_insert_possible,
    prepared_rows,
)
from spreadsheets.instances import InstanceFactory, forward_foreign_key, set_related
from spreadsheets.widgets import DateWidget
from tests.factories import IndicatorFactory, ScoreFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [IndicatorValue, Project])
def test_a_new_instance_holds_what_model_gives(model):
    made, expected = InstanceFactory(model)(), model()

    fields = [field.attname for field in model._meta.concrete_fields]
    assert [getattr(made, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert made._state.adding and made._state.db is None


def test_a_related_row_is_set_as_the_descriptor_sets_it():
    indicator = IndicatorFactory()
    field = forward_foreign_key(IndicatorValue, "indicator")
    value = IndicatorValue()

    set_related(value, field, indicator)

    assert value.indicator_id == indicator.pk and value.indicator is indicator
    assert value._state.db == "default"
    set_related(value, field, None)
    assert value.indicator_id is None and value._state.fields_cache["indicator"] is None


def test_new_rows_are_inserted_with_their_ids_in_batches():
    indicator = IndicatorFactory()
    rows = [
        IndicatorValue(
            indicator=indicator,
            date=datetime.date(2025, 1, day),
            value=Decimal(f"{day}.25"),
            source=f"relevé {day}",
        )
        for day in range(1, 6)
    ]
    assert lean_insert_possible(IndicatorValue, rows, "default")

    insert_new_rows(IndicatorValue, rows, using="default", batch_size=2)

    stored = {
        value.pk: (value.date, value.value, value.source)
        for value in IndicatorValue.objects.filter(indicator=indicator)
    }
    assert stored == {row.pk: (row.date, row.value, row.source) for row in rows}
    assert all(not row._state.adding and row._state.db == "default" for row in rows)


def django_prepared(model, rows):
    fields = insertable_fields(model)
    return [
        [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
        for row in rows
    ]


def test_values_are_prepared_as_bulk_create_prepares_them_each_distinct_value_once():
    indicator = IndicatorFactory()
    rows = [
        IndicatorValue(
            indicator=indicator,
            date=datetime.date(2025, 1, 1 + day % 2),
            value=value,
            source="relevé",
            comment=str(day % 3),
        )
        for day, value in enumerate([Decimal("1.0"), Decimal("1.00"), Decimal("-0"), Decimal(0)])
    ]

    prepared = prepared_rows(insertable_fields(IndicatorValue), rows, connection)

    assert prepared == django_prepared(IndicatorValue, rows)
    position = [field.name for field in insertable_fields(IndicatorValue)].index("value")
    assert [str(row[position]) for row in prepared] == ["1.0", "1.00", "-0", "0"]


def test_a_field_set_when_saved_is_prepared_when_saved():
    score = ScoreFactory.build(comment="")
    position = [field.name for field in insertable_fields(Score)].index("scored_at")
    assert score.scored_at is None

    prepared = prepared_rows(insertable_fields(Score), [score], connection)

    assert prepared[0][position] is not None and score.scored_at is not None


def test_an_expression_among_the_values_is_left_to_bulk_create():
    indicator = IndicatorFactory()
    row = IndicatorValue(
        indicator=indicator, date=datetime.date(2025, 1, 1), value=Decimal(1), comment=Value("x")
    )

    assert prepared_rows(insertable_fields(IndicatorValue), [row], connection) is None


def test_rows_that_have_ids_go_through_bulk_create():
    indicator = IndicatorFactory()
    rows = [
        IndicatorValue(indicator=indicator, date=datetime.date(1999, 1, day), value=Decimal(day))
        for day in (1, 2)
    ]
    rows[1].pk = 10_000_000
    assert not lean_insert_possible(IndicatorValue, rows, "default")

    insert_new_rows(IndicatorValue, rows, using="default", batch_size=10)

    assert IndicatorValue.objects.get(pk=10_000_000).date == datetime.date(1999, 1, 2)
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2


class Column:
    column_name = "Date"
    widget = DateWidget()


def test_a_cell_read_once_gives_the_same_value_or_message_again():
    cells = CellCleaner([Column])

    first = cells.clean(Column, "31.12.2026", {})
    assert cells.clean(Column, "31.12.2026", {}) is first == datetime.date(2026, 12, 31)
    messages = []
    for _time in range(2):
        with pytest.raises(ValueError) as error:
            cells.clean(Column, "demain", {})
        messages.append(str(error.value))
    assert messages[0] == messages[1] and "n'est pas une date" in messages[0]
