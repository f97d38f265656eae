"""The user's account: the account page, two-factor login (TOTP and recovery codes through
django-otp) and its enrolment, the code step after the password, and the superuser's reset of a
lost device."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.twofactor import remember_state_at_login

        user_logged_in.connect(remember_state_at_login, dispatch_uid="accounts_two_factor_state")
