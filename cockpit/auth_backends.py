"""django-axes in front of the password check, for the logins that come from a web request.

Every login form (the cockpit's, the admin's, the password pages) passes the request, and axes
refuses a locked-out user name there. ``authenticate()`` called without a request (a management
command, a script, the test client's ``login()``) is not an attempt from the web: axes cannot
count it by address, and this backend lets the next one (``ModelBackend``) decide instead of
raising ``AxesBackendRequestParameterRequired``.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class WebLoginAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
