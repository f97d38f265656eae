"""The API (``/api/v1/``) and a public strategy's open data (``/donnees-ouvertes/…``)."""

from django.urls import path

from . import opendata
from .views import api

app_name = "api"

urlpatterns = [
    path("api/v1/", api.urls),
    path("public/strategies/<int:pk>/donnees/<slug:table>.csv", opendata.table, name="table"),
    path("public/strategies/<int:pk>/donnees/donnees.zip", opendata.archive, name="zip"),
    path(
        "public/strategies/<int:pk>/donnees/dcat.jsonld", opendata.dcat_jsonld, name="dcat_jsonld"
    ),
    path("public/strategies/<int:pk>/donnees/dcat.rdf", opendata.dcat_rdf, name="dcat_rdf"),
]
