from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("taches/<uuid:pk>/", views.job_detail, name="detail"),
    path("taches/<uuid:pk>/fichier/", views.job_download, name="download"),
]
