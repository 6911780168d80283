"""Who calls the API (a personal token, as `Authorization: Bearer <token>`), and how
often they may (API_RATE per token)."""

from __future__ import annotations

import logging
import threading
import time
from typing import ClassVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

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
        # Dates typed without an offset are the user's local time, as in the forms.
        timezone.activate(request.profile.tzinfo)
        return found


class TokenRateThrottle(BaseThrottle):
    """API_RATE requests per token in each window of the rate's period, counted in the
    "api" cache (Redis: an atomic INCR, shared by every web process and thread).
    Should Redis be unreachable, requests go through (and it is logged): a Redis outage
    never turns the API into errors."""

    PERIODS: ClassVar[dict[str, int]] = {
        "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400,
    }
    _waits = threading.local()  # one instance serves every thread

    @classmethod
    def rate(cls) -> tuple[int, int]:
        """API_RATE as (requests, seconds): "120/min", "10/s", "5000/day"."""
        count, _, period = settings.API_RATE.partition("/")
        return int(count), cls.PERIODS[period.strip()]

    def allow_request(self, request: HttpRequest) -> bool:
        self._waits.seconds = None
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        allowed, seconds = self.rate()
        now = time.time()
        window = int(now // seconds)
        key = f"throttle:{token.pk}:{seconds}:{window}"
        try:
            cache = caches["api"]
            cache.add(key, 0, timeout=seconds + 1)
            used = cache.incr(key)
        except Exception:  # noqa: BLE001 (any cache failure: let the request through)
            log.warning("API throttle: the cache is unreachable; request let through")
            return True
        if used <= allowed:
            return True
        self._waits.seconds = (window + 1) * seconds - now
        return False

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)
