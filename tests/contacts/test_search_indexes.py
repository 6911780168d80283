"""The indexes search and the queue rely on, created by migrations on either database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact, Organization
from contacts.pickers import recent_contacts
from followups.models import FollowUp
from netcrm.lib.fold import folded_contains
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


def indexes(model) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def test_open_followups_have_a_partial_index_by_user_and_due_time():
    index = indexes(FollowUp)["followup_open_due_idx"]
    assert index["index"] and index["columns"] == ["user_id", "due_at"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_folded_names_have_trigram_indexes_on_postgresql():
    for model, name in ((Contact, "contact_name_fold_trgm_idx"),
                        (Organization, "organization_name_fold_trgm_idx")):
        assert indexes(model)[name]["type"] == "gin"
        assert name.replace("_fold", "") not in indexes(model)  # 0006's, unused now


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_a_name_search_matches_the_indexed_expression(user):
    # The index is of the very expression search writes (netcrm_fold(name)), else unused.
    make_contact(user, "Ann Johnson")
    for model, index in ((Contact, "contact_name_fold_trgm_idx"),
                         (Organization, "organization_name_fold_trgm_idx")):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = model.objects.filter(folded_contains("name", "hnso")).explain()
        assert f"Bitmap Index Scan on {index}" in plan
    assert [c.name for c in Contact.objects.for_user(user).search("hnso")] == ["Ann Johnson"]


@pytest.mark.parametrize("query, names", [
    ("alvarez", {"José Álvarez-Núñez", "Rosa Alvarez"}),
    ("ALVAREZ", {"José Álvarez-Núñez", "Rosa Alvarez"}),
    ("Álvarez", {"José Álvarez-Núñez", "Rosa Alvarez"}),
    ("núñez", {"José Álvarez-Núñez"}),
    ("nunez", {"José Álvarez-Núñez"}),
    ("jose", {"José Álvarez-Núñez"}),
])
def test_a_name_is_found_whatever_its_accents_and_the_querys(user, query, names):
    make_contact(user, "José Álvarez-Núñez")
    make_contact(user, "Rosa Alvarez")
    make_contact(user, "Ann Bay")
    assert {c.name for c in Contact.objects.for_user(user).search(query)} == names


@pytest.mark.parametrize("name, query", [
    ("Søren Kierkegaard", "soren"), ("Søren Kierkegaard", "Søren"), ("Ana Weiß", "weiss"),
    ("Zoë Ångström", "angstrom"), ("Łukasz Wójcik", "lukasz wojcik"), ("Ann O'Neil", "o'neil"),
    ("Ann O'Neil", "O’Neil"), ("Ann O’Neil", "o'neil"),  # a phone types the curly one
])
def test_letters_without_a_mark_to_strip_fold_too(user, name, query):
    person = make_contact(user, name)
    assert list(Contact.objects.for_user(user).search(query)) == [person]


def test_a_percent_or_underscore_in_the_query_is_a_character_not_a_wildcard(user):
    make_contact(user, "Ann Bay")
    make_contact(user, "Ann_Bay 100%")
    assert [c.name for c in Contact.objects.for_user(user).search("n_b")] == ["Ann_Bay 100%"]
    assert [c.name for c in Contact.objects.for_user(user).search("0%")] == ["Ann_Bay 100%"]


def test_organizations_meetings_and_leads_are_found_by_a_name_without_its_accents(user):
    from jobs.models import Lead
    from meetings.models import Meeting
    from tests.factories import make_meeting

    nestle = Organization.objects.create(user=user, name="Nestlé Suisse")
    jose = make_contact(user, "José Núñez", organization=nestle)
    meeting = make_meeting(user, [jose])
    lead = Lead.objects.create(user=user, organization=nestle, role="Analyst")
    assert list(Organization.objects.for_user(user).search("nestle")) == [nestle]
    assert list(Contact.objects.for_user(user).search("nestle")) == [jose]
    assert list(Meeting.objects.for_user(user).search("nunez")) == [meeting]
    assert list(Lead.objects.for_user(user).search("NESTLE")) == [lead]


@pytest.fixture
def each_way(user, other_user) -> dict[str, Contact]:
    """One contact found each way: by name, title, organization, email and tag (and
    another user's, found by none)."""
    acme = Organization.objects.create(user=user, name="Quake Robotics")
    found = {
        "name": make_contact(user, "Zed Quorra"),
        "organization": make_contact(user, "Amy Bell", organization=acme),
        "email": make_contact(user, "Bo Chan", email="quorra.fan@example.com"),
        "title": make_contact(user, "Di Eze", title="Quorra Analyst"),
        "tag": make_contact(user, "Cy Dale"),
    }
    found["tag"].tags.add("quorra-club")
    make_contact(user, "Nobody Here")
    make_contact(other_user, "Quorra Other")
    return found


def test_search_finds_by_name_title_organization_email_and_tag(user, each_way):
    found = Contact.objects.for_user(user).search("QUORRA")
    assert set(found) == {each_way["name"], each_way["email"], each_way["tag"],
                          each_way["title"]}
    assert list(Contact.objects.for_user(user).search("robot")) == [each_way["organization"]]
    assert list(Contact.objects.for_user(user).search("analyst")) == [each_way["title"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_emails_have_a_trigram_index_of_what_search_writes(user):
    # Search tests emails too, each way to match on its own: with an index of their
    # own, a fragment found in a few emails never reads every contact of the user.
    assert indexes(Contact)["contact_email_trgm_idx"]["type"] == "gin"
    make_contact(user, "Bo Chan", email="quorra.fan@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Contact.objects.filter(email__icontains="quorra").explain()
    assert "Bitmap Index Scan on contact_email_trgm_idx" in plan
    assert [c.name for c in Contact.objects.for_user(user).search("quorra")] == ["Bo Chan"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_titles_have_a_trigram_index_of_what_search_writes(user):
    assert indexes(Contact)["contact_title_fold_trgm_idx"]["type"] == "gin"
    assert "contact_title_trgm_idx" not in indexes(Contact)  # 0009's, unused now
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Contact.objects.filter(folded_contains("title", "analyst")).explain()
    assert "Bitmap Index Scan on contact_title_fold_trgm_idx" in plan


@pytest.mark.parametrize("query", ["ingenieur", "INGÉNIEUR", "ingénieure", "genieur"])
def test_a_title_is_found_whatever_its_accents_and_the_querys(user, query):
    person = make_contact(user, "Claire Roux", title="Ingénieure données")
    make_contact(user, "Ann Bay", title="Analyst")
    assert list(Contact.objects.for_user(user).search(query)) == [person]


@pytest.mark.parametrize("fragment", ["q", "QU", " qu "])
def test_a_fragment_too_short_for_a_trigram_still_finds_every_way(user, each_way, fragment):
    # Under three characters, one pass tests every way at once.
    assert set(Contact.objects.for_user(user).search(fragment)) == set(each_way.values())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot index NULLS LAST")
def test_the_people_a_picker_offers_first_are_read_down_an_index(user):
    # recent_contacts (the log-a-meeting form's first people) reads the latest in touch
    # down an index in its own order, not all of a user's contacts sorted for eight.
    seen = make_contact(user, "Seen Lately")
    make_contact(user, "Never Met")
    seen.touch(seen.created_at)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as queries:
            people = recent_contacts(user)
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert [c.name for c in people] == ["Seen Lately", "Never Met"]
    assert "Index Scan using contact_user_recent_idx" in plan and "Sort" not in plan
