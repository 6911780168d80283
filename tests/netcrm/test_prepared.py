"""Querysets built and compiled once a connection, run again with other values
(netcrm/lib/prepared.py): the rows are Django's, the build is not repeated, and what
can't be prepared says so or is built as Django builds it."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, F, Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact
from meetings.models import Meeting
from netcrm.lib.prepared import Prepared, PreparedMany, PreparedMismatch, Unpreparable
from tests.conftest import make_user
from tests.factories import make_contact, make_meeting


class Counted:
    """A build function that counts how often it was asked to build."""

    def __init__(self, build):
        self.build = build
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.build(*args, **kwargs)


@pytest.fixture
def no_verify(settings):
    settings.NETCRM_PREPARED_VERIFY = False


@pytest.fixture
def two_users(db):
    alice, bob = make_user("alice"), make_user("bob")
    sara = make_contact(alice, "Sara Smith", organization="Acme")
    john = make_contact(alice, "John Public")
    ann = make_contact(bob, "Ann Able", organization="Beta")
    return alice, bob, sara, john, ann


def test_the_second_call_builds_nothing_and_finds_its_own_rows(two_users, no_verify):
    alice, bob, sara, john, ann = two_users
    build = Counted(lambda user_id, pk: Contact.objects.filter(user_id=user_id, pk=pk)
                    .select_related("organization"))
    contact = Prepared(build)
    assert contact(alice.pk, sara.pk) == [sara]
    built_first = build.calls  # the values, and twice with others to find them
    assert built_first == 3
    with CaptureQueriesContext(connection) as queries:
        found = contact.first(bob.pk, ann.pk)
        assert found == ann
        assert found.organization.name == "Beta"  # select_related: no query more
    assert len(queries) == 1
    assert build.calls == built_first
    assert contact(alice.pk, ann.pk) == []  # another user's id
    assert contact.first(alice.pk, john.pk) == john
    assert build.calls == built_first


def test_the_kept_sql_is_djangos_with_the_new_values(two_users):
    alice, bob, sara, _john, ann = two_users
    contact = Prepared(lambda user_id, pk: Contact.objects.filter(user_id=user_id, pk=pk))
    contact(alice.pk, sara.pk)
    with CaptureQueriesContext(connection) as kept:
        contact(bob.pk, ann.pk)
    with CaptureQueriesContext(connection) as django:
        list(Contact.objects.filter(user_id=bob.pk, pk=ann.pk))
    assert kept[0]["sql"] == django[0]["sql"]


def test_equal_values_and_constants_are_told_apart(two_users, no_verify):
    """A user's id equal to a contact's, and a constant of the query equal to a value."""
    alice, bob, sara, john, ann = two_users
    rows = Prepared(lambda user_id, pk, pk_again: Contact.objects.filter(
        user_id=user_id, pk=pk, id__in=[pk_again, sara.pk],
    ))
    assert rows(alice.pk, sara.pk, sara.pk) == [sara]
    assert rows(bob.pk, ann.pk, ann.pk) == [ann]
    assert rows(alice.pk, john.pk, john.pk) == [john]
    assert rows(alice.pk, john.pk, ann.pk) == []


def test_datetimes_lists_annotations_and_prefetches(two_users):
    alice, bob, sara, john, ann = two_users
    now = timezone.now()
    make_meeting(alice, [sara, john], starts_at=now - timedelta(days=3))
    make_meeting(alice, [sara], starts_at=now - timedelta(days=30))
    make_meeting(bob, [ann], starts_at=now - timedelta(days=1))
    met = Prepared(lambda user_id, since, ids: (
        Meeting.objects.filter(user_id=user_id, starts_at__gte=since, contacts__in=ids)
        .annotate(how_many=Count("contacts", distinct=True))
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("name")))
        .order_by("starts_at")
    ))
    recent = met(alice.pk, now - timedelta(days=7), [sara.pk, john.pk])
    assert [m.how_many for m in recent] == [2]  # both asked for, counted in the join
    assert [c.name for c in recent[0].contacts.all()] == ["John Public", "Sara Smith"]
    both = met(alice.pk, now - timedelta(days=60), [sara.pk])
    assert [m.how_many for m in both] == [1, 1]  # Sara alone asked for
    assert [m.starts_at < now - timedelta(days=7) for m in both] == [True, False]
    assert [m.contacts.all()[0].name for m in met(bob.pk, now - timedelta(days=2), [ann.pk])] \
        == ["Ann Able"]


def test_a_value_made_inside_the_build_is_caught(two_users):
    """A value the build reads for itself (not one of its arguments) would be kept as it
    was the first time: told when it differs from one build to the next, and in verify
    mode when it changes between calls."""
    alice, *_ = two_users
    now_each_time = Prepared(lambda user_id: Contact.objects.filter(
        user_id=user_id, created_at__lte=timezone.now(),
    ))
    with pytest.raises(Unpreparable, match="no value given as it is"):
        now_each_time(alice.pk)
    read = {"name": "Sara Smith"}
    outside = Prepared(lambda user_id: Contact.objects.filter(user_id=user_id, name=read["name"]))
    assert [c.name for c in outside(alice.pk)] == ["Sara Smith"]
    read["name"] = "John Public"
    with pytest.raises(PreparedMismatch):
        outside(alice.pk)


def test_a_value_used_transformed_raises_in_verify_mode(two_users):
    alice, *_ = two_users
    search = Prepared(lambda user_id, q: Contact.objects.filter(user_id=user_id, name__icontains=q))
    with pytest.raises(Unpreparable, match="no value given as it is"):
        search(alice.pk, "sara")


def test_what_cannot_be_prepared_is_built_as_django_builds_it(two_users, no_verify):
    alice, bob, sara, john, ann = two_users
    build = Counted(lambda user_id, q: Contact.objects.filter(user_id=user_id, name__icontains=q))
    search = Prepared(build)
    assert search(alice.pk, "sara") == [sara]
    assert search(alice.pk, "public") == [john]
    assert search(bob.pk, "able") == [ann]
    assert build.calls == 4 + 1 + 1  # tried once (three builds), then built each time
    # A value that can't be told apart: None, or an id beyond what a column takes.
    by_org = Prepared(lambda user_id, org: Contact.objects.filter(user_id=user_id, organization=org))
    assert by_org(alice.pk, None) == [john]
    assert by_org(alice.pk, sara.organization_id) == [sara]
    assert Prepared(lambda pk: Contact.objects.filter(pk=pk))(2**40) == []


def test_values_that_change_the_sql_are_shape(two_users, no_verify):
    alice, bob, sara, john, ann = two_users
    ordered = Prepared(lambda user_id, *, descending: Contact.objects.filter(user_id=user_id)
                       .order_by("-name" if descending else "name"))
    assert ordered(alice.pk, descending=False) == [john, sara]
    assert ordered(alice.pk, descending=True) == [sara, john]
    assert ordered(bob.pk, descending=True) == [ann]
    # Lists of other lengths are other shapes.
    some = Prepared(lambda ids: Contact.objects.filter(pk__in=ids).order_by("name"))
    assert some([sara.pk]) == [sara]
    assert some([sara.pk, john.pk, ann.pk]) == [ann, john, sara]
    assert some([ann.pk]) == [ann]


def test_what_comes_back_is_read_not_refined(two_users):
    alice, bob, _sara, _john, ann = two_users
    contacts = Prepared(lambda user_id: Contact.objects.filter(user_id=user_id).order_by("name"))
    contacts(alice.pk)
    rows = contacts.queryset(bob.pk)
    with pytest.raises(TypeError, match="read as it is"):
        rows.filter(name="Ann Able")
    with pytest.raises(TypeError, match="read as it is"):
        rows.count()  # it would count the first call's rows
    with pytest.raises(TypeError, match="read as it is"):
        rows.exists()
    assert len(rows) == 1 and bool(rows) and list(rows) == [ann]


def test_a_related_managers_queryset_is_refused(two_users):
    alice, _bob, sara, *_ = two_users
    make_meeting(alice, [sara])
    with pytest.raises(Unpreparable, match="not a related one"):
        Prepared(lambda user_id: sara.notes_logged.filter(user_id=user_id))(alice.pk)


@pytest.mark.django_db(transaction=True)
def test_each_connection_keeps_its_own(no_verify):
    """gunicorn's threads each have a connection; a kept compiler holds its own."""
    alice = make_user("alice")
    sara = make_contact(alice, "Sara Smith")
    build = Counted(lambda pk: Contact.objects.filter(pk=pk))
    contact = Prepared(build)
    assert contact(sara.pk) == [sara]
    found = []

    def other_thread():
        from django.db import connection as theirs
        try:
            found.append(contact(sara.pk))
        finally:
            theirs.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert found == [[sara]]
    assert build.calls == 6  # prepared once on each connection


def test_dates_are_values_too(two_users):
    """A DateField's value (SQLite writes dates as text, PostgreSQL takes them as they
    are)."""
    from referrals.models import Referral
    alice, bob, sara, john, ann = two_users
    today = timezone.localdate()
    Referral.objects.create(user=alice, referrer=sara, referred=john,
                            referred_on=today - timedelta(days=3))
    Referral.objects.create(user=bob, referrer=ann, referred=make_contact(bob, "Ben Bold"),
                            referred_on=today)
    since = Prepared(lambda user_id, day: Referral.objects.filter(
        user_id=user_id, referred_on__gte=day,
    ))
    assert len(since(alice.pk, today - timedelta(days=7))) == 1
    assert since(alice.pk, today) == []
    assert len(since(bob.pk, today)) == 1


def test_a_many_to_many_kept_where_prefetch_related_keeps_it(two_users):
    alice, bob, sara, john, ann = two_users
    zoe = make_contact(alice, "zoë Zimmer")
    both = make_meeting(alice, [zoe, sara, john])
    alone = make_meeting(alice, [sara])
    nobody = make_meeting(alice, [])
    theirs = make_meeting(bob, [ann])
    people = PreparedMany("contacts", Prepared(lambda ids: (
        Contact.objects.select_related("organization").filter(meetings__in=ids)
        .annotate(_owner=F("meetings"))
    )))
    meetings = list(Meeting.objects.filter(pk__in=[both.pk, alone.pk, nobody.pk, theirs.pk])
                    .order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        people(meetings)
        # In the order of names (as Contact's ordering), each with their organization,
        # counted and tested without a query.
        assert [c.name for c in meetings[0].contacts.all()] == [
            "John Public", "Sara Smith", "zoë Zimmer",
        ]
        assert meetings[0].contacts.all()[1].organization.name == "Acme"
        assert meetings[0].contacts.count() == 3
        assert [c.name for c in meetings[1].contacts.all()] == ["Sara Smith"]
        assert list(meetings[2].contacts.all()) == [] and not meetings[2].contacts.exists()
        assert [c.name for c in meetings[3].contacts.all()] == ["Ann Able"]
    assert len(queries) == 1
    # As prefetch_related gives them.
    django = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).order_by("pk") \
        .prefetch_related("contacts")
    assert [[c.pk for c in m.contacts.all()] for m in django] == \
        [[c.pk for c in m.contacts.all()] for m in meetings]
    with pytest.raises(TypeError, match="read as it is"):
        meetings[0].contacts.filter(name="Sara Smith")
