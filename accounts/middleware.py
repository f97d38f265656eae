"""Nothing but the code step (or enrolment) until a login has given what it owes.

After ``django_otp.middleware.OTPMiddleware``. A logged-in user who owes a code
(``twofactor.State.VERIFY``) reaches only the code step; one who must enrol (``ENROL``, when
``TWO_FACTOR_REQUIRED`` is on) only the enrolment pages. Both may log out, switch language and load
static files. Every other URL, the admin's included, redirects there (``?next=`` keeps a page
asked for with GET).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from accounts.twofactor import State, owed


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        if not request.user.is_authenticated:
            return None
        state = owed(request)
        if state is State.NONE:
            return None
        path = request.path_info
        allowed = [
            reverse("logout"),
            reverse("set_language"),
            "/" + settings.STATIC_URL.lstrip("/"),
        ]
        if state is State.VERIFY:
            target = reverse("accounts:verify")
            allowed.append(target)
        else:
            target = reverse("accounts:enrol")
            allowed.append(target)
        if any(path.startswith(prefix) for prefix in allowed):
            return None
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":  # (HtmxMiddleware comes later)
            # htmx would swap the redirected page into a fragment: the whole page goes there.
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
