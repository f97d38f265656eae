"""The password-reset page, answering the same way and in the same time for every address.

Django's ``PasswordResetView`` sends the mail inside the request when the address is known, which
made the page about three times slower for a known address (issue 17): an attacker could tell
which addresses have an account. Here the form only enqueues ``cockpit.tasks.send_password_reset``
with the address and the site's domain and protocol; the task looks the accounts up and mails.
"""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.utils import translation

from cockpit.tasks import send_password_reset


class QueuedPasswordResetForm(PasswordResetForm):
    def save(self, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        """Enqueue the mail for any address; no user lookup here (the task does it)."""
        domain = domain_override or (request.get_host() if request else "")
        send_password_reset.enqueue(
            self.cleaned_data["email"],
            domain,
            bool(use_https),
            translation.get_language() or "fr",
        )


password_reset = PasswordResetView.as_view(form_class=QueuedPasswordResetForm)
