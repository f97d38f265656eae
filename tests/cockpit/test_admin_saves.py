"""Every admin save of every model, on the engine the suite runs on (SQLite and PostgreSQL in CI):
for each model registered on the admin site, its change page is opened and posted back as a
browser would (every field and inline formset read from the rendered HTML), as the secretariat
where it edits the model and as a superuser; the add page is posted too, with the fields of an
object just deleted. A save that fails on one engine only (PostgreSQL refusing ``FOR UPDATE`` on
the nullable side of an outer join, issue 17) fails here."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from strategies.admin_access import VERSION_FIELD
from strategies.models import Measure
from tests import factories
from tests.html_forms import as_post_data, form_fields
from workshops.models import Workshop

REGISTRY = admin.site._registry
MODELS = sorted(REGISTRY, key=lambda model: model._meta.label)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def new_round(strategy):
    from rounds.models import Round

    return Round.objects.create(strategy=strategy, deadline=timezone.localdate(), message="Merci")


def new_score(strategy):
    from prioritisation.models import Criterion

    project = factories.ProjectFactory(measure=a_measure(strategy), code="p-essai")
    criterion = Criterion.objects.filter(strategy=strategy).order_by("pk").first()
    return factories.ScoreFactory(criterion=criterion, project=project, value=criterion.scale_min)


def a_measure(strategy):
    return Measure.objects.filter(strategy=strategy, domain__isnull=False).order_by("pk").first()


#: How to make one row of a model, in the demo's strategy where the model has one, with codes the
#: demo does not use (the add pages are tested with these rows, and the change pages of the models
#: the demo has no row of).
MAKERS = {
    "auth.User": lambda _s: factories.UserFactory(first_name="Ada", last_name="Lovelace"),
    "auth.Group": lambda _s: Group.objects.create(name="Relecteurs"),
    "strategies.Territory": lambda _s: factories.TerritoryFactory(),
    "strategies.Commune": lambda s: factories.CommuneFactory(territory=s.territory),
    "strategies.Contact": lambda s: factories.ContactFactory(territory=s.territory),
    "strategies.Membership": lambda s: factories.MembershipFactory(
        territory=s.territory, role="viewer"
    ),
    "strategies.Strategy": lambda s: factories.StrategyFactory(territory=s.territory),
    "strategies.Axis": lambda s: factories.AxisFactory(strategy=s, number=99),
    "strategies.Domain": lambda s: factories.DomainFactory(axis=a_measure(s).axis),
    "strategies.Theme": lambda s: factories.ThemeFactory(strategy=s),
    "strategies.Measure": lambda s: factories.MeasureFactory(
        domain=a_measure(s).domain, code="m-essai"
    ),
    "projects.Project": lambda s: factories.ProjectFactory(measure=a_measure(s), code="p-essai"),
    "indicators.Indicator": lambda s: factories.IndicatorFactory(
        axis=a_measure(s).axis, code="i-essai"
    ),
    "indicators.IndicatorValue": lambda s: factories.IndicatorValueFactory(
        indicator=factories.IndicatorFactory(axis=a_measure(s).axis, code="i-essai")
    ),
    "workshops.Workshop": lambda s: factories.WorkshopFactory(strategy=s, number=99),
    "workshops.Decision": lambda s: factories.DecisionFactory(
        workshop=Workshop.objects.filter(strategy=s).first()
    ),
    "prioritisation.Criterion": lambda s: factories.CriterionFactory(strategy=s),
    "prioritisation.Proposal": lambda s: factories.ProposalFactory(strategy=s),
    "prioritisation.Score": new_score,
    "rounds.Round": new_round,
}

#: What the add page asks that no change page shows (a new account's password).
ADD_ONLY = {
    "auth.User": lambda _row: {
        "password1": "Un-mot-de-passe-2024",
        "password2": "Un-mot-de-passe-2024",
    },
    # A round's change page shows its fields read only (they do not change once it is open).
    "rounds.Round": lambda row: {
        "strategy": str(row.strategy_id),
        "deadline": row.deadline.strftime("%d.%m.%Y"),
        "message": row.message,
    },
}


def posted_back(client: Client, page_url: str, model) -> dict:
    response = client.get(page_url)
    assert response.status_code == 200, page_url
    fields = form_fields(response.content.decode(), f"{model._meta.model_name}_form")
    assert fields, f"no form on {page_url}"
    return as_post_data(fields)


def errors_of(response) -> str:
    """The form and inline errors of a change page that did not save."""
    context = response.context or {}
    errors = []
    if "adminform" in context:
        errors.append(context["adminform"].form.errors.as_text())
    for inline in context.get("inline_admin_formsets", ()):
        errors.extend(str(error) for error in inline.formset.errors if error)
        errors.append(inline.formset.non_form_errors().as_text())
    return " ".join(error for error in errors if error) or response.content.decode()[:2000]


def assert_saved(response, model) -> None:
    assert response.status_code == 302, f"{model._meta.label}: {errors_of(response)}"
    assert "/login/" not in response["Location"]


def a_row(model, user, strategy):
    """A row of ``model`` that ``user`` may change: the demo's first, else one made for it."""
    model_admin = REGISTRY[model]
    request = admin_request(user)

    def first():
        rows = model_admin.get_queryset(request).order_by("pk")[:50]
        return next((r for r in rows if model_admin.has_change_permission(request, r)), None)

    row = first()
    if row is None and model._meta.label in MAKERS:
        MAKERS[model._meta.label](strategy)
        row = first()
    return row


@pytest.fixture
def superuser(demo):
    return factories.UserFactory(username="racine", is_staff=True, is_superuser=True)


@pytest.fixture
def secretariat(demo):
    return get_user_model().objects.get(username="secretariat")


@pytest.mark.parametrize("who", ["secretariat", "superuser"])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_change_page_saves_what_it_shows(request, client, demo, model, who):
    user = request.getfixturevalue(who)
    row = a_row(model, user, demo)
    if row is None:
        pytest.skip(f"{who} cannot change {model._meta.label}")
    client.force_login(user)
    change_url = url(model, "change", row.pk)

    response = client.post(change_url, posted_back(client, change_url, model))

    assert_saved(response, model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_add_page_saves_what_a_change_page_showed(client, demo, superuser, model):
    """The fields of a fresh row's change page, posted to the add page once the row is deleted:
    the same row, created anew."""
    model_admin = REGISTRY[model]
    if not model_admin.has_add_permission(admin_request(superuser)):
        pytest.skip(f"{model._meta.label} has no add page")
    assert model._meta.label in MAKERS, f"say how to make a {model._meta.label} in MAKERS"
    client.force_login(superuser)
    row = MAKERS[model._meta.label](demo)
    shown = posted_back(client, url(model, "change", row.pk), model)
    add_url = url(model, "add")
    data = posted_back(client, add_url, model)
    # The row's own fields (an empty autocomplete select sends nothing: take them all); inline
    # rows are the add page's own (the fresh row has none).
    data.update(
        {
            name: value
            for name, value in shown.items()
            if "-" not in name and name not in ("csrfmiddlewaretoken", VERSION_FIELD)
        }
    )
    data.update(ADD_ONLY.get(model._meta.label, lambda _row: {})(row))
    before = model._default_manager.count()
    row.delete()

    response = client.post(add_url, data)

    assert_saved(response, model)
    assert model._default_manager.count() == before


def test_the_score_change_page_saves_a_score_of_a_proposal_and_of_a_project(client, superuser):
    """The case of issue 17: a score's default ordering joins its nullable project and
    proposal."""
    from prioritisation.models import Score

    client.force_login(superuser)
    for score in (
        Score.objects.filter(proposal__isnull=False).first(),
        Score.objects.filter(project__isnull=False).first(),
    ):
        change_url = url(Score, "change", score.pk)
        data = posted_back(client, change_url, Score)
        data["value"] = str(score.criterion.scale_min)
        response = client.post(change_url, data)
        assert_saved(response, Score)
        score.refresh_from_db()
        assert score.value == score.criterion.scale_min
        assert score.scored_at <= timezone.now() + datetime.timedelta(seconds=1)
