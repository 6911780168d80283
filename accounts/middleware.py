from django.contrib.auth.middleware import get_user
from django.utils import timezone

from accounts.models import Profile


class UserTimezoneMiddleware:
    """Load the signed-in user's Profile once, as `request.profile`, and show every
    date in their own timezone.

    `request.user` becomes the user itself (the one AuthenticationMiddleware's lazy
    object would have loaded, and keeps): every page reads it, and each attribute read
    through the lazy object costs a raised and caught AttributeError (issue 11)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        request.profile = None
        request.user = get_user(request)
        if request.user.is_authenticated:
            request.profile = Profile.of_signed_in(request.user)
            timezone.activate(request.profile.tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # nothing leaks into the next request on this thread
