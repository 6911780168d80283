"""The shared sort of every list page (netcrm/lib/listing.py): ?sort= among the columns
a view allows, a bad value falls back, headers flip and keep the filters."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Contact
from netcrm.lib.listing import Column, Sorting, query_string
from tests.factories import make_contact

COLUMNS = {
    "name": Column("Name", [Lower("name")]),
    "added": Column("Added", ["created_at"], first="desc"),
}


@pytest.mark.parametrize(
    ("value", "key", "descending"),
    [
        ("name", "name", False),
        ("-name", "name", True),
        ("added", "added", False),
        ("-added", "added", True),
        (None, "name", False),
        ("", "name", False),
        ("password", "name", False),          # not a column: the default
        ("--name", "name", False),
        ("-user__password", "name", False),
        ("name; DROP TABLE x", "name", False),
        ("  -added ", "added", True),
    ],
)
def test_sort_is_one_of_the_columns_else_the_default(value, key, descending):
    sorting = Sorting(value, COLUMNS, default="name")
    assert (sorting.key, sorting.descending) == (key, descending)


def test_a_descending_default():
    sorting = Sorting("nonsense", COLUMNS, default="-added")
    assert sorting.value == "-added" and sorting.is_default


def test_a_header_flips_the_current_sort_and_starts_others_their_way():
    sorting = Sorting("name", COLUMNS, default="name")
    assert sorting.flipped("name") == "-name"
    assert sorting.flipped("added") == "-added"  # newest first on a first click
    assert Sorting("-name", COLUMNS, default="name").flipped("name") == "name"


def test_headers_keep_the_filters_never_the_page_and_say_the_direction():
    sorting = Sorting("-name", COLUMNS, default="name")
    headers = sorting.headers({"q": "a&b", "tag": "", "page": ""}, [
        ("name", "Name"), ("tags", "Tags", "wide"), ("added", "Added"),
    ])
    assert [h.key for h in headers] == ["name", "tags", "added"]
    name, tags, added = headers
    assert parse_qs(name.href[1:]) == {"q": ["a&b"], "sort": ["name"]}
    assert name.direction == "descending" and name.arrow == "▼"
    assert not tags.sortable and tags.css == "wide" and tags.href == ""
    assert parse_qs(added.href[1:]) == {"q": ["a&b"], "sort": ["-added"]}
    assert added.direction == ""


def test_query_string_leaves_out_empty_values():
    assert query_string({"q": "", "tag": "x y", "organization": None, "no_meeting": False}) == (
        "tag=x+y"
    )


@pytest.mark.django_db
def test_apply_puts_empty_values_last_both_ways_and_breaks_ties_by_id(user):
    now = timezone.now()
    first = make_contact(user, "Same", last_interaction_at=now)
    second = make_contact(user, "Same", last_interaction_at=now - timedelta(days=1))
    never = make_contact(user, "Other")
    columns = {
        "name": Column("Name", [Lower("name")]),
        "touched": Column("Touched", ["last_interaction_at"]),
    }
    mine = Contact.objects.for_user(user)
    assert list(Sorting("name", columns, "name").apply(mine)) == [never, first, second]
    assert list(Sorting("-name", columns, "name").apply(mine)) == [second, first, never]
    assert list(Sorting("touched", columns, "name").apply(mine)) == [second, first, never]
    assert list(Sorting("-touched", columns, "name").apply(mine)) == [first, second, never]


def test_the_phone_select_names_each_direction_in_words():
    columns = COLUMNS | {"met": Column("Last met", ["created_at"], words=("oldest", "newest"))}
    choices = dict(Sorting("-met", columns, default="name").choices())
    assert choices["name"] == "Name, A–Z" and choices["-name"] == "Name, Z–A"
    assert choices["-met"] == "Last met, newest"


@pytest.mark.django_db
def test_a_column_that_is_never_empty_is_ordered_without_nulls_last(user):
    """NULLS LAST on a NOT NULL column only stops PostgreSQL from reading the order off
    an index (the meetings list sorted a heavy user's 30,000 meetings for its first 25);
    where a value may be empty (a nullable column, a related one, an annotation) it stays."""
    columns = {
        "name": Column("Name", [Lower("name")]),
        "added": Column("Added", ["created_at"]),
        "touched": Column("Touched", ["last_interaction_at"]),
        "organization": Column("Organization", [Lower("organization__name")]),
    }
    mine = Contact.objects.for_user(user)

    def order_by(value):
        sql = str(Sorting(value, columns, "name").apply(mine).query)
        return sql.rsplit("ORDER BY", 1)[1]

    for value in ("name", "-name", "added", "-added"):
        assert "NULLS" not in order_by(value), value
    for value in ("touched", "-touched", "organization", "-organization"):
        assert "NULLS LAST" in order_by(value), value
