"""The prioritisation pages: proposals (also posted from a workshop or an axis page), the scoring
grid and its cells, and the ranking."""

from django.urls import path

from . import views

app_name = "prioritisation"

urlpatterns = [
    path("strategies/<int:pk>/propositions/", views.proposals, name="proposals"),
    path(
        "strategies/<int:pk>/ateliers/<int:workshop_pk>/propositions/",
        views.workshop_proposal,
        name="workshop_proposal",
    ),
    path(
        "strategies/<int:pk>/axes/<int:axis_pk>/propositions/",
        views.axis_proposal,
        name="axis_proposal",
    ),
    path("strategies/<int:pk>/priorisation/", views.ranking, name="ranking"),
    path("strategies/<int:pk>/priorisation/notes/", views.scoring, name="scoring"),
    path(
        "strategies/<int:pk>/priorisation/notes/<str:kind>/<int:target_pk>/<int:criterion_pk>/",
        views.score_cell,
        name="score_cell",
    ),
]
