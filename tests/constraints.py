"""What the constraint tests share: a save the database must refuse, the French messages of
``full_clean()``, a measure in a strategy of its own."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tests.factories import MeasureFactory

CODE_MESSAGE = "Un code ne contient ni espace ni accent"


def assert_rejected_by_db(instance, *constraints):
    """Saving the instance raises IntegrityError from one of the named constraints; the savepoint
    keeps the test database usable. (SQLite names check constraints but not unique ones.)"""
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        instance.save()
    message = str(raised.value)
    assert any(name in message for name in constraints) or (
        connection.vendor == "sqlite" and message.startswith("UNIQUE constraint failed")
    ), message


def validation_messages(instance, **kwargs) -> list[str]:
    """All the messages ``full_clean()`` raises for the instance (it must raise)."""
    with pytest.raises(ValidationError) as raised:
        instance.full_clean(**kwargs)
    return raised.value.messages


def in_strategy(strategy):
    """A measure of the strategy, in a new axis and domain."""
    return MeasureFactory(domain__axis__strategy=strategy)
