from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' gate, first in AUTHENTICATION_BACKENDS: a locked-out account or
    address is refused before any password is checked (ModelBackend does the checking).

    Every log-in through the site passes its request (the login page, the admin's).
    Authentication without one (the test client's `login()`, a shell) has no address
    to count and is no log-in through the site: it passes through, where axes raises.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
