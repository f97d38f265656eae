"""The project package and the commission's pages: the cockpit, its drill-downs, overviews,
workshop pages, downloads and the public cockpit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "cockpit"
    verbose_name = _("Pilotage")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from cockpit.login_limits import on_login_failed
        from cockpit.session_ages import on_logged_in

        # Failed logins also count per account, across addresses (issue 17).
        user_login_failed.connect(on_login_failed, dispatch_uid="cockpit_account_failures")
        # A session's maximum age counts from the login.
        user_logged_in.connect(on_logged_in, dispatch_uid="cockpit_session_login_at")
