"""django-axes in front of the password check, for the logins that come from a web request.

Every login form (the cockpit's, the admin's, the password pages) passes the request, and axes
refuses a locked-out user name there. ``authenticate()`` called without a request (a management
command, a script, the test client's ``login()``) is not an attempt from the web: axes cannot
count it by address, and this backend lets the next one (``ModelBackend``) decide instead of
raising ``AxesBackendRequestParameterRequired``.

It also refuses an account locked across addresses (``cockpit.login_limits``), through axes'
own exception, so that axes' middleware answers with the lockout page.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied

from cockpit.login_limits import account_lock_remaining, mark_account_locked


class WebLoginAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if account_lock_remaining(username):
            mark_account_locked(request, {"username": username})
            raise AxesBackendPermissionDenied("This account is locked across addresses")
        return super().authenticate(request, username=username, password=password, **kwargs)
