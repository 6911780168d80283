"""What every user-owned model shares: an owner, and lookups scoped to it; and how
the apps count related rows in a query of their own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce
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


def count_of(rows: models.QuerySet, by: str, distinct: bool = False) -> Coalesce:
    """How many of `rows` there are, as one correlated subquery of the query it
    annotates (`rows` are already tied to the outer row by an OuterRef); 0 when none.

    The rows are grouped by `by`, a column they all share (the outer row they are tied
    to, or their one user), so that the subquery is one COUNT read through that
    column's index: never one query a row, nor a join that reads every row of the
    table to group them. `distinct` counts a row once where a join repeats it."""
    counted = rows.order_by().values(by).annotate(n=Count("pk", distinct=distinct)).values("n")
    return Coalesce(Subquery(counted), 0, output_field=IntegerField())
