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


def test_the_project_import_names_the_owner_by_email_and_refuses_an_unknown_one():
    from projects.models import Project
    from projects.resources import ProjectResource
    from tests.factories import MeasureFactory, UserFactory
    from tests.import_files import dataset, xlsx

    measure = MeasureFactory()
    strategy = measure.strategy
    clerk = ContactFactory(territory=strategy.territory, email="greffe@commune-a.example")
    content = xlsx(
        ["Code", "Titre", "Mesure", "Responsable de la mise à jour"],
        [
            ["p1", "Sentier", measure.code, "Greffe@Commune-A.example"],
            ["p2", "Parking", measure.code, "inconnu@ailleurs.example"],
        ],
    )
    resource = ProjectResource(strategy=strategy, user=UserFactory())
    result = resource.import_data(dataset(content), dry_run=False, file_name="projets.xlsx")
    assert [(p.line, p.column) for p in result.problems] == [(3, "Responsable de la mise à jour")]
    assert not Project.objects.exists()  # one bad row writes no row
    content = xlsx(
        ["Code", "Titre", "Mesure", "Responsable de la mise à jour"],
        [["p1", "Sentier", measure.code, "Greffe@Commune-A.example"]],
    )
    resource = ProjectResource(strategy=strategy, user=UserFactory())
    resource.import_data(dataset(content), dry_run=False, file_name="projets.xlsx")
    assert Project.objects.get(code="p1").owner == clerk
