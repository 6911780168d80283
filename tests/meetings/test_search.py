"""Searching meetings: notes, purpose, outcome, place and the people met whatever
their case and accents; on PostgreSQL from trigram indexes (meetings 0006)."""

import pytest
from django.db import connection

from meetings.models import SEARCHED, Meeting, written
from tests.factories import make_contact, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(user, other_user):
    sara, rene = make_contact(user, "Sara Smith"), make_contact(user, "René Roux")
    make_meeting(other_user, [make_contact(other_user, "Not Yours")], notes="Rouge talk")
    return {
        "notes": make_meeting(user, [sara], notes="Talked at the Café Rouge about hiring."),
        "purpose": make_meeting(user, [sara], purpose="Learn how the Data team works"),
        "outcome": make_meeting(user, [sara], outcome="She'll introduce me to Zoë"),
        "location": make_meeting(user, [sara], location="Blue Bottle, 3rd St"),
        "person": make_meeting(user, [rene]),
    }


def found(user, query: str) -> set[int]:
    return set(Meeting.objects.for_user(user).search(query).values_list("pk", flat=True))


@pytest.mark.parametrize("query, which", [
    ("café rouge", {"notes"}), ("data TEAM", {"purpose"}), ("zoë", {"outcome"}),
    ("blue bottle", {"location"}), ("rene", {"person"}), ("RENÉ", {"person"}),
    ("rou", {"notes", "person"}),  # a field and a name: both, each once
    ("ro", {"person"}),  # one or two letters: by the people met alone
    ("RE", {"person"}), ("zo", set()),
    ("nowhere", set()),
    # Whatever the accents, either way round, from three characters on.
    ("cafe", {"notes"}), ("zoe", {"outcome"}), ("CAFÉ", {"notes"}),
    ("Blüe Böttle", {"location"}), ("dàta", {"purpose"}),
])
def test_each_way_finds_its_meetings(user, meetings, query, which):
    assert found(user, query) == {meetings[w].pk for w in which}


def test_a_meeting_found_two_ways_comes_once(user, meetings):
    meeting = make_meeting(user, [make_contact(user, "Rouge Owner")], notes="At the Rouge")
    assert list(Meeting.objects.for_user(user).search("rouge")).count(meeting) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_the_fields_are_read_from_their_trigram_indexes(user, meetings):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: else read them all
        cursor.execute("SET LOCAL enable_indexscan = off")  # or walked in date order
        plan = Meeting.objects.filter(written("hiring")).order_by().explain()
    for field in SEARCHED:
        assert f"Bitmap Index Scan on meeting_{field}_fold_trgm_idx" in plan
