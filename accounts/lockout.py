"""Log-in throttling with django-axes: the hooks settings.py points it at.

AXES_FAILURE_LIMIT failed log-ins for one username, or from one address, within
AXES_COOLOFF_TIME lock it until the cool-off has passed since the failures that
locked it; tries while locked are refused without being counted, so the time the
page gives holds.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import ngettext

from netcrm.lib.text import clean_text


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: with TRUSTED_PROXY_COUNT proxies in front of Django, the
    X-Forwarded-For entry the farthest trusted proxy saw (entries left of it are
    whatever the client claimed); else REMOTE_ADDR."""
    address = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


def lockout_ends_at(
    username: str | None, ip_address: str | None, limit: int, cool_off: timedelta
) -> datetime | None:
    """When the lock on this username or address lifts: for each, the newest failures
    that still make up the limit expire one cool-off after the oldest of them."""
    since = timezone.now() - cool_off
    ends = []
    for attempts in (
        AccessAttempt.objects.filter(username=username),
        AccessAttempt.objects.filter(ip_address=ip_address),
    ):
        total = 0
        rows = attempts.filter(attempt_time__gte=since).order_by("-attempt_time")
        for attempt_time, failures in rows.values_list("attempt_time", "failures_since_start"):
            total += failures
            if total >= limit:
                ends.append(attempt_time + cool_off)
                break
    return max(ends, default=None)


def lockout_message(until: datetime | None) -> str:
    message = "Too many failed attempts to log in to this account or from your network."
    if until is None:
        return f"{message} Please try again later."
    local = timezone.localtime(until)
    return f"{message} Try again after {local:%H:%M} {local:%Z}, in {wait_until(until)}."


def wait_until(until: datetime) -> str:
    """"15 minutes" for 14 minutes 59 seconds: a wait rounded up, never promised short."""
    minutes = math.ceil((until - timezone.now()).total_seconds() / 60)
    if minutes > 60:
        return timeuntil(until)
    return ngettext("%(n)d\xa0minute", "%(n)d\xa0minutes", minutes) % {"n": max(minutes, 1)}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the log-in page that was posted to (ours or the admin's),
    its form keeping the username, with the lockout as its one error."""
    username = get_client_username(request, credentials)
    until = lockout_ends_at(
        username, request.axes_ip_address, get_failure_limit(request, credentials),
        get_cool_off(request),
    )
    context = getattr(original_response, "context_data", None) or {}
    if isinstance(original_response, TemplateResponse) and "form" in context:
        template, form = original_response.template_name, context["form"]
    else:
        template = "registration/login.html"
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form}
    form.cleaned_data = getattr(form, "cleaned_data", {})
    form._errors = ErrorDict(renderer=form.renderer)
    form.add_error(None, lockout_message(until))
    return render(request, template, context, status=settings.AXES_HTTP_RESPONSE_CODE)


def forgive_own_mistakes(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """On a successful log-in, clear the failures this user made from this address.

    Narrower than axes' AXES_RESET_ON_SUCCESS, which clears every failure matching the
    username *or* the address: then logging in to one's own account would wipe the
    count of guesses made from the same address at someone else's."""
    ip_address = client_ip(request) if request is not None else None
    if settings.AXES_ENABLED and ip_address:
        AccessAttempt.objects.filter(
            username=counted_as(user.get_username()), ip_address=ip_address
        ).delete()


USERNAME_LENGTH = 150  # the longest username there can be (User.username)


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username a log-in tried, as axes keeps it: no control characters, no longer
    than a username can be (a 100,000-character guess overflows no column)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    value = source.get("username")
    return None if value is None else counted_as(str(value))


def counted_as(username: str) -> str:
    """A username as its failures are counted: in lower case, as log-in does not mind
    the case (accounts.backends.ModelBackend), so that "Alice", "alice" and "ALICE" are
    one account's guesses, not five of each."""
    return clean_text(username, USERNAME_LENGTH).lower()
