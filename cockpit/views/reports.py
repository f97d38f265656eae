"""Timeline, modèle d'efficacité and communes matrix."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@login_required
def effectiveness_model(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@login_required
def communes_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
