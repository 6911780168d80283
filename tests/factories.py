"""Plain functions that make the rows view tests need; no factory library.

`make_*` save one row the way the app would; `bulk_*` save many at once for the
query-count tests, which grow a page from 1 row to 200.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from contacts.models import Contact, Organization
from followups.models import FollowUp, Status
from meetings.models import Meeting


def make_organization(user: User, name: str = "Acme", **fields) -> Organization:
    return Organization.objects.create(user=user, name=name, **fields)


def make_contact(
    user: User,
    name: str = "Sara Smith",
    *,
    organization: Organization | str | None = None,
    tags: Iterable[str] = (),
    **fields,
) -> Contact:
    if isinstance(organization, str):
        organization = Organization.objects.named(user, organization)
    contact = Contact.objects.create(user=user, name=name, organization=organization, **fields)
    if tags:
        contact.tags.add(*tags)
    return contact


def make_meeting(
    user: User,
    contacts: Sequence[Contact] = (),
    *,
    starts_at: datetime | None = None,
    **fields,
) -> Meeting:
    meeting = Meeting.objects.create(
        user=user, starts_at=starts_at or timezone.now() - timedelta(days=1), **fields
    )
    if contacts:
        meeting.contacts.set(contacts)
    return meeting


def make_followup(
    user: User,
    *,
    due_at: datetime | None = None,
    title: str = "Send the article",
    kind: str = "custom",
    status: str = Status.PENDING,
    contact: Contact | None = None,
    meeting: Meeting | None = None,
    **fields,
) -> FollowUp:
    return FollowUp.objects.create(
        user=user,
        due_at=due_at or timezone.now(),
        title=title,
        kind=kind,
        status=status,
        contact=contact,
        meeting=meeting,
        **fields,
    )


def bulk_organizations(user: User, count: int, prefix: str = "Org") -> list[Organization]:
    return Organization.objects.bulk_create(
        Organization(user=user, name=f"{prefix} {i:03d}") for i in range(count)
    )


def bulk_contacts(
    user: User,
    count: int,
    *,
    prefix: str = "Person",
    organizations: Sequence[Organization] = (),
    tag: str | None = None,
) -> list[Contact]:
    """`count` contacts, each at one of `organizations` (round robin) and tagged `tag`."""
    contacts = Contact.objects.bulk_create(
        Contact(
            user=user,
            name=f"{prefix} {i:03d}",
            organization=organizations[i % len(organizations)] if organizations else None,
            email=f"{prefix.lower()}{i:03d}@example.com",
        )
        for i in range(count)
    )
    if tag:
        tag_row, _ = Tag.objects.get_or_create(name=tag)
        content_type = ContentType.objects.get_for_model(Contact)
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=tag_row, content_type=content_type, object_id=c.pk) for c in contacts
        )
    return contacts


def bulk_meetings(
    user: User,
    count: int,
    *,
    contacts: Sequence[Contact],
    start: datetime | None = None,
    purpose: str = "",
) -> list[Meeting]:
    """`count` meetings an hour apart going back from `start`, each with all of `contacts`."""
    start = start or timezone.now() - timedelta(days=1)
    meetings = Meeting.objects.bulk_create(
        Meeting(user=user, starts_at=start - timedelta(hours=i), purpose=purpose)
        for i in range(count)
    )
    Through = Meeting.contacts.through
    Through.objects.bulk_create(
        Through(meeting_id=m.pk, contact_id=c.pk) for m in meetings for c in contacts
    )
    return meetings


def bulk_followups(
    user: User,
    due: Sequence[datetime],
    *,
    contacts: Sequence[Contact] = (),
    meetings: Sequence[Meeting] = (),
    title: str = "Follow up",
) -> list[FollowUp]:
    """One pending follow-up per moment in `due`, round robin over contacts and meetings."""
    return FollowUp.objects.bulk_create(
        FollowUp(
            user=user,
            kind="custom",
            due_at=due_at,
            title=f"{title} {i:03d}",
            contact=contacts[i % len(contacts)] if contacts else None,
            meeting=meetings[i % len(meetings)] if meetings else None,
        )
        for i, due_at in enumerate(due)
    )
