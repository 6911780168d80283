"""The calendar feed's secret address: only its hash is kept."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from netcrm.lib.models import OwnedModel


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedQuerySet(models.QuerySet):
    def by_token(self, token: str) -> CalendarFeed | None:
        """The feed whose secret is `token`, with its owner and their Profile; None for
        a wrong, revoked or malformed one, or an account closed (the caller answers 404
        either way)."""
        if not (0 < len(token) <= 100):
            return None
        return self.select_related("user__profile").filter(
            token_hash=hash_token(token), user__is_active=True
        ).first()


class CalendarFeed(models.Model):
    """One secret feed address a user's calendar app subscribes to. The token is shown
    once, when it is made; the database keeps its SHA-256, so a copy of the database
    opens no one's calendar. Making a new one replaces the old (which stops working)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CalendarFeedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @classmethod
    def issue(cls, user) -> str:
        """A new secret for `user`'s feed (any old one stops working); returns the token."""
        token = secrets.token_urlsafe(32)
        cls.objects.update_or_create(
            user=user, defaults={"token_hash": hash_token(token), "created_at": timezone.now()}
        )
        return token

    @classmethod
    def revoke(cls, user) -> bool:
        return cls.objects.filter(user=user).delete()[0] > 0


def feed_path(token: str) -> str:
    return reverse("portability:calendar-feed", args=[token])


class RestoreStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Restoring"
    DONE = "done", "Restored"
    FAILED = "failed", "Not restored"

    @classmethod
    def under_way(cls) -> tuple[str, ...]:
        return (cls.QUEUED, cls.RUNNING)


class Restore(OwnedModel):
    """An uploaded backup on its way into the account: the worker restores it
    (portability/restores.py), the page of it says how far it is and then what came
    back or why nothing did. The file is kept compressed until then, and dropped."""

    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()  # bytes uploaded
    payload = models.BinaryField(editable=False)  # the file, gzip-compressed; b"" once finished
    status = models.CharField(max_length=20, choices=RestoreStatus, default=RestoreStatus.QUEUED)
    summary = models.TextField(blank=True)  # "Restored 12 contacts, 3 meetings…"
    error = models.TextField(blank=True)  # why nothing was restored, in a person's words
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Times a worker claimed it: one that dies every time (a file too big for its
    # memory) is given up on, not tried for ever (restores.MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True)  # "host:pid" of its worker

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["status", "queued_at"], name="restore_status_queued_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("portability:restore-detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in RestoreStatus.under_way()


class Departure(models.Model):
    """An account its owner deleted: signed out everywhere and unable to sign in from
    that moment, and deleted with everything in it by the worker
    (portability/departures.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="departure"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when a worker took it on

    def __str__(self) -> str:
        return f"Departure of {self.user_id}"
