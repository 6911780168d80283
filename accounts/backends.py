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

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Django's, with the username as its owner wrote it whatever the case it is
        typed in: "jordan" logs in as Jordan (a phone capitalizes the first letter it is
        given). Sign-up refuses a name that differs from another by case alone; of two
        made before that rule, the one typed exactly is meant."""
        if username is not None:
            username = canonical_username(username)
        return super().authenticate(request, username, password, **kwargs)

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


def canonical_username(typed) -> str:
    """The username of the account `typed` names, whatever its case (one query); as
    typed when there is none, or several and none written exactly so."""
    typed = str(typed)
    if len(typed) > UserModel._meta.get_field(UserModel.USERNAME_FIELD).max_length:
        return typed  # nobody's (and SQLite refuses a LIKE of 50,000 characters)
    found = list(
        UserModel._default_manager.filter(**{f"{UserModel.USERNAME_FIELD}__iexact": typed})
        .values_list(UserModel.USERNAME_FIELD, flat=True)[:10]
    )
    return found[0] if len(found) == 1 and typed not in found else typed
