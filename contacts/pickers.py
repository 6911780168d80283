"""Picking a person: what every "who?" field shares (log a meeting, a request for
help, a custom follow-up): the contact a form is about, and the few people a picker
offers before anything is typed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.http import HttpRequest

from contacts.models import Contact
from netcrm.lib.http import id_from

RECENT_LIMIT = 8


def picked_contact(request: HttpRequest) -> Contact | None:
    """The contact a form is about: `contact` from the form (POST) or the query (GET).

    Another user's contact, a missing one or a value that is no id is a 404."""
    value = (request.POST if request.method == "POST" else request.GET).get("contact", "")
    if not value.strip():
        return None
    return Contact.objects.select_related("organization").get_for_user_or_404(
        request.user, pk=id_from(value) or 0
    )


def recent_contacts(user, exclude: Iterable[Contact] = ()) -> list[Contact]:
    """The few people a picker offers before anything is typed: the latest in touch."""
    return list(
        Contact.objects.for_user(user)
        .exclude(pk__in=[c.pk for c in exclude if c is not None])
        .select_related("organization")
        .order_by(F("last_interaction_at").desc(nulls_last=True), "-created_at", "-pk")[
            :RECENT_LIMIT
        ]
    )


def search_contacts(user, query: str, exclude_ids: Iterable[int] = ()) -> list[Contact]:
    """The type-ahead: the user's contacts matching what was typed (nothing typed,
    nobody), less those picked already."""
    query = query.strip()
    if not query:
        return []
    return list(
        Contact.objects.for_user(user)
        .search(query)
        .exclude(pk__in=list(exclude_ids))
        .select_related("organization")
        .best_matches_first(query)[:RECENT_LIMIT]
    )
