"""The URLs of the product: the admin (after the redirects of its old URLs,
``cockpit/admin_redirects.py``), accounts (``accounts.urls``: the account page and two-factor
login, beside Django's login and password pages), the commission's cockpit (members' and public
instances of the same URL names), the prioritisation pages (``prioritisation.urls``) and the
owners' page of an update round (``rounds.urls``) and the help guides (``guides.urls``)."""

from django.contrib import admin
from django.urls import include, path

from cockpit import admin_redirects, health, views
from cockpit.password_reset import password_reset
from cockpit.views.invitations import accept_membership

cockpit_patterns = [
    path("", views.home, name="home"),
    path("strategies/<int:pk>/", views.strategy_cockpit, name="strategy"),
    path("strategies/<int:pk>/export.xlsx", views.strategy_pack, name="pack"),
    path("strategies/<int:pk>/briefing.pdf", views.strategy_briefing, name="briefing"),
    path("strategies/<int:pk>/axes/<int:axis_pk>/", views.axis_detail, name="axis"),
    path("strategies/<int:pk>/axes/<int:axis_pk>/tableau/", views.axis_table, name="axis_table"),
    path("strategies/<int:pk>/mesures/<int:measure_pk>/", views.measure_detail, name="measure"),
    path("strategies/<int:pk>/projets/<int:project_pk>/", views.project_detail, name="project"),
    path(
        "strategies/<int:pk>/indicateurs/<int:indicator_pk>/",
        views.indicator_detail,
        name="indicator",
    ),
    path("strategies/<int:pk>/calendrier/", views.timeline, name="timeline"),
    path("strategies/<int:pk>/modele-efficacite/", views.effectiveness_model, name="effectiveness"),
    path("strategies/<int:pk>/communes/", views.communes_matrix, name="communes"),
    path("strategies/<int:pk>/ateliers/", views.workshops, name="workshops"),
    path(
        "strategies/<int:pk>/ateliers/<int:workshop_pk>/",
        views.workshop_detail,
        name="workshop",
    ),
    path(
        "strategies/<int:pk>/ateliers/<int:workshop_pk>/export.xlsx",
        views.workshop_pack,
        name="workshop_pack",
    ),
    path(
        "strategies/<int:pk>/ateliers/<int:workshop_pk>/briefing.pdf",
        views.workshop_briefing,
        name="workshop_briefing",
    ),
]

# The public cockpit of a published strategy: the same URL names in the "public" instance of the
# "cockpit" application, so the shared templates link to public pages (cockpit/views/public.py).
public_patterns = [
    path("", views.public_home, name="home"),
    path("strategies/<int:pk>/", views.public_cockpit, name="strategy"),
    path("strategies/<int:pk>/briefing.pdf", views.public_briefing, name="briefing"),
    path("strategies/<int:pk>/axes/<int:axis_pk>/", views.public_axis, name="axis"),
    path(
        "strategies/<int:pk>/axes/<int:axis_pk>/tableau/",
        views.public_axis_table,
        name="axis_table",
    ),
    path("strategies/<int:pk>/mesures/<int:measure_pk>/", views.public_measure, name="measure"),
    path(
        "strategies/<int:pk>/indicateurs/<int:indicator_pk>/",
        views.public_indicator,
        name="indicator",
    ),
]

urlpatterns = [
    # The load balancer's and the monitoring's (no login; cockpit/health.py).
    path("sante/", health.health, name="health"),
    path("healthz", health.health, name="healthz"),
    # Before the admin's own: its URLs of the models that moved to another app.
    *admin_redirects.urlpatterns,
    path("admin/", admin.site.urls),
    # Before Django's own: the reset page that mails in the background (issue 17).
    path("comptes/password_reset/", password_reset, name="password_reset"),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("django.contrib.auth.urls")),
    path("comptes/invitation/<str:token>/", accept_membership, name="membership_accept"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("guides.urls")),
    path("public/", include((public_patterns, "cockpit"), namespace="public")),
    path("", include("prioritisation.urls")),
    path("", include("rounds.urls")),
    path("", include("jobs.urls")),
    # The read-only API and a public strategy's open data (api/, a layer above this one: named
    # by a string, never imported).
    path("", include("api.urls")),
    path("", include((cockpit_patterns, "cockpit"))),
]

# A lost database connection answers 503 "réessayez", any other server error 500
# (cockpit/views/errors.py).
handler500 = "cockpit.views.errors.server_error"
