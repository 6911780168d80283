"""Personal access tokens: made, named and revoked in Settings, stored hashed.

A token is shown once, when it is made. The database keeps its SHA-256 digest (to
find it by) and a short prefix (to tell tokens apart in the list), never the token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone

from netcrm.lib.models import OwnedModel, OwnedQuerySet

TOKEN_START = "ncrm_"
PREFIX_LENGTH = len(TOKEN_START) + 6
# last_used_at is written at most this often per token (not one UPDATE per request).
LAST_USED_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(OwnedQuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def authenticate(self, token: str) -> ApiToken | None:
        """The active token this is, with its user, or None (one query)."""
        if not token.startswith(TOKEN_START) or len(token) > 200:
            return None
        return (
            self.active().select_related("user")
            .filter(digest=digest(token), user__is_active=True).first()
        )


class ApiToken(OwnedModel):
    name = models.CharField(max_length=100, help_text="What uses it: “my phone”, “a script”.")
    prefix = models.CharField(max_length=PREFIX_LENGTH)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """A new token for `user`: the row, and the token itself (shown once, never kept)."""
        token = TOKEN_START + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, prefix=token[:PREFIX_LENGTH], digest=digest(token)
        )
        return row, token

    def revoke(self) -> bool:
        """Revoked at once; True if it was active."""
        self.revoked_at = timezone.now()
        return bool(
            ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True)
            .update(revoked_at=self.revoked_at)
        )

    def used(self, now=None) -> None:
        """Note the use, at most once a LAST_USED_EVERY."""
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_EVERY:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
