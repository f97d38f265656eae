"""The project package and the commission's pages: the cockpit, its drill-downs, overviews,
workshop pages, downloads and the public cockpit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "cockpit"
    verbose_name = _("Pilotage")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_migrate

        from cockpit.login_limits import on_login_failed
        from cockpit.session_ages import on_logged_in

        # Failed logins also count per account, across addresses (issue 17).
        user_login_failed.connect(on_login_failed, dispatch_uid="cockpit_account_failures")
        # A session's maximum age counts from the login.
        user_logged_in.connect(on_logged_in, dispatch_uid="cockpit_session_login_at")
        # `migrate` alone makes an installation ready: the database cache's tables (the shared
        # cache, the uploads between preview and confirmation) are created after it, as
        # `createcachetable` would (it leaves existing tables alone).
        post_migrate.connect(create_cache_tables, dispatch_uid="cockpit_cache_tables")


def create_cache_tables(app_config, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """After the last app of a ``migrate`` (the signal comes once per app that has models; this
    app has none of its own)."""
    from django.apps import apps
    from django.core.management import call_command

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is with_models[-1]:
        call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
