"""The account's pages, under /comptes/ beside Django's login and password pages."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("compte/", views.account, name="account"),
    path("compte/double-authentification/", views.enrol, name="enrol"),
    path("compte/codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path(
        "compte/codes-de-secours/nouveaux/",
        views.regenerate_recovery_codes,
        name="regenerate_recovery_codes",
    ),
    path("verification/", views.verify, name="verify"),
]
