"""Who calls the API (a personal token, as `Authorization: Bearer <token>`), and how
often they may (API_RATE per token)."""

from __future__ import annotations

import logging
import zoneinfo

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts.models import Profile
from api.models import ApiToken

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """A personal token only: no session cookie, so no request forged from another site
    can call the API with the user's cookie (and none needs a CSRF token)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.objects.authenticate(token)
        if found is None:
            return None
        found.used()
        request.user = found.user
        request.profile = Profile.for_user(found.user)
        try:  # dates typed without an offset are the user's local time, as in the forms
            timezone.activate(zoneinfo.ZoneInfo(request.profile.timezone))
        except zoneinfo.ZoneInfoNotFoundError:
            pass
        return found


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE requests per token, counted in the "api" cache (Redis), shared by every
    web process. Should Redis be unreachable, requests go through (and it is logged):
    a broker outage never turns the API into errors."""

    scope = "token"

    def __init__(self) -> None:
        super().__init__(rate=settings.API_RATE)

    @property
    def cache(self):  # looked up per request: tests point "api" at their own Redis
        return caches["api"]

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        return f"throttle_token_{token.pk}" if isinstance(token, ApiToken) else None

    def allow_request(self, request: HttpRequest) -> bool:
        try:
            return super().allow_request(request)
        except Exception:  # noqa: BLE001 (any cache failure: let the request through)
            log.warning("API throttle: the cache is unreachable; request let through")
            return True
