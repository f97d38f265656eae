"""On PostgreSQL the new rows of an import are written by a thread of their own while the next
rows are read (``spreadsheets.writer``): the same rows and history records as written in the
import's thread, and a batch the database refuses still leaves nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from indicators.models import IndicatorValue
from indicators.resources import IndicatorValueResource
from spreadsheets.writer import BackgroundWriter
from tests.factories import AxisFactory, IndicatorFactory, UserFactory
from tests.import_files import dataset, xlsx

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the thread writes on PostgreSQL only"
    ),
]

START = datetime.date(2025, 1, 1)


@pytest.fixture
def indicators(strategy):
    axis = AxisFactory(strategy=strategy, number=1)
    return [IndicatorFactory(axis=axis, code=code) for code in ("s1", "s2")]


@pytest.fixture
def batches_written(monkeypatch):
    """Three rows a batch; the batches the thread was given, counted."""
    monkeypatch.setattr(IndicatorValueResource._meta, "batch_size", 3)
    written = []
    write = BackgroundWriter.write

    def counted(self, model, instances, rows, **kwargs):
        written.append(len(instances))
        return write(self, model, instances, rows, **kwargs)

    monkeypatch.setattr(BackgroundWriter, "write", counted)
    return written


def file_of(count: int) -> bytes:
    return xlsx(
        ["Indicateur", "Date", "Valeur", "Source", "Commentaire"],
        [
            [f"s{1 + n % 2}", START + datetime.timedelta(days=n), n + 0.25, "Relevé", f"n{n}"]
            for n in range(count)
        ],
    )


def test_the_thread_writes_every_row_and_its_history(strategy, indicators, batches_written):
    user = UserFactory()

    result = IndicatorValueResource(strategy=strategy, user=user).import_data(
        dataset(file_of(10)), file_name="valeurs.xlsx"
    )

    assert not result.has_errors() and result.counts["new"] == 10
    assert batches_written == [3, 3, 3, 1]
    stored = {
        value.pk: (value.indicator.code, value.date, value.value, value.source, value.comment)
        for value in IndicatorValue.objects.select_related("indicator")
    }
    assert sorted(stored.values()) == sorted(
        (
            f"s{1 + n % 2}",
            START + datetime.timedelta(days=n),
            Decimal(n) + Decimal("0.25"),
            "Relevé",
            f"n{n}",
        )
        for n in range(10)
    )
    history = IndicatorValue.history.select_related("indicator")
    assert sorted(
        (
            record.id,
            (
                record.indicator.code,
                record.date,
                record.value,
                record.source,
                record.comment,
            ),
        )
        for record in history
    ) == sorted(stored.items())
    assert {
        (record.history_type, record.history_user_id, record.history_change_reason)
        for record in history
    } == {("+", user.pk, "Import du fichier « valeurs.xlsx »")}


def test_a_batch_the_database_refuses_writes_nothing(
    strategy, indicators, batches_written, monkeypatch
):
    class Conflicting(IndicatorValueResource):
        """A value stored once the file's rows were checked: the database refuses the row of the
        file that holds its indicator and date, in the second batch."""

        def before_import(self, dataset, **kwargs):
            super().before_import(dataset, **kwargs)
            IndicatorValue.objects.create(
                indicator=indicators[0], date=START + datetime.timedelta(days=4), value=1
            )

    monkeypatch.setattr(Conflicting._meta, "batch_size", 3)
    result = Conflicting(strategy=strategy, user=UserFactory()).import_data(
        dataset(file_of(10)), file_name="valeurs.xlsx"
    )

    assert result.has_errors()
    assert "indicator_value_unique_date" in str(result.base_errors[0].error)
    assert len(batches_written) == 2  # nothing more handed to the thread after the failure
    assert not IndicatorValue.objects.exists() and not IndicatorValue.history.exists()
