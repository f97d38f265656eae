"""The cockpit's filters: the domain filter depends on the chosen axis (offered choices, an htmx
refresh of its select, a domain of another axis ignored), and shared filter URLs are clean."""

import re

import pytest
from django.urls import reverse

from projects.models import Project
from strategies.models import Axis, Domain

HTMX = {"HX-Request": "true"}


def cockpit_url(strategy) -> str:
    return reverse("cockpit:strategy", args=[strategy.pk])


def domain_options(html: str) -> set[str]:
    """The values offered by the domain select of ``html``."""
    select = re.search(r'<select name="domain"[^>]*>(.*?)</select>', html, re.S).group(1)
    return set(re.findall(r'<option value="(\d+)"', select))


def project_codes(response) -> set[str]:
    return {project.code for block in response.context["axes"] for project in block.projects}


@pytest.fixture
def two_axes(demo):
    """The first two axes of the demo that have domains."""
    axes = [a for a in Axis.objects.filter(strategy=demo).order_by("number") if a.domains.all()]
    return axes[0], axes[1]


def test_domain_filter_offers_only_the_chosen_axiss_domains(member_client, demo, two_axes):
    first, _second = two_axes
    html = member_client.get(cockpit_url(demo), {"axis": first.pk}).content.decode()
    assert domain_options(html) == {str(pk) for pk in first.domains.values_list("pk", flat=True)}
    # Without an axis, every domain of the strategy.
    html = member_client.get(cockpit_url(demo)).content.decode()
    every = Domain.objects.filter(axis__strategy=demo).values_list("pk", flat=True)
    assert domain_options(html) == {str(pk) for pk in every}


def test_htmx_refresh_replaces_the_domain_select_out_of_band(member_client, demo, two_axes):
    first, _second = two_axes
    response = member_client.get(cockpit_url(demo), {"axis": first.pk}, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="axes"')
    assert re.search(r'<select name="domain"[^>]*id="id_domain"', html)
    assert re.search(r'<select name="domain"[^>]*hx-swap-oob="true"', html)
    assert domain_options(html) == {str(pk) for pk in first.domains.values_list("pk", flat=True)}


def test_a_domain_of_another_axis_is_ignored_without_an_error(member_client, demo, two_axes):
    first, second = two_axes
    foreign = second.domains.first()
    response = member_client.get(
        cockpit_url(demo), {"axis": first.pk, "domain": foreign.pk}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain == [(f"{cockpit_url(demo)}?axis={first.pk}", 302)]
    assert "Un filtre n'est pas valable" not in html
    assert [block.axis for block in response.context["axes"]] == [first]
    expected = set(Project.objects.filter(axis=first).values_list("code", flat=True))
    assert project_codes(response) == expected
    assert f'<option value="{foreign.pk}" selected>' not in html


def test_a_domain_of_the_chosen_axis_still_filters(member_client, demo, two_axes):
    first, _second = two_axes
    domain = next(d for d in first.domains.all() if Project.objects.filter(measure__domain=d))
    response = member_client.get(cockpit_url(demo), {"axis": first.pk, "domain": domain.pk})
    expected = set(Project.objects.filter(measure__domain=domain).values_list("code", flat=True))
    assert project_codes(response) == expected
    assert f'<option value="{domain.pk}" selected>' in response.content.decode()


# --- Clean shareable URLs -----------------------------------------------------------------


def test_a_form_submitted_without_javascript_is_redirected_to_its_clean_url(
    member_client, demo, two_axes
):
    first, _second = two_axes
    url = cockpit_url(demo)
    response = member_client.get(f"{url}?axis={first.pk}&domain=&mark=&q=&lead=")
    assert response.status_code == 302
    assert response["Location"] == f"{url}?axis={first.pk}"
    # Nothing but empty fields: the bare cockpit; a clean URL is served as it is.
    assert member_client.get(f"{url}?axis=&domain=")["Location"] == url
    assert member_client.get(f"{url}?axis={first.pk}").status_code == 200


def test_htmx_pushes_the_clean_url_instead_of_the_forms(member_client, demo, two_axes):
    first, _second = two_axes
    url = cockpit_url(demo)
    response = member_client.get(f"{url}?axis={first.pk}&domain=&late=on&q=", headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"{url}?axis={first.pk}&late=on"
    assert "HX-Push-Url" not in member_client.get(f"{url}?late=on", headers=HTMX)


def test_a_domain_ignored_is_left_out_of_the_clean_url(member_client, demo, two_axes):
    first, second = two_axes
    url = cockpit_url(demo)
    foreign = second.domains.first()
    response = member_client.get(f"{url}?axis={first.pk}&domain={foreign.pk}", headers=HTMX)
    assert response["HX-Push-Url"] == f"{url}?axis={first.pk}"


def test_the_pack_link_carries_the_clean_filters(member_client, demo, two_axes):
    first, _second = two_axes
    url = f"{cockpit_url(demo)}?axis={first.pk}&domain=&q="
    html = member_client.get(url, headers=HTMX).content.decode()
    pack = reverse("cockpit:pack", args=[demo.pk])
    assert f'href="{pack}?axis={first.pk}"' in html


def test_the_ranking_filters_make_clean_urls_too(member_client, demo):
    url = reverse("prioritisation:ranking", args=[demo.pk])
    response = member_client.get(f"{url}?axis=&status=proposals_new&commune=")
    assert response["Location"] == f"{url}?status=proposals_new"
    response = member_client.get(f"{url}?axis=&status=proposals_new", headers=HTMX)
    assert response["HX-Push-Url"] == f"{url}?status=proposals_new"
