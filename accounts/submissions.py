"""A double tap makes one thing: every create form carries a submission key (the
`{% submission_key %}` tag), and its view is wrapped in `create_once`.

The first POST with a key claims it (a row with a unique (user, key)) in the same
transaction as what it creates, and stores its response. Any other POST with that
key, at the same moment or later, creates nothing and gets the stored response.
A POST whose form had mistakes (4xx) releases its claim, so fixing and sending
again works. A POST without a key (an older page, a script) is served as before.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import Submission

FIELD = "submission_key"
# The headers a replayed answer keeps: where to go, and what htmx should do.
KEPT_HEADERS = ("Content-Type", "HX-Trigger", "HX-Redirect", "HX-Location", "HX-Retarget",
                "HX-Reswap", "Vary")


def key_of(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def replay(submission: Submission) -> HttpResponse:
    response = HttpResponse(submission.body, status=submission.status or 200)
    for name, value in submission.headers.items():
        response[name] = value
    if submission.location:
        response["Location"] = submission.location
    return response


def create_once(view):
    """Wrap a create view: one submission key, one creation, one answer."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = key_of(request) if request.method == "POST" else None
        return run_once(request.user, key, lambda: view(request, *args, **kwargs))

    return wrapper


def run_once(user, key: uuid.UUID | None, create) -> HttpResponse:
    """Call `create()` (which answers a response) once per (user, key): a form's
    submission key, or an API's Idempotency-Key header. Without a key it just runs."""
    if key is None:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = Submission.objects.create(user=user, key=key)
        except IntegrityError:  # sent before: answer as the first time
            first = Submission.objects.filter(user=user, key=key).first()
            return replay(first) if first else create()
        response = create()
        if response.status_code >= 400:
            transaction.set_rollback(True)  # mistakes to fix: the key is free again
            return response
        claim.status = response.status_code
        claim.location = response.get("Location", "")
        claim.headers = {h: response[h] for h in KEPT_HEADERS if h in response}
        if not getattr(response, "streaming", False):
            claim.body = response.content.decode(response.charset or "utf-8", "replace")
        claim.save(update_fields=["status", "location", "headers", "body"])
    return response


def purge_old(now=None) -> int:
    """Forget the submission keys older than SUBMISSION_KEEP_DAYS; returns how many."""
    since = (now or timezone.now()) - timedelta(days=settings.SUBMISSION_KEEP_DAYS)
    return Submission.objects.filter(created_at__lt=since).delete()[0]
