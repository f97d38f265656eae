"""The DCAT-AP description of a public strategy's open data, for the open-data portals
(opendata.swiss, data.gouv.fr), written with rdflib as JSON-LD or RDF/XML.

One catalogue (the territory's, with this strategy's dataset), one dataset (the strategy: title,
description, publisher, issued, modified, landing page, language, keywords) and one distribution
per CSV table plus the zip, each with its licence (the strategy's, by its SPDX page), media type,
format, access and download URL. The dates come from the strategy's history
(``api/conditional.py``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from strategies.models import Licence, Strategy

from .conditional import last_modified

IANA = Namespace("http://www.iana.org/assignments/media-types/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
LANGUAGE = URIRef("http://publications.europa.eu/resource/authority/language/FRA")
CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "xsd": str(XSD),
}


def first_recorded(strategy: Strategy):
    """When the strategy was first recorded (its history's first date), or None."""
    return (
        Strategy.history.model.objects.filter(id=strategy.pk)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )


def describe(request: HttpRequest, strategy: Strategy) -> Graph:
    from .opendata import tables_of  # the tables this description lists

    def absolute(name: str, *args) -> URIRef:
        return URIRef(request.build_absolute_uri(reverse(name, args=args)))

    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    here = absolute("api:dcat_jsonld", strategy.pk)
    catalogue = URIRef(f"{here}#catalogue")
    dataset = URIRef(f"{here}#dataset")
    publisher = URIRef(f"{here}#publisher")
    licence = URIRef(Licence(strategy.licence).url)
    territory = strategy.territory
    modified = Literal(last_modified(strategy), datatype=XSD.dateTime)
    issued_at = first_recorded(strategy)
    issued = Literal(issued_at, datatype=XSD.dateTime) if issued_at else modified
    title = Literal(strategy.title, lang="fr")
    description = Literal(
        strategy.general_objective
        or strategy.finality
        or gettext("Stratégie de %(territory)s, %(start)s–%(horizon)s.")
        % {
            "territory": territory.name,
            "start": strategy.start_year,
            "horizon": strategy.horizon_year,
        },
        lang="fr",
    )

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(territory.name)))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((licence, DCTERMS.identifier, Literal(strategy.licence)))

    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add(
        (
            catalogue,
            DCTERMS.title,
            Literal(gettext("Données ouvertes de %(territory)s") % {"territory": territory.name}),
        )
    )
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            Literal(
                gettext("Les stratégies publiques de %(territory)s, leurs projets et indicateurs.")
                % {"territory": territory.name}
            ),
        )
    )
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, DCTERMS.license, licence))
    graph.add((catalogue, DCTERMS.language, LANGUAGE))
    graph.add((catalogue, DCTERMS.modified, modified))
    graph.add((catalogue, FOAF.homepage, absolute("public:home")))
    graph.add((catalogue, DCAT.dataset, dataset))

    landing = absolute("public:strategy", strategy.pk)
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, title))
    graph.add((dataset, DCTERMS.description, description))
    graph.add((dataset, DCTERMS.identifier, Literal(str(landing))))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.issued, issued))
    graph.add((dataset, DCTERMS.modified, modified))
    graph.add((dataset, DCTERMS.language, LANGUAGE))
    graph.add((dataset, DCAT.landingPage, landing))
    for keyword in filter(None, (territory.name, strategy.short_name)):
        graph.add((dataset, DCAT.keyword, Literal(keyword)))
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(strategy.start_date, datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(strategy.horizon_date, datatype=XSD.date)))
    graph.add((dataset, DCTERMS.temporal, period))

    files = [
        (
            absolute("api:table", strategy.pk, table.name),
            gettext("%(table)s (CSV)") % {"table": table.description(strategy)},
            "text/csv",
            "CSV",
        )
        for table in tables_of(strategy)
    ]
    files.append(
        (
            absolute("api:zip", strategy.pk),
            gettext("Toutes les tables et leur dictionnaire (zip de CSV)"),
            "application/zip",
            "ZIP",
        )
    )
    for url, name, media_type, file_type in files:
        distribution = URIRef(f"{url}#distribution")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(name, lang="fr")))
        graph.add(
            (
                distribution,
                DCTERMS.description,
                Literal(
                    gettext(
                        "%(name)s – %(strategy)s, UTF-8, virgule, point décimal, dates ISO 8601."
                    )
                    % {"name": name, "strategy": strategy.title},
                    lang="fr",
                ),
            )
        )
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.mediaType, IANA[media_type]))
        graph.add((distribution, DCTERMS.format, FILE_TYPE[file_type]))
        graph.add((distribution, DCTERMS.license, licence))
        graph.add((distribution, DCTERMS.issued, issued))
        graph.add((distribution, DCTERMS.modified, modified))
    return graph
