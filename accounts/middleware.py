from django.utils import timezone

from accounts.models import Profile


class UserTimezoneMiddleware:
    """Load the signed-in user's Profile once, as `request.profile`, and show every
    date in their own timezone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        request.profile = None
        if request.user.is_authenticated:
            request.profile = Profile.of_signed_in(request.user)
            timezone.activate(request.profile.tzinfo)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # nothing leaks into the next request on this thread
