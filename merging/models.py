"""Two contacts the user said are not one person: the duplicates page asks no more."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from contacts.models import Contact
from netcrm.lib.models import OwnedModel, OwnedQuerySet


class DismissedPairQuerySet(OwnedQuerySet):
    def pair_ids(self, user) -> set[tuple[int, int]]:
        """The user's dismissed pairs as (lower id, higher id): one query."""
        return set(self.for_user(user).values_list("first_id", "second_id"))


class DismissedPair(OwnedModel):
    """"Not the same person": `first` has the lower id, so a pair is stored once."""

    first = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="dismissed_first")
    second = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="dismissed_second")
    dismissed_at = models.DateTimeField(default=timezone.now)

    objects = DismissedPairQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="dismissed_pair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="dismissed_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first} ≠ {self.second}"

    @classmethod
    def dismiss(cls, user, a: Contact, b: Contact) -> DismissedPair:
        first, second = sorted((a, b), key=lambda c: c.pk)
        return cls.objects.get_or_create(user=user, first=first, second=second)[0]
