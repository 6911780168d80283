import zoneinfo

from django.utils import timezone


class UserTimezoneMiddleware:
    """Show every date in the signed-in user's own timezone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        if request.user.is_authenticated:
            from accounts.models import Profile

            try:
                timezone.activate(zoneinfo.ZoneInfo(Profile.for_user(request.user).timezone))
            except zoneinfo.ZoneInfoNotFoundError:
                pass
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # nothing leaks into the next request on this thread
