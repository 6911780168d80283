"""What every user-owned model shares: an owner, and lookups scoped to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.shortcuts import get_object_or_404


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user) -> OwnedQuerySet:
        return self.filter(user=user)

    def get_for_user_or_404(self, user, **lookup):
        """Another user's id is a 404, exactly like a missing one."""
        return get_object_or_404(self.for_user(user), **lookup)


class OwnedModel(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True
