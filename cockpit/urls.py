from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # The commission's cockpit pages arrive with their issue; until then the home is the admin.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
