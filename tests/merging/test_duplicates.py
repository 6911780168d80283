"""The duplicates page: likely duplicates side by side, "not the same person" for good."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.models import Contact, Organization
from merging.models import DismissedPair
from tests.conftest import make_user
from tests.factories import bulk_contacts, make_contact, make_meeting
from tests.helpers import (
    assert_fragment,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    hx_trigger,
    text,
)

pytestmark = pytest.mark.django_db
URL = reverse("merging:duplicates")
DISMISS = reverse("merging:dismiss-pair")


@pytest.fixture
def pairs(user):
    """Sara twice (the same email), Jon and John Public at Acme (a similar name), and
    two Alex Kims at different organizations (two people)."""
    sara = make_contact(user, "Sara Smith", email="sara@example.com", organization="Globex",
                        phone="415 555 0100")
    sarah = make_contact(user, "Sarah Smith", email="SARA@example.com ")
    make_meeting(user, [sara])
    make_meeting(user, [sara, sarah])
    jon = make_contact(user, "Jon Public", organization="Acme")
    john = make_contact(user, "John Public", organization="Acme")
    make_contact(user, "Alex Kim", organization="Initech")
    make_contact(user, "Alex Kim", organization="Umbrella")
    return sara, sarah, jon, john


def test_each_pair_side_by_side_with_its_reason(client_logged_in, pairs):
    sara, sarah, jon, john = pairs
    response = client_logged_in.get(URL)
    page = text(response)
    assert response.status_code == 200
    assert "2 pairs to look at" in page
    assert page.index("same email") < page.index("similar name at Acme (")  # sure ones first
    assert "Alex Kim" not in page  # the same name at two organizations: two people
    # Both people, with what tells them apart.
    for person in (sara, sarah, jon, john):
        assert f'href="{person.get_absolute_url()}"' in page
    assert "Globex" in page and "415 555 0100" in page
    assert "<dt>Meetings</dt><dd>2</dd>" in page and "<dt>Meetings</dt><dd>1</dd>" in page
    merge = reverse("merging:merge-contact", args=[sara.pk])
    assert f'href="{merge}?contact={sarah.pk}"' in page
    assert f'name="first" value="{jon.pk}"' in page and f'name="second" value="{john.pk}"' in page


def test_the_pairs_are_kept_until_a_contact_or_an_organization_changes(
    client_logged_in, user, pairs
):
    """The next page, or the page again, compares no name again (no read of every
    contact, nor of their organizations); any write to the people shows at once,
    however it is made."""
    first, response = count_queries(client_logged_in, URL)
    again, response = count_queries(client_logged_in, URL)
    assert again == first - 2 and "2 pairs to look at" in text(response)
    # An UPDATE of many rows at once is a write too: the Umbrella Alex Kim moves to
    # Initech, where the other one is.
    initech = Organization.objects.get(user=user, name="Initech")
    Contact.objects.filter(user=user, name="Alex Kim").update(organization=initech)
    after, response = count_queries(client_logged_in, URL)
    assert after == first and "3 pairs to look at" in text(response)
    assert "similar name at Initech (100%)" in text(response)
    # Another user's pairs are theirs alone.
    other = make_user("other")
    make_contact(other, "Sara Smith", email="sara@example.com")
    make_contact(other, "Sara S.", email="sara@example.com")
    client_logged_in.force_login(other)
    assert "1 pair to look at" in text(client_logged_in.get(URL))


def test_the_same_name_at_an_organization_and_at_none_is_asked_as_the_add_form_asks(
    client_logged_in, user
):
    """The add form warns of Sara Smith at Acme when Sara Smith is typed with no
    organization; the duplicates page offers the two, once added, as well."""
    from accounts.submissions import FIELD

    acme = make_contact(user, "Sara Smith", organization="Acme")
    added = client_logged_in.post(reverse("contacts:create-contact"), {
        "name": "Sara Smith", "source": "knew", FIELD: "5d6a1f0e-2b8c-4e7a-9c1d-3f4e5a6b7c8d",
    })
    assert "Already in your contacts?" in text(added)
    added = client_logged_in.post(reverse("contacts:create-contact"), {
        "name": "Sara Smith", "source": "knew", "same_ok": "1",
        FIELD: "5d6a1f0e-2b8c-4e7a-9c1d-3f4e5a6b7c8d",
    })
    assert added.status_code == 302
    none = Contact.objects.get(user=user, organization=None)
    page = text(client_logged_in.get(URL))
    assert "1 pair to look at" in page and "the same name" in page
    assert f'name="first" value="{acme.pk}"' in page and f'name="second" value="{none.pk}"' in page


def test_a_switchboard_or_a_team_address_under_unrelated_names_is_a_question(
    client_logged_in, user, settings
):
    """As the import asks it: Anna Berg and Carl Holm on one switchboard, or Dana and
    Eli at jobs@, may be two people; A. Berg and Anna Berg on it are one, sure."""
    settings.NETCRM_PHONE_REGION = "US"
    anna = make_contact(user, "Anna Berg", phone="+1 415 555 0100", organization="Acme")
    carl = make_contact(user, "Carl Holm", phone="(415) 555-0100", organization="Acme")
    dana = make_contact(user, "Dana Whitfield", email="jobs@acme.example")
    eli = make_contact(user, "Eli Park", email="jobs@acme.example")
    initial = make_contact(user, "A. Berg", phone="415 555 0100")
    response = client_logged_in.get(URL)
    page = text(response)
    assert "4 pairs to look at" in page
    items = page.split('<li class="duplicate-pair">')[1:]

    def item(a, b):
        found = [i for i in items if f'name="first" value="{a.pk}"' in i
                 and f'name="second" value="{b.pk}"' in i]
        assert len(found) == 1, (a, b)
        return found[0]

    sure = item(anna, initial)
    assert '<span class="badge sure">same phone</span>' in sure and "a question" not in sure
    for first, second in ((anna, carl), (carl, initial)):
        asked = item(first, second)
        assert '<span class="badge">same phone</span>' in asked
        assert "a question: a switchboard or a shared line, under two names?" in asked
    asked = item(dana, eli)
    assert '<span class="badge">same email</span>' in asked
    assert "a question: a team's address, under two names?" in asked
    # The sure pair first, then the questions.
    assert items.index(sure) == 0


def test_the_contact_list_links_to_it(client_logged_in):
    assert f'href="{URL}"' in text(client_logged_in.get(reverse("contacts:contact-list")))


def test_not_the_same_person_dismisses_the_pair_for_good(client_logged_in, user, pairs):
    sara, sarah, jon, john = pairs
    response = client_logged_in.post(DISMISS, {"first": john.pk, "second": jon.pk})
    assert response.status_code == 302 and response.url == URL
    pair = DismissedPair.objects.get(user=user)
    assert (pair.first, pair.second) == (jon, john)  # stored once, lower id first
    page = text(client_logged_in.get(URL))
    assert "John Public and Jon Public are two people" in page
    assert "similar name" not in page and "same email" in page
    client_logged_in.post(DISMISS, {"first": jon.pk, "second": john.pk})  # again: no second row
    assert DismissedPair.objects.count() == 1


def test_htmx_dismiss_answers_the_row_that_replaces_the_pair(client_logged_in, pairs):
    sara, sarah, _, _ = pairs
    response = client_logged_in.post(
        DISMISS, {"first": sara.pk, "second": sarah.pk}, headers={"HX-Request": "true"}
    )
    body = assert_fragment(response, "Sara Smith and Sarah Smith are two people")
    assert 'class="duplicate-pair dismissed"' in body
    assert hx_trigger(response)["pairDismissed"] == {"first": sara.pk, "second": sarah.pk}


def test_htmx_dismiss_counts_down_the_pairs_left_in_the_heading(client_logged_in, pairs):
    sara, sarah, jon, john = pairs
    assert 'id="duplicates-count">2 pairs to look at' in client_logged_in.get(URL).content.decode()
    htmx = {"HX-Request": "true"}
    body = client_logged_in.post(
        DISMISS, {"first": sara.pk, "second": sarah.pk}, headers=htmx
    ).content.decode()
    assert 'id="duplicates-count" hx-swap-oob="true">1 pair to look at' in body
    body = client_logged_in.post(
        DISMISS, {"first": jon.pk, "second": john.pk}, headers=htmx
    ).content.decode()
    assert 'id="duplicates-count" hx-swap-oob="true">No more pairs to look at.' in body


def test_the_empty_state(client_logged_in, user):
    make_contact(user, "Sara Smith")
    page = text(client_logged_in.get(URL))
    assert "No likely duplicates." in page and "duplicate-pair" not in page


def test_another_users_contacts_are_a_404_and_never_shown(client_logged_in, other_user, pairs):
    sara = pairs[0]
    mallory = make_contact(other_user, "Sara Smith", email="sara@example.com")
    twin = make_contact(other_user, "Sara Smith", email="sara@example.com")
    assert client_logged_in.post(DISMISS, {"first": sara.pk, "second": mallory.pk}).status_code == 404
    assert client_logged_in.post(DISMISS, {"first": mallory.pk, "second": twin.pk}).status_code == 404
    assert client_logged_in.post(DISMISS, {"first": sara.pk, "second": sara.pk}).status_code == 404
    assert client_logged_in.post(DISMISS, {"first": "x", "second": ""}).status_code == 404
    assert not DismissedPair.objects.exists()
    assert f'href="{mallory.get_absolute_url()}"' not in text(client_logged_in.get(URL))


def test_login_required_and_methods(client, user):
    assert_login_redirect(client.get(URL), URL)
    client.force_login(user)
    assert_not_allowed(client.post(URL), "GET")
    assert_not_allowed(client.get(DISMISS), "POST")


def test_pages_of_pairs(client_logged_in, user, settings):
    settings.NETCRM_PAGE_SIZE = 3
    bulk_contacts(user, 4, prefix="Twin")
    bulk_contacts(user, 4, prefix="Twin")  # the same emails: 4 pairs
    first = text(client_logged_in.get(URL))
    second = text(client_logged_in.get(URL, {"page": 2}))
    assert first.count('class="duplicate-pair"') == 3 and second.count('class="duplicate-pair"') == 1
    assert "Page 1 of 2" in first and "Page 2 of 2" in second


def test_the_query_count_holds_whatever_the_number_of_contacts(client_logged_in, user):
    people = bulk_contacts(user, 5, prefix="Twin") + bulk_contacts(user, 5, prefix="Twin")
    make_meeting(user, people[:3])
    few, response = count_queries(client_logged_in, URL)
    assert text(response).count('class="duplicate-pair"') == 5
    more = bulk_contacts(user, 45, prefix="Pair") + bulk_contacts(user, 45, prefix="Pair")
    make_meeting(user, more[:30])
    many, response = count_queries(client_logged_in, URL)
    assert text(response).count('class="duplicate-pair"') == 25  # a page of 50 pairs
    assert few == many <= 8, (few, many)
