"""Background tasks of the accounts: the password-reset mail.

The reset page enqueues ``send_password_reset`` for every address submitted, known or not, and
answers at once; the task does what Django's ``PasswordResetForm.save()`` does in the request
(look the active accounts up, make each a token, render and send the mail), so that the page takes
the same time whether the address belongs to an account or not (docs/BENCHMARKS.md).
"""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django_tasks import task


@task()
def send_password_reset(email: str, domain: str, use_https: bool, language: str) -> None:
    """Mail a reset link to every active account with this address (none: nothing is sent).

    ``domain`` and ``use_https`` come from the request, as Django's view would pass them, so the
    link points at the site the person used."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(domain_override=domain, use_https=use_https)
