"""A public strategy's open data: CSV tables (UTF-8 with a byte-order mark, comma, dot decimal, ISO
dates) read back and compared with the cockpit's figures, the zip of them all, the DCAT-AP
description parsed back with rdflib, the licence chosen per strategy and the links on the public
cockpit page."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from indicators.models import Indicator, IndicatorValue
from projects.models import Project
from steering.rollups import strategy_rollup
from strategies.models import Licence, Strategy
from tests.territories import make_public

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture
def public_demo(demo):
    make_public(demo)
    return Strategy.objects.get(pk=demo.pk)


def download(url: str):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response, b"".join(response.streaming_content)


def read_table(strategy, name: str) -> list[dict]:
    response, content = download(reverse("api:table", args=[strategy.pk, name]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_projects_table_counts_what_the_cockpit_counts(public_demo):
    rows = read_table(public_demo, "projects")
    rollup = strategy_rollup(public_demo).implementation
    assert len(rows) == rollup.total == Project.objects.filter(strategy=public_demo).count()
    by_status = Counter(row["status"] for row in rows)
    assert {status: by_status.get(status, 0) for status in rollup.statuses} == rollup.statuses
    by_mark = Counter(row["mark"] for row in rows)
    assert {mark: by_mark.get(mark, 0) for mark in rollup.marks} == rollup.marks
    assert sum(row["after_horizon"] == "true" for row in rows) == rollup.after_horizon
    assert sum(row["late"] == "true" for row in rows) == rollup.marks["ko"]


def test_the_tables_write_iso_dates_dot_decimals_and_no_budget_nor_person(public_demo):
    projects = read_table(public_demo, "projects")
    dates = [row[key] for row in projects for key in ("start_date", "end_date") if row[key]]
    assert dates and all(ISO_DATE.match(value) for value in dates)
    assert not {"lead", "budget_planned", "status_comment", "partners"} & projects[0].keys()
    p3 = next(row for row in projects if row["code"] == "p3")
    assert p3["status"] == "blocked" and p3["status_label"] == "✗ bloqué"
    values = read_table(public_demo, "indicator_values")
    assert len(values) == IndicatorValue.objects.filter(indicator__strategy=public_demo).count()
    assert "comment" not in values[0]
    assert all(ISO_DATE.match(row["date"]) for row in values)
    assert all("," not in row["value"] for row in values)
    stored = IndicatorValue.objects.filter(indicator__strategy=public_demo).first()
    written = next(
        row
        for row in values
        if row["indicator_id"] == str(stored.indicator_id)
        and row["date"] == stored.date.isoformat()
    )
    assert Decimal(written["value"]) == stored.value


def test_the_indicators_table_has_the_cockpits_statuses(public_demo):
    rows = read_table(public_demo, "indicators")
    effect = strategy_rollup(public_demo).effect
    strategic = Counter(row["status"] for row in rows if row["level"] == "strategic")
    assert {status: strategic.get(status, 0) for status in effect.counts} == effect.counts
    assert len(rows) == Indicator.objects.filter(strategy=public_demo).count()
    today = datetime.date.today()
    for row in rows:
        if row["latest_value_date"]:
            age = (today - datetime.date.fromisoformat(row["latest_value_date"])).days
            assert abs(int(row["data_age_days"]) - age) <= 1


def test_the_dictionary_describes_every_column_of_every_table(public_demo):
    dictionary = read_table(public_demo, "dictionary")
    described = {(row["table"], row["column"]) for row in dictionary if row["column"]}
    for table in ("axes", "measures", "projects", "indicators", "indicator_values"):
        header = read_table(public_demo, table)[0].keys()
        assert {(table, column) for column in header} <= described, table
    # The levels in the strategy's words.
    axes = next(row for row in dictionary if row["table"] == "axes" and not row["column"])
    assert axes["description"] == public_demo.levels.axis.plural


def test_the_zip_holds_every_table_the_dictionary_and_the_licence(public_demo):
    response, content = download(reverse("api:zip", args=[public_demo.pk]))
    assert response["Content-Type"] == "application/zip"
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    names = archive.namelist()
    expected = ["axes", "domains", "measures", "projects", "indicators", "indicator_values"]
    assert names == [f"{name}.csv" for name in [*expected, "dictionary"]] + ["LICENCE.txt"]
    _response, alone = download(reverse("api:table", args=[public_demo.pk, "projects"]))
    assert archive.read("projects.csv") == alone
    assert "CC BY 4.0" in archive.read("LICENCE.txt").decode()


def test_a_strategy_that_is_not_public_has_no_open_data(demo):
    client = Client()
    for url in (
        reverse("api:table", args=[demo.pk, "projects"]),
        reverse("api:zip", args=[demo.pk]),
        reverse("api:dcat_jsonld", args=[demo.pk]),
        reverse("api:dcat_rdf", args=[demo.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_an_unknown_table_is_404(public_demo):
    assert Client().get(reverse("api:table", args=[public_demo.pk, "budgets"])).status_code == 404


def test_the_open_data_answer_304_when_unchanged(public_demo):
    url = reverse("api:zip", args=[public_demo.pk])
    first = Client().get(url)
    again = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


# --- DCAT-AP -------------------------------------------------------------------------------------


def parsed(strategy, name: str, format: str) -> Graph:
    response = Client().get(reverse(name, args=[strategy.pk]))
    assert response.status_code == 200
    graph = Graph()
    graph.parse(data=response.content.decode(), format=format)
    return graph


@pytest.mark.parametrize(
    ("name", "format"), [("api:dcat_jsonld", "json-ld"), ("api:dcat_rdf", "xml")]
)
def test_the_dcat_description_has_every_mandatory_property(public_demo, name, format):
    graph = parsed(public_demo, name, format)
    catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogues) == 1
    catalogue = catalogues[0]
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalogue, prop) is not None, prop
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == public_demo.territory.name

    dataset = graph.value(catalogue, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert str(graph.value(dataset, DCTERMS.title)) == public_demo.title
    for prop in (
        DCTERMS.description,
        DCTERMS.publisher,
        DCTERMS.issued,
        DCTERMS.modified,
        DCAT.landingPage,
        DCTERMS.identifier,
    ):
        assert graph.value(dataset, prop) is not None, prop

    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 8  # 7 tables and the zip
    licence = URIRef(Licence.CC_BY_4_0.url)
    client = Client()
    for distribution in distributions:
        assert (distribution, RDF.type, DCAT.Distribution) in graph
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.issued, DCTERMS.modified):
            assert graph.value(distribution, prop) is not None, prop
        assert graph.value(distribution, DCTERMS.license) == licence
        media_type = str(graph.value(distribution, DCAT.mediaType))
        assert media_type.startswith("http://www.iana.org/assignments/media-types/")
        download_url = str(graph.value(distribution, DCAT.downloadURL))
        assert graph.value(distribution, DCAT.accessURL) is not None
        # The download URL serves the file of that media type.
        response = client.get(download_url.removeprefix("http://testserver"))
        assert response.status_code == 200, download_url
        assert response["Content-Type"].startswith(media_type.rsplit("/", 2)[-2] + "/")


def test_the_licence_is_chosen_per_strategy(public_demo):
    Strategy.objects.filter(pk=public_demo.pk).update(licence=Licence.ETALAB_2_0)
    graph = parsed(public_demo, "api:dcat_jsonld", "json-ld")
    licences = set(graph.objects(None, DCTERMS.license))
    assert licences == {URIRef("https://spdx.org/licenses/etalab-2.0.html")}
    _response, content = download(reverse("api:zip", args=[public_demo.pk]))
    text = zipfile.ZipFile(io.BytesIO(content)).read("LICENCE.txt").decode()
    assert "Licence Ouverte" in text


def test_the_public_cockpit_links_to_the_downloads(public_demo):
    html = Client().get(reverse("public:strategy", args=[public_demo.pk])).content.decode()
    for url in (
        reverse("api:zip", args=[public_demo.pk]),
        reverse("api:table", args=[public_demo.pk, "projects"]),
        reverse("api:dcat_jsonld", args=[public_demo.pk]),
        reverse("api:dcat_rdf", args=[public_demo.pk]),
    ):
        assert f'href="{url}"' in html
    assert "Creative Commons Attribution 4.0" in html


def test_the_members_cockpit_has_no_open_data_section(member_client, demo):
    make_public(demo)
    html = member_client.get(reverse("cockpit:strategy", args=[demo.pk])).content.decode()
    assert 'id="donnees-ouvertes"' not in html
