"""Leaving: the account is closed in the request and deleted by the worker.

Deleting the biggest network (160,000 rows, every one collected and deleted by
Django's cascade) took 42 s on a slow machine: too long for a page. The request
closes the account at once (`is_active` off: every session of it signed out, no
sign-in, no API token, no calendar feed, no digest) and records a `Departure`; the
worker deletes it all in one transaction. A worker claims a departure before it
deletes, so a message delivered twice deletes once; one killed halfway deleted
nothing (the transaction), and beat hands the departure to a worker again once the
claim is older than the task may run.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from netcrm.lib import generations
from netcrm.lib.tasks import enqueue_on_commit
from portability.models import Departure

TIME_LIMIT = 900
STALLED = timedelta(seconds=TIME_LIMIT + 60)


def request(user) -> None:
    """Close `user`'s account now and ask the worker to delete it (on commit)."""
    from portability.tasks import delete_account

    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        Departure.objects.get_or_create(user_id=user.pk)
        enqueue_on_commit(delete_account, user.pk)


def _claimable(now):
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALLED)


def run(user_id: int) -> bool:
    """Delete the account of a departure no worker is deleting; True when deleted."""
    now = timezone.now()
    if not Departure.objects.filter(_claimable(now), user_id=user_id).update(claimed_at=now):
        return False  # deleted already, or another worker's (the message delivered twice)
    with generations.acting_for(user_id), transaction.atomic():
        get_user_model().objects.get(pk=user_id).delete()  # everything owned cascades
    return True


def resume_stalled(now=None) -> int:
    """Departures requested over a minute ago that no worker has (the broker lost the
    message, or the worker died): asked for again. Returns how many."""
    now = now or timezone.now()
    ids = list(
        Departure.objects.filter(_claimable(now), requested_at__lt=now - timedelta(minutes=1))
        .order_by("requested_at").values_list("user_id", flat=True)
    )
    from portability.tasks import delete_account

    for user_id in ids:
        enqueue_on_commit(delete_account, user_id)
    return len(ids)
