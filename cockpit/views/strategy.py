"""Home, strategy cockpit, axis and measure pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def home(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
def strategy_cockpit(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@login_required
def axis_detail(request: HttpRequest, pk: int, axis_pk: int) -> HttpResponse:
    raise NotImplementedError


@login_required
def measure_detail(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    raise NotImplementedError
