"""The product's URLs plus views that fail on purpose, for the tests of error pages, logs and
error reports (``@pytest.mark.urls("tests.cockpit.error_urls")``). The failing view under
``mise-a-jour/<token>/`` stands for an update round's link, whose token is a secret."""

from django.urls import path

from cockpit.urls import urlpatterns as product_urlpatterns


class Boom(Exception):
    pass


def boom(request, **kwargs):
    email = request.GET.get("email", "")  # noqa: F841 - a local variable the report must hide
    raise Boom("a failure on purpose")


urlpatterns = [
    path("boom/", boom),
    path("mise-a-jour/<str:token>/boom/", boom),
    *product_urlpatterns,
]
