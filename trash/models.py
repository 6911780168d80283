"""The Trash: what a user deleted, kept whole for TRASH_KEEP_DAYS so one tap brings it
back exactly, with everything that went with it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from netcrm.lib.models import OwnedModel, OwnedQuerySet

LABEL_LENGTH = 200


class TrashQuerySet(OwnedQuerySet):
    def expired(self, now=None) -> TrashQuerySet:
        return self.filter(deleted_at__lt=(now or timezone.now()) - keep_for())


def keep_for() -> timedelta:
    return timedelta(days=settings.TRASH_KEEP_DAYS)


class TrashEntry(OwnedModel):
    """One deletion: the thing deleted (`subject`, `subject_id`, `label`) and every row
    that went with it, serialized (`rows`, in the order they go back in), plus the
    links the deletion cleared in rows that stayed (`unlinked`).

    A deletion that also changed rows that stay (a merge: the removed contact's
    meetings and notes moved to the kept one, whose fields changed) keeps those rows
    as they were before (`changed`, the first one the row everything else hangs on),
    and the rows it made (`made`, as {"model", "pk"}): restoring puts the changed ones
    back and removes the made ones. The changed rows as the deletion left them
    (`changed_after`) tell what has been edited since: those fields keep their edit."""

    subject = models.CharField(max_length=100)  # "contacts.contact"
    subject_id = models.BigIntegerField()
    kind = models.CharField(max_length=50)  # "contact"
    label = models.CharField(max_length=LABEL_LENGTH)  # "Alan Park"
    summary = models.TextField(blank=True)  # what went with it, in words
    rows = models.JSONField(default=list)
    unlinked = models.JSONField(default=list)
    changed = models.JSONField(default=list, blank=True)
    made = models.JSONField(default=list, blank=True)
    changed_after = models.JSONField(default=list, blank=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    objects = TrashQuerySet.as_manager()

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        verbose_name_plural = "trash entries"
        indexes = [models.Index(fields=["user", "-deleted_at"], name="trash_user_deleted_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"

    @property
    def purge_on(self):
        return self.deleted_at + keep_for()

    def get_restore_url(self) -> str:
        return reverse("trash:restore", args=[self.pk])
