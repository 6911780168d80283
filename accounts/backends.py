from axes.backends import AxesStandaloneBackend
from django.contrib.auth import backends as auth_backends
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from accounts import identity

UserModel = get_user_model()


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


class ModelBackend(auth_backends.ModelBackend):
    """Django's ModelBackend, with the user's Profile read in the same query: every
    signed-in request needs both (accounts.middleware), and two lookups cost twice
    the ORM's work of one (issue 11: about 1.2 ms a request here).

    Sessions signed in before it name Django's ModelBackend; accounts.sessions reads
    them as naming this one, so nobody is signed out by the change. The two are kept
    in Redis from one request to the next (accounts/identity.py)."""

    def get_user(self, user_id):
        def fetch():
            try:
                return UserModel._default_manager.select_related("profile").get(pk=user_id)
            except UserModel.DoesNotExist:
                return None

        user = identity.signed_in(user_id, fetch)  # kept in Redis between requests
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        try:
            user = await UserModel._default_manager.select_related("profile").aget(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
