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
    path("compte/jetons-api/", views.create_api_token, name="create_api_token"),
    path(
        "compte/jetons-api/<int:token_pk>/revoquer/",
        views.revoke_api_token,
        name="revoke_api_token",
    ),
    path("verification/", views.verify, name="verify"),
]
