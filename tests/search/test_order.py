"""People found by a search come best match first: a name that starts with what was typed,
then a name that holds it, then those found by their title, organization, notes or
email; by name within each, as before. The search of everything, the contacts list (a
total order: its pages never overlap) and the pickers' type-ahead alike, on SQLite and
PostgreSQL, accents folded as search folds them."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Value
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from contacts.models import Contact
from contacts.pickers import search_contacts
from netcrm.lib.fold import Folded, QuickFolded
from tests.factories import make_contact, make_organization
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
CONTACTS = reverse("contacts:contact-list")

BEST_FIRST = [
    "Inès Durand", "Ines Zola",  # the name starts with it, accents aside
    "Marie Inés", "Zoé Caines",  # the name holds it
    "Adam Bay", "Hannah Weiss", "Zed Young",  # found by anything else, by name
]


@pytest.fixture
def people(user, other_user):
    make_contact(other_user, "Ines Not Yours")
    make_contact(user, "Hannah Weiss", title="HR Business Partner")
    make_contact(user, "Zed Young", organization=make_organization(user, "Ines & Co"))
    make_contact(user, "Adam Bay", email="adam@mines.example")
    make_contact(user, "Marie Inés")
    make_contact(user, "Zoé Caines")
    make_contact(user, "Inès Durand")
    make_contact(user, "Ines Zola")
    make_contact(user, "Nobody Else", title="Engineer")


@pytest.mark.parametrize("query", ["Ines", "ines", "INÈS", "inès"])
def test_the_search_of_everything_lists_names_that_match_first(client_logged_in, people, query):
    response = client_logged_in.get(SEARCH, {"q": query})
    # (An email is searched as typed, accents and all: "inès" is not in "mines".)
    expected = BEST_FIRST if query.isascii() else [n for n in BEST_FIRST if n != "Adam Bay"]
    assert [c.name for c in response.context["groups"][0].rows] == expected


def test_the_contacts_list_searched_by_name_lists_names_that_match_first(client_logged_in, people):
    response = client_logged_in.get(CONTACTS, {"q": "ines"})
    assert [c.name for c in response.context["page"].object_list] == BEST_FIRST
    # The other way round: the names that match still first, each part Z to A.
    response = client_logged_in.get(CONTACTS, {"q": "ines", "sort": "-name"})
    assert [c.name for c in response.context["page"].object_list] == [
        "Ines Zola", "Inès Durand", "Zoé Caines", "Marie Inés",
        "Zed Young", "Hannah Weiss", "Adam Bay",
    ]


def test_another_sort_chosen_is_kept(client_logged_in, people):
    response = client_logged_in.get(CONTACTS, {"q": "ines", "sort": "title"})
    assert [c.name for c in response.context["page"].object_list][-1] == "Hannah Weiss"


def test_unsearched_the_list_is_by_name_alone(client_logged_in, people):
    response = client_logged_in.get(CONTACTS)
    names = [c.name for c in response.context["page"].object_list]
    assert names == sorted(names, key=lambda n: n.replace("è", "e").replace("é", "e").lower())


def test_the_pickers_type_ahead_offers_names_that_match_first(user, people):
    assert [c.name for c in search_contacts(user, "ines")] == BEST_FIRST


def test_pages_of_a_searched_list_never_overlap_and_miss_no_one(client_logged_in, user):
    # Many alike: the same name, the same rank; the id settles the order.
    size = settings.NETCRM_PAGE_SIZE
    Contact.objects.bulk_create(
        Contact(user=user, name=name, title="Mines")
        for name in ["Ines Same"] * size + ["Sam Other"] * size + ["Anne Inès"] * 3
    )
    seen = []
    for page in (1, 2, 3):
        response = client_logged_in.get(CONTACTS, {"q": "ines", "page": page})
        seen += [(c.name, c.pk) for c in response.context["page"].object_list]
    assert len(seen) == len(set(seen)) == 2 * size + 3
    assert [name for name, _ in seen] == (
        ["Ines Same"] * size + ["Anne Inès"] * 3 + ["Sam Other"] * size
    )
    assert [pk for name, pk in seen if name == "Ines Same"] == sorted(
        pk for name, pk in seen if name == "Ines Same"
    )


def test_the_order_costs_no_query(client_logged_in, user, people):
    client_logged_in.get(SEARCH, {"q": "ines"})  # (what a first request caches)
    few, _ = count_queries(client_logged_in, SEARCH, data={"q": "ines"})
    list_few, _ = count_queries(client_logged_in, CONTACTS, data={"q": "ines"})
    for i in range(30):
        make_contact(user, f"Ines {i:02d}")
    many, response = count_queries(client_logged_in, SEARCH, data={"q": "ines"})
    list_many, _ = count_queries(client_logged_in, CONTACTS, data={"q": "ines"})
    assert response.context["groups"][0].rows[0].name == "Ines 00"
    # (past SHOWN people, the search of everything counts them: its one query more)
    assert (many, list_many) == (few + 1, list_few)


@pytest.mark.django_db
@given(st.text(
    alphabet=st.one_of(
        st.sampled_from("abcXYZ '-.,\n"), st.sampled_from("éÉüñçØßæŒłđþı’“”\u0301\u0308ﬁ½①"),
        st.characters(min_codepoint=1, max_codepoint=0x2FFF, exclude_categories=("Cs",)),
    ),
    max_size=40,
))
def test_the_rank_folds_a_name_as_search_folds_it(text):
    # The rank's quicker fold (lower() alone for text all in ASCII) gives what the
    # search's fold gives, on either database.
    value = Value(text, output_field=CharField())
    quick, folded = (
        ContentType.objects.annotate(q=QuickFolded(value), f=Folded(value))
        .values_list("q", "f").first()
    )
    assert quick == folded
