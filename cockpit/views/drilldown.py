"""Project and indicator pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def project_detail(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    raise NotImplementedError


@login_required
def indicator_detail(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    raise NotImplementedError
