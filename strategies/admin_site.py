"""The admin site of the cockpit: Django's, but only superusers and the editors of a territory get
in (a commission member, even with the staff flag, does not).

``CockpitAdminConfig`` replaces ``django.contrib.admin`` in ``INSTALLED_APPS``. This module is
imported while the apps load, so it imports no model at the top.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class CockpitAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        from strategies.admin_access import may_use_admin

        return super().has_permission(request) and may_use_admin(request.user)


class CockpitAdminConfig(AdminConfig):
    default_site = "strategies.admin_site.CockpitAdminSite"
