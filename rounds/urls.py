"""The owner's page of an update round, reached by the personal link of their mail."""

from django.urls import path

from . import views

app_name = "rounds"

urlpatterns = [
    path("mise-a-jour/<str:token>/", views.owner_update, name="update"),
]
