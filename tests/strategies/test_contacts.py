"""Contacts: the people named responsible for updating a project or reporting an indicator."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ContactFactory, IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_project_owner_comes_from_the_strategys_territory():
    project = ProjectFactory()
    project.owner = ContactFactory()  # another territory
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert refused.value.message_dict["owner"] == [
        "Ce contact appartient à un autre territoire que la stratégie."
    ]
    project.owner = ContactFactory(territory=project.strategy.territory)
    project.full_clean()


def test_an_indicator_owner_comes_from_the_strategys_territory():
    indicator = IndicatorFactory()
    indicator.owner = ContactFactory()
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "owner" in refused.value.message_dict


def test_a_territory_has_one_contact_per_email_ignoring_case():
    first = ContactFactory(email="greffe@lens.ch")
    duplicate = ContactFactory.build(territory=first.territory, email="Greffe@Lens.ch")
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    ContactFactory(email="greffe@lens.ch")  # another territory may have it


def test_deleting_a_contact_leaves_its_projects_without_owner():
    project = ProjectFactory()
    project.owner = ContactFactory(territory=project.strategy.territory)
    project.save()
    project.owner.delete()
    project.refresh_from_db()
    assert project.owner is None
