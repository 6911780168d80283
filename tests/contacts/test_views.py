"""Views of contacts/: contact list, detail, create, edit; organizations likewise."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from contacts.models import Contact, Organization, Source
from followups.models import FollowUp, Status
from jobs.models import Lead
from referrals.models import Referral
from tests.factories import (
    bulk_contacts,
    bulk_followups,
    bulk_meetings,
    bulk_organizations,
    make_contact,
    make_followup,
    make_meeting,
    make_organization,
)
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_htmx_login_redirect,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    text,
)
from trash.models import TrashEntry

pytestmark = pytest.mark.django_db

CONTACTS = reverse("contacts:contact-list")
NEW_CONTACT = reverse("contacts:create-contact")
ORGANIZATIONS = reverse("contacts:organization-list")
NEW_ORGANIZATION = reverse("contacts:create-organization")
PAGE_SIZE = settings.NETCRM_PAGE_SIZE


def contact_url(contact: Contact) -> str:
    return reverse("home:contact-detail", args=[contact.pk])


def edit_contact_url(contact: Contact) -> str:
    return reverse("contacts:edit-contact", args=[contact.pk])


def organization_url(organization: Organization) -> str:
    return reverse("home:organization-detail", args=[organization.pk])


def edit_organization_url(organization: Organization) -> str:
    return reverse("contacts:edit-organization", args=[organization.pk])


def contact_form(**overrides) -> dict:
    data = {
        "name": "Sara Smith",
        "organization_name": "Acme",
        "title": "Engineering manager",
        "email": "sara@acme.example",
        "phone": "+1 555 0100",
        "links": "https://example.com/sara",
        "source": Source.EVENT,
        "tags": "python, hiring",
        "notes": "Met at the meetup.",
    }
    return data | overrides


def organization_form(**overrides) -> dict:
    data = {
        "name": "Initech",
        "website": "https://initech.example",
        "is_target": "on",
        "quiet_hours": "Mornings before 10",
        "notes": "Hiring in spring.",
    }
    return data | overrides


def listed_names(response) -> list[str]:
    """The contacts a list page (or its fragment) shows, in order."""
    return [c.name for c in response.context["page"].object_list]


@pytest.fixture
def people(user):
    """Four contacts, each findable by one different thing."""
    return {
        "name": make_contact(user, "Zelda Quartermain"),
        "organization": make_contact(user, "Bob Jones", organization="Globex Corporation"),
        "email": make_contact(user, "Carla Diaz", email="carla@wintermute.example"),
        "tag": make_contact(user, "Dan Evans", tags=["sailing"]),
    }


# --- contact list -------------------------------------------------------------------------


def test_contact_list_shows_only_the_users_contacts(client_logged_in, user, other_user, people):
    make_contact(other_user, "Mallory Secret", organization="Evil Corp")

    response = client_logged_in.get(CONTACTS)

    body = assert_full_page(response, 'id="contact-rows"')
    assert listed_names(response) == ["Bob Jones", "Carla Diaz", "Dan Evans", "Zelda Quartermain"]
    assert "4 contacts" in body
    assert "Globex Corporation" in body
    assert '<span class="badge">sailing</span>' in body
    assert f'href="{contact_url(people["name"])}"' in body
    assert "Mallory Secret" not in body and "Evil Corp" not in body


@pytest.mark.parametrize(
    "query, who",
    [
        ("quartermain", "name"),
        ("GLOBEX", "organization"),
        ("wintermute", "email"),
        ("sail", "tag"),
    ],
)
def test_contact_list_search(client_logged_in, people, query, who):
    response = client_logged_in.get(CONTACTS, {"q": query})

    assert listed_names(response) == [people[who].name]
    body = text(response)
    assert f"1 contact matching “{query}”" in body
    assert f'value="{query}"' in body  # the search box keeps what was typed


def test_contact_list_search_does_not_find_other_users_contacts(
    client_logged_in, other_user, people
):
    make_contact(other_user, "Sailor Moon", tags=["sailing"])

    response = client_logged_in.get(CONTACTS, {"q": "sail"})

    assert listed_names(response) == ["Dan Evans"]


def test_contact_list_search_lists_a_contact_once_whatever_matches(client_logged_in, user):
    make_contact(
        user, "Acme Fan", organization="Acme", email="fan@acme.example",
        tags=["acme", "acme-alumni"],
    )

    response = client_logged_in.get(CONTACTS, {"q": "acme"})

    assert listed_names(response) == ["Acme Fan"]
    assert response.context["page"].paginator.count == 1


def test_contact_list_search_without_match(client_logged_in, people):
    response = client_logged_in.get(CONTACTS, {"q": "nobody-by-this-name"})

    assert listed_names(response) == []
    assertContains(response, "No contact matches “nobody-by-this-name”.")


def test_contact_list_is_empty_for_a_new_user(client_logged_in):
    assertContains(client_logged_in.get(CONTACTS), "No contacts yet.")


def test_contact_list_pages(client_logged_in, user):
    bulk_contacts(user, PAGE_SIZE + 5)

    first = client_logged_in.get(CONTACTS)
    second = client_logged_in.get(CONTACTS, {"page": 2})

    assert listed_names(first) == [f"Person {i:03d}" for i in range(PAGE_SIZE)]
    assert listed_names(second) == [f"Person {i:03d}" for i in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assertContains(first, "Page 1 of 2")
    assertContains(first, 'href="?page=2"')
    assertNotContains(first, "Previous")
    assertContains(second, "Page 2 of 2")
    assertContains(second, 'href="?page=1"')
    # A page past the end shows the last page rather than an error.
    assert listed_names(client_logged_in.get(CONTACTS, {"page": 99})) == listed_names(second)


def test_contact_list_search_pages_keep_the_query(client_logged_in, user):
    acme = make_organization(user, "Acme")
    bulk_contacts(user, PAGE_SIZE + 1, organizations=[acme])
    bulk_contacts(user, 3, prefix="Other")

    response = client_logged_in.get(CONTACTS, {"q": "acme", "page": 2}, headers=HTMX)

    assert listed_names(response) == [f"Person {PAGE_SIZE:03d}"]
    body = assert_fragment(response, 'id="contact-rows"')
    assert f"{PAGE_SIZE + 1} contacts matching “acme”" in body
    assert 'hx-get="?q=acme&amp;page=1"' in body
    assert 'hx-target="#contact-rows"' in body


def test_contact_list_htmx_gets_the_rows_fragment(client_logged_in, people):
    response = client_logged_in.get(CONTACTS, {"q": "globex"}, headers=HTMX)

    body = assert_fragment(response, 'id="contact-rows"')
    assert "Bob Jones" in body
    assert "Zelda Quartermain" not in body
    assert 'role="search"' not in body  # the search box stays on the page, not in the rows


def test_contact_list_varies_on_hx_request(client_logged_in, people):
    response = client_logged_in.get(CONTACTS, {"q": "globex"}, headers=HTMX)
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    assert "hx-request" in vary


def test_contact_list_history_restore_gets_the_full_page(client_logged_in, people):
    response = client_logged_in.get(
        CONTACTS,
        {"q": "globex"},
        headers=HTMX | {"HX-History-Restore-Request": "true"},
    )
    assert_full_page(response, 'role="search"')


def test_contact_list_login_required(client):
    assert_login_redirect(client.get(CONTACTS), CONTACTS)
    assert_htmx_login_redirect(client.get(CONTACTS, headers=HTMX), CONTACTS)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_contact_list_wrong_method(client_logged_in, user, method):
    response = getattr(client_logged_in, method)(CONTACTS, {"name": "Posted Person"})
    assert_not_allowed(response, "GET")
    assert not Contact.objects.exists()


def test_contact_list_query_count_holds(client_logged_in, user, django_assert_num_queries):
    orgs = bulk_organizations(user, 3)
    bulk_contacts(user, 1, organizations=orgs, tag="python")
    client_logged_in.get(CONTACTS)  # warm the content-type cache
    one, response = count_queries(client_logged_in, CONTACTS)
    assert listed_names(response) == ["Person 000"]

    bulk_contacts(user, 199, prefix="More", organizations=orgs, tag="python")

    with django_assert_num_queries(one):
        response = client_logged_in.get(CONTACTS)
    assert len(listed_names(response)) == PAGE_SIZE
    assert text(response).count('<span class="badge">python</span>') == PAGE_SIZE


def test_contact_search_query_count_holds(client_logged_in, user, django_assert_num_queries):
    orgs = bulk_organizations(user, 3)
    bulk_contacts(user, 1, organizations=orgs, tag="python")
    client_logged_in.get(CONTACTS, {"q": "python"}, headers=HTMX)
    one, response = count_queries(client_logged_in, CONTACTS, data={"q": "python"}, headers=HTMX)
    assert listed_names(response) == ["Person 000"]

    bulk_contacts(user, 199, prefix="More", organizations=orgs, tag="python")

    with django_assert_num_queries(one):
        response = client_logged_in.get(CONTACTS, {"q": "python"}, headers=HTMX)
    assert response.context["page"].paginator.count == 200


# --- contact detail -----------------------------------------------------------------------


def test_contact_detail_shows_the_contact_and_timeline(client_logged_in, user):
    now = timezone.now()
    sara = make_contact(
        user,
        "Sara Smith",
        organization="Acme",
        title="Engineering manager",
        email="sara@acme.example",
        links="https://example.com/sara\n\nhttps://sara.example",
        tags=["python"],
        last_interaction_at=now - timedelta(days=3),
    )
    john = make_contact(user, "John Public")
    coffee = make_meeting(
        user, [sara], starts_at=now - timedelta(days=3), purpose="Her team's hiring plans"
    )
    make_meeting(user, [john], starts_at=now - timedelta(days=2), kind="call")
    note = make_followup(
        user, title="Thank Sara for the coffee", contact=sara, meeting=coffee,
        due_at=now - timedelta(days=2),
    )
    make_followup(user, title="Call John back", contact=john)

    response = client_logged_in.get(contact_url(sara))

    body = assert_full_page(response, "<h1>Sara Smith</h1>")
    assert "Engineering manager, " in body
    assert f'<a href="{sara.organization.get_absolute_url()}">Acme</a>' in body
    assert 'href="mailto:sara@acme.example"' in body
    assert 'href="https://sara.example"' in body
    assert '<span class="badge">python</span>' in body
    assert "(3\xa0days ago)" in body  # whole days, not "3 days, 2 hours"
    assert f"{reverse('meetings:log-meeting')}?contact={sara.pk}" in body
    # The open follow-up is what is due (overdue); the timeline is what happened.
    timeline = response.context["timeline"]
    assert [(kind, item) for kind, _, item in timeline] == [("meeting", coffee)]
    assert response.context["due"] == [note]
    assert '<span class="badge overdue">overdue</span>' in body
    assert "Coffee with Sara Smith" in body
    assert "Her team&#x27;s hiring plans" in body
    assert "Thank Sara for the coffee" in body
    assert "John" not in body


def test_contact_detail_without_history(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    response = client_logged_in.get(contact_url(sara))
    assertContains(response, "Nothing yet. Meetings and follow-ups with Sara appear here.")
    assertContains(response, "none logged yet")


def test_contact_detail_of_another_user_is_404(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory Secret")
    response = client_logged_in.get(contact_url(theirs))
    assert response.status_code == 404
    assertNotContains(response, "Mallory Secret", status_code=404)


def test_contact_detail_login_required(client, user):
    sara = make_contact(user)
    assert_login_redirect(client.get(contact_url(sara)), contact_url(sara))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_contact_detail_wrong_method(client_logged_in, user, method):
    sara = make_contact(user)
    response = getattr(client_logged_in, method)(contact_url(sara))
    assert_not_allowed(response, "GET")
    assert Contact.objects.filter(pk=sara.pk).exists()


def test_contact_detail_query_count_holds(client_logged_in, user, django_assert_num_queries):
    sara = make_contact(user, "Sara Smith", organization="Acme", tags=["python"])
    john = make_contact(user, "John Public", organization="Globex")
    meetings = bulk_meetings(user, 1, contacts=[sara, john])
    bulk_followups(user, [timezone.now()], contacts=[sara], meetings=meetings)
    url = contact_url(sara)
    one, response = count_queries(client_logged_in, url)
    assert len(response.context["timeline"]) == 1 and len(response.context["due"]) == 1

    more = bulk_meetings(
        user, 199, contacts=[sara, john], start=timezone.now() - timedelta(days=30)
    )
    bulk_followups(
        user,
        [timezone.now() + timedelta(hours=i) for i in range(199)],
        contacts=[sara],
        meetings=more,
        title="Later",
    )

    with django_assert_num_queries(one):
        response = client_logged_in.get(url)
    assert len(response.context["timeline"]) == 50  # the newest 50 meetings
    assert len(response.context["due"]) == 50  # and 50 open follow-ups, earliest first
    assert response.context["due"][0].due_at < response.context["due"][-1].due_at
    assert text(response).count("Coffee with John Public and Sara Smith") == 50


def test_contact_detail_shows_the_tags_by_name_from_one_query(client_logged_in, user):
    # The tags come with the contact's prefetch as a list (taggit's manager, costly to
    # make, is not built for them), in name order.
    sara = make_contact(user, "Sara Smith", tags=["zeta", "alpha", "mentor"])
    with CaptureQueriesContext(connection) as queries:
        response = client_logged_in.get(contact_url(sara))
    page = text(response)
    assert page.index("alpha") < page.index("mentor") < page.index("zeta")
    tag_queries = [q["sql"] for q in queries.captured_queries if '"taggit_tag"' in q["sql"]]
    assert len(tag_queries) == 1, tag_queries


def test_contact_detail_reads_what_they_have_none_of_in_their_own_query(client_logged_in, user):
    """No tags, no past employer, no notes, never asked for a meeting, in no lead: the
    contact's query says so (an EXISTS each), and none of them is read on its own."""
    sara = make_contact(user, "Sara Smith")
    with CaptureQueriesContext(connection) as queries:
        response = client_logged_in.get(contact_url(sara))
    assert response.status_code == 200
    tables = ('"taggit_tag"', '"contacts_contact_past_organizations"', '"contacts_note"',
              '"outreach_outreach"', '"jobs_lead_contacts"')
    alone = [q["sql"] for q in queries.captured_queries[1:] if any(t in q["sql"] for t in tables)]
    assert alone == []
    assert all(t in queries.captured_queries[0]["sql"] for t in tables[1:])  # the contact's


def test_contact_detail_walks_the_referrals_only_for_those_they_can_find(
    client_logged_in, user
):
    """Nobody referred Sara and she referred nobody: no chain walk, no tree walk (and,
    as she never asked for help, no list of her requests). Once John refers her and she
    refers Alan, both walks run and both show them."""
    sara = make_contact(user, "Sara Smith")
    quiet, response = count_queries(client_logged_in, contact_url(sara))
    assert response.context["chains"] == [] and response.context["led_to"].nodes == []

    john = make_contact(user, "John Public")
    alan = make_contact(user, "Alan Turing")
    Referral.objects.create(user=user, referrer=john, referred=sara)
    Referral.objects.create(user=user, referrer=sara, referred=alan)
    linked, response = count_queries(client_logged_in, contact_url(sara))
    assert [[p.name for p in chain] for chain in response.context["chains"]] == [
        ["John Public", "Sara Smith"]
    ]
    assert [node.contact.name for node in response.context["led_to"].nodes] == ["Alan Turing"]
    # each walk and the people it names, and before the chain walk Sara's ancestors
    # (a chain is never longer than she has them: the walk takes that many steps)
    assert linked == quiet + 5


def test_contact_detail_keeps_the_keep_in_touch_reminder_among_many_open_followups(
    client_logged_in, user
):
    """The reminder comes with the page's follow-ups (open ones first, the reminder
    first of all), so the section shows it however many others are open, with no query
    of its own."""
    from contacts.services import set_cadence

    sara = make_contact(user, "Sara Smith")
    set_cadence(Contact.objects.filter(pk=sara.pk), 30)
    reminder = FollowUp.objects.get(contact=sara, kind="keep_in_touch")
    few, response = count_queries(client_logged_in, contact_url(sara))
    assert response.context["keep_in_touch"]["reminder"] == reminder

    later = [reminder.due_at + timedelta(days=1 + i) for i in range(60)]  # listed before it
    bulk_followups(user, later, contacts=[sara], title="Later")
    many, response = count_queries(client_logged_in, contact_url(sara))
    assert response.context["keep_in_touch"]["reminder"] == reminder
    assert "Next reminder:" in text(response)
    assert many == few

    reminder.status = Status.DONE
    reminder.save()
    response = client_logged_in.get(contact_url(sara))
    assert response.context["keep_in_touch"]["reminder"] is None


# --- contact create -----------------------------------------------------------------------


def test_contact_create_page(client_logged_in):
    response = client_logged_in.get(NEW_CONTACT)
    body = assert_full_page(response, "<h1>New contact</h1>")
    assert 'name="organization_name"' in body
    assert "Save contact" in body


def test_contact_create_saves_the_contact(client_logged_in, user):
    response = client_logged_in.post(NEW_CONTACT, contact_form())

    sara = Contact.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == contact_url(sara)
    assert sara.name == "Sara Smith"
    assert sara.organization.name == "Acme"
    assert sara.organization.user == user
    assert (sara.title, sara.email, sara.source) == (
        "Engineering manager", "sara@acme.example", Source.EVENT,
    )
    assert sorted(sara.tags.names()) == ["hiring", "python"]
    assertContains(client_logged_in.get(response["Location"]), "Added Sara Smith.")


@pytest.mark.parametrize("typed", ["acme corp", "ACME CORP", "  Acme   Corp "])
def test_contact_create_reuses_an_organization_whatever_its_case(client_logged_in, user, typed):
    acme = make_organization(user, "Acme Corp")

    client_logged_in.post(NEW_CONTACT, contact_form(organization_name=typed))

    assert Contact.objects.get(user=user).organization == acme
    assert Organization.objects.count() == 1


def test_contact_create_does_not_reuse_another_users_organization(
    client_logged_in, user, other_user
):
    theirs = make_organization(other_user, "Acme")

    client_logged_in.post(NEW_CONTACT, contact_form(organization_name="acme"))

    mine = Contact.objects.get(user=user).organization
    assert mine != theirs
    assert (mine.user, mine.name) == (user, "acme")


def test_contact_create_without_organization(client_logged_in, user):
    client_logged_in.post(NEW_CONTACT, contact_form(organization_name=""))
    assert Contact.objects.get(user=user).organization is None
    assert not Organization.objects.exists()


def test_contact_create_invalid_keeps_what_was_typed(client_logged_in, user):
    response = client_logged_in.post(
        NEW_CONTACT, contact_form(name="", email="not-an-email", organization_name="Initech")
    )

    assert response.status_code == 422
    body = text(response)
    assert "Please fix the marked fields." in body
    assert "This field is required." in body
    assert "Enter a valid email address." in body
    assert 'value="Initech"' in body
    assert 'value="not-an-email"' in body
    assert not Contact.objects.exists()
    assert not Organization.objects.exists()


def test_contact_create_login_required(client):
    assert_login_redirect(client.get(NEW_CONTACT), NEW_CONTACT)
    assert_login_redirect(client.post(NEW_CONTACT, contact_form()), NEW_CONTACT)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_contact_create_wrong_method(client_logged_in, method):
    response = getattr(client_logged_in, method)(NEW_CONTACT)
    assert_not_allowed(response, "GET, POST")
    assert not Contact.objects.exists()


# --- contact edit -------------------------------------------------------------------------


def test_contact_edit_page_shows_the_values(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme", tags=["python"])

    response = client_logged_in.get(edit_contact_url(sara))

    body = assert_full_page(response, "<h1>Edit Sara Smith</h1>")
    assert 'name="name" value="Sara Smith"' in body
    assert 'name="organization_name" value="Acme"' in body
    assert 'value="python"' in body


def test_contact_edit_saves(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme", tags=["python"])
    globex = make_organization(user, "Globex")

    response = client_logged_in.post(
        edit_contact_url(sara),
        contact_form(name="Sara Smith-Jones", organization_name="GLOBEX", tags="rust"),
    )

    assert response.status_code == 302
    assert response["Location"] == contact_url(sara)
    sara.refresh_from_db()
    assert sara.name == "Sara Smith-Jones"
    assert sara.organization == globex
    assert list(sara.tags.names()) == ["rust"]
    assert Organization.objects.count() == 2  # Acme stays; nothing new
    assertContains(client_logged_in.get(response["Location"]), "Saved Sara Smith-Jones.")


def test_contact_edit_clears_the_organization(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    client_logged_in.post(edit_contact_url(sara), contact_form(organization_name=""))
    sara.refresh_from_db()
    assert sara.organization is None


def test_contact_edit_invalid_is_422_and_changes_nothing(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", email="sara@acme.example")

    response = client_logged_in.post(edit_contact_url(sara), contact_form(email="nope"))

    assertContains(response, "Enter a valid email address.", status_code=422)
    assertContains(response, 'value="nope"', status_code=422)
    sara.refresh_from_db()
    assert sara.email == "sara@acme.example"


def test_contact_edit_of_another_user_is_404(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory Secret", organization="Evil Corp")
    url = edit_contact_url(theirs)

    assert client_logged_in.get(url).status_code == 404
    response = client_logged_in.post(url, contact_form(name="Hijacked", organization_name="Mine"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.organization.name) == ("Mallory Secret", "Evil Corp")
    assert not Organization.objects.filter(name="Mine").exists()


def test_contact_edit_login_required(client, user):
    sara = make_contact(user, "Sara Smith")
    url = edit_contact_url(sara)
    assert_login_redirect(client.get(url), url)
    assert_login_redirect(client.post(url, contact_form(name="Changed")), url)
    sara.refresh_from_db()
    assert sara.name == "Sara Smith"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_contact_edit_wrong_method(client_logged_in, user, method):
    sara = make_contact(user, "Sara Smith")
    response = getattr(client_logged_in, method)(edit_contact_url(sara))
    assert_not_allowed(response, "GET, POST")
    assert Contact.objects.get(pk=sara.pk).name == "Sara Smith"


# --- organization list --------------------------------------------------------------------


def test_organization_list_shows_the_users_organizations(client_logged_in, user, other_user):
    acme = make_organization(user, "acme", is_target=True)
    make_organization(user, "Globex")
    make_contact(user, "Sara Smith", organization=acme)
    make_contact(user, "John Public", organization=acme)
    make_organization(other_user, "Evil Corp")

    response = client_logged_in.get(ORGANIZATIONS)

    body = assert_full_page(response, "<h1>Organizations</h1>")
    assert [o.name for o in response.context["page"]] == ["acme", "Globex"]
    assert f'href="{organization_url(acme)}"' in body
    assert "2 contacts" in body
    assert "0 contacts" in body
    assert body.count('<span class="badge">target</span>') == 1
    assert "Evil Corp" not in body


def test_organization_list_empty(client_logged_in):
    body = text(client_logged_in.get(ORGANIZATIONS))
    assert "No organizations yet. They are added as you type them for the people you meet " \
        "and the leads you find" in body
    assert f'<a href="{NEW_ORGANIZATION}">add one</a>' in body


def test_organization_list_of_targets_when_none_says_how_to_mark_one(client_logged_in, user):
    make_organization(user, "Acme")
    body = text(client_logged_in.get(ORGANIZATIONS, {"target": "1"}))
    assert "None of your organizations is a target yet: open one you would like to work " \
        "for and tap “Mark as target”." in body
    body = text(client_logged_in.get(ORGANIZATIONS, {"target": "1", "q": "acme"}))
    assert "No organization matches “acme” among your targets." in body


def test_organization_list_pages(client_logged_in, user):
    bulk_organizations(user, PAGE_SIZE + 2)
    first = client_logged_in.get(ORGANIZATIONS)
    second = client_logged_in.get(ORGANIZATIONS, {"page": 2})
    shown = [o.name for o in first.context["page"]] + [o.name for o in second.context["page"]]
    assert len(first.context["page"]) == PAGE_SIZE
    assertContains(first, "Page 1 of 2")
    assertContains(second, "Page 2 of 2")
    assert sorted(shown) == [f"Org {i:03d}" for i in range(PAGE_SIZE + 2)]


def test_organization_list_is_alphabetical_across_pages(client_logged_in, user):
    names = [f"Org {i:03d}" for i in range(PAGE_SIZE + 5)]
    for name in reversed(names):  # inserted Z..A
        make_organization(user, name)

    first = client_logged_in.get(ORGANIZATIONS)
    second = client_logged_in.get(ORGANIZATIONS, {"page": 2})

    assert [o.name for o in first.context["page"]] == names[:PAGE_SIZE]
    assert [o.name for o in second.context["page"]] == names[PAGE_SIZE:]
    # Not by luck of the query plan (PostgreSQL's GROUP BY may sort): the query is ordered;
    # Django drops Meta.ordering from a GROUP BY query, as Count("contacts") makes it.
    assert first.context["page"].paginator.object_list.ordered


def test_organization_list_login_required(client):
    assert_login_redirect(client.get(ORGANIZATIONS), ORGANIZATIONS)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_organization_list_wrong_method(client_logged_in, method):
    response = getattr(client_logged_in, method)(ORGANIZATIONS, {"name": "Posted"})
    assert_not_allowed(response, "GET")
    assert not Organization.objects.exists()


def test_organization_list_query_count_holds(client_logged_in, user, django_assert_num_queries):
    orgs = bulk_organizations(user, 1)
    bulk_contacts(user, 3, organizations=orgs)
    one, response = count_queries(client_logged_in, ORGANIZATIONS)
    assert [o.contact_count for o in response.context["page"]] == [3]

    more = bulk_organizations(user, 199, prefix="More")
    bulk_contacts(user, 398, prefix="Staff", organizations=more)

    with django_assert_num_queries(one):
        response = client_logged_in.get(ORGANIZATIONS)
    counts = [o.contact_count for o in response.context["page"]]
    assert len(counts) == PAGE_SIZE and set(counts) <= {2, 3}
    assert response.context["page"].paginator.count == 200


# --- organization detail ------------------------------------------------------------------


def test_organization_detail_shows_it_and_its_people(client_logged_in, user):
    acme = make_organization(
        user, "Acme", website="https://acme.example", is_target=True,
        quiet_hours="Fridays after 3", notes="Hiring in spring",
    )
    make_contact(user, "Sara Smith", organization=acme, title="Engineer")
    make_contact(user, "John Public", organization="Globex")

    response = client_logged_in.get(organization_url(acme))

    body = assert_full_page(response, "<h1>Acme</h1>")
    assert "target company" in body
    assert 'href="https://acme.example"' in body
    assert "Fridays after 3" in body
    assert "Hiring in spring" in body
    assert "Sara Smith" in body and "Engineer" in body
    assert "John Public" not in body
    assert f'href="{edit_organization_url(acme)}"' in body


def test_organization_with_nobody_says_so_once_and_offers_to_add_someone(
    client_logged_in, user, other_user
):
    """A company typed for a lead, nobody known there yet: one "Nobody yet" (not two),
    and a way to add the person met there, the organization filled in."""
    acme = make_organization(user, "Acme Ünïted")

    body = text(client_logged_in.get(organization_url(acme)))

    assert body.count("Nobody yet") == 1
    add = f"{NEW_CONTACT}?organization={acme.pk}"
    assert f'href="{add}"' in body and "+ Add a person at Acme Ünïted" in body
    form = client_logged_in.get(add)
    assertContains(form, 'name="organization_name" value="Acme Ünïted"')
    theirs = make_organization(other_user, "Secret Corp")
    form = client_logged_in.get(f"{NEW_CONTACT}?organization={theirs.pk}")
    assertNotContains(form, "Secret Corp")


def test_organization_leads_fetch_themselves_again_after_a_lead_added(
    client_logged_in, user, django_assert_max_num_queries
):
    """"+ Add a lead at Acme" opens the dialog; once it is saved ("leadAdded"), the
    page's leads ask for themselves and HTMX gets them alone, the new one in."""
    acme = make_organization(user, "Acme")
    page = text(client_logged_in.get(organization_url(acme)))
    assert f'hx-get="{organization_url(acme)}" hx-trigger="leadAdded from:body"' in page
    assert "No lead at Acme yet." in page
    Lead(user=user, organization=acme, role="Data Analyst").save_new()

    with django_assert_max_num_queries(8):
        response = client_logged_in.get(organization_url(acme), headers=HTMX)

    body = assert_fragment(response, 'id="organization-leads"')
    assert "Data Analyst" in body and "No lead at Acme yet." not in body
    assert "Who you know at" not in body


def test_organization_detail_lists_people_alphabetically(client_logged_in, user):
    acme = make_organization(user, "Acme")
    for name in ("Carl Zed", "bob young", "Alice Xu"):
        make_contact(user, name, organization=acme)

    response = client_logged_in.get(organization_url(acme))

    assert [c.name for c in response.context["contacts"]] == ["Alice Xu", "bob young", "Carl Zed"]


def test_organization_detail_of_another_user_is_404(client_logged_in, other_user):
    theirs = make_organization(other_user, "Evil Corp")
    response = client_logged_in.get(organization_url(theirs))
    assert response.status_code == 404
    assertNotContains(response, "Evil Corp", status_code=404)


def test_organization_detail_login_required(client, user):
    acme = make_organization(user)
    assert_login_redirect(client.get(organization_url(acme)), organization_url(acme))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_organization_detail_wrong_method(client_logged_in, user, method):
    acme = make_organization(user)
    response = getattr(client_logged_in, method)(organization_url(acme))
    assert_not_allowed(response, "GET")
    assert Organization.objects.filter(pk=acme.pk).exists()


# --- organization create / edit -----------------------------------------------------------


def test_organization_create_page(client_logged_in):
    response = client_logged_in.get(NEW_ORGANIZATION)
    body = assert_full_page(response, "<h1>New organization</h1>")
    assert 'name="quiet_hours"' in body


def test_organization_create_saves(client_logged_in, user):
    response = client_logged_in.post(NEW_ORGANIZATION, organization_form(name="  Initech   Ltd "))

    initech = Organization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == organization_url(initech)
    assert (initech.user, initech.name, initech.is_target) == (user, "Initech Ltd", True)
    assert initech.quiet_hours == "Mornings before 10"
    assertContains(client_logged_in.get(response["Location"]), "Saved Initech Ltd.")


@pytest.mark.parametrize("existing, typed", [
    ("Initech", "INITECH"),
    ("École Polytechnique", "école polytechnique"),  # a capital outside ASCII (SQLite too)
    ("Öresund AB", "öresund ab"),
    ("Nestlé", "Nestle"),  # typed without its accent
])
def test_organization_create_rejects_a_name_in_use_whatever_its_case(
    client_logged_in, user, existing, typed
):
    make_organization(user, existing)

    response = client_logged_in.post(NEW_ORGANIZATION, organization_form(name=typed))

    assertContains(
        response, "You have an organization of this name already.", status_code=422
    )
    assertContains(response, f'value="{typed}"', status_code=422)
    assert Organization.objects.count() == 1
    # A person or a lead at it is at the same one.
    assert Organization.objects.named(user, typed) == Organization.objects.get()


def test_organization_create_allows_a_name_another_user_has(client_logged_in, user, other_user):
    make_organization(other_user, "Initech")
    response = client_logged_in.post(NEW_ORGANIZATION, organization_form())
    assert response.status_code == 302
    assert Organization.objects.filter(user=user, name="Initech").exists()


def test_organization_edit_saves(client_logged_in, user):
    acme = make_organization(user, "Acme")

    page = client_logged_in.get(edit_organization_url(acme))
    assertContains(page, "<h1>Edit Acme</h1>", html=True)
    assertContains(page, 'name="name" value="Acme"')

    response = client_logged_in.post(
        edit_organization_url(acme), organization_form(name="ACME", is_target="")
    )

    assert response["Location"] == organization_url(acme)
    acme.refresh_from_db()
    assert (acme.name, acme.is_target, acme.website) == ("ACME", False, "https://initech.example")


def test_organization_edit_to_a_name_no_field_takes_asks_nothing_of_the_database(
    client_logged_in, user
):
    # A NUL (which PostgreSQL refuses in a query) or a name longer than the column: the
    # field's mistake, not a lookup of the organizations of that name.
    acme_inc = make_organization(user, "ACME Inc.")
    make_organization(user, "Acme")

    for name in ("Ac\x00me", "A" * 1_000):
        response = client_logged_in.post(edit_organization_url(acme_inc), organization_form(name=name))
        assert response.status_code == 422
        assert "merge" not in response.context["form"].fields


def test_organization_edit_to_a_name_in_use_offers_to_merge(client_logged_in, user):
    acme = make_organization(user, "Acme")
    make_organization(user, "Globex")

    response = client_logged_in.post(edit_organization_url(acme), organization_form(name="globex"))

    body = assert_full_page(response, "<h1>Edit Acme</h1>", status=422)
    assert escape("You have “Globex” already. To make them one, tick “Merge Acme into Globex”") in body
    assert 'name="name" value="globex"' in body
    assert body.index('name="name"') < body.index('name="merge"') < body.index('name="website"')
    acme.refresh_from_db()
    assert acme.name == "Acme"
    assert Organization.objects.filter(user=user).count() == 2


def test_organization_edit_merges_the_same_company_typed_two_ways(
    client_logged_in, user, other_user
):
    """"ACME Inc." typed for one lead and "Acme" for another person: renamed to "acme",
    ticked, they are one, with every person and lead, and still a target."""
    acme = make_organization(user, "Acme", notes="HQ downtown")
    acme_inc = make_organization(user, "ACME Inc.", is_target=True, quiet_hours="8-9am")
    sara = make_contact(user, "Sara Smith", organization=acme)
    john = make_contact(user, "John Public", organization=acme_inc)
    lead = Lead(user=user, organization=acme_inc, role="Data Analyst").save_new()
    make_organization(other_user, "Acme")
    alan, rosa = make_contact(user, "Alan Park"), make_contact(user, "Rosa Alvarez")
    alan.past_organizations.set([acme_inc])
    rosa.past_organizations.set([acme, acme_inc])  # typed both ways: once, after

    response = client_logged_in.post(
        edit_organization_url(acme_inc),
        organization_form(name="acme", merge="on", website="", notes="", is_target="on",
                          quiet_hours="8-9am"),
    )

    assert response["Location"] == organization_url(acme)
    assert list(Organization.objects.filter(user=user).values_list("pk", flat=True)) == [acme.pk]
    acme.refresh_from_db()
    assert (acme.name, acme.is_target, acme.quiet_hours, acme.notes) == (
        "acme", True, "8-9am", "HQ downtown"
    )
    assert {c.pk for c in acme.contacts.all()} == {sara.pk, john.pk}
    lead.refresh_from_db()
    assert lead.organization_id == acme.pk
    assert sorted(acme.alumni.values_list("name", flat=True)) == ["Alan Park", "Rosa Alvarez"]
    assert Organization.objects.filter(user=other_user).count() == 1
    page = client_logged_in.get(response["Location"])
    assertContains(page, "Merged ACME Inc. into acme: 1 person and 1 lead moved.")
    assertContains(page, "Data Analyst")


def test_an_organizations_merge_is_undone_whole(client_logged_in, user):
    """The merge comes with Undo, as a contact's does: both organizations come back as
    they were, each with its own people, leads and alumni."""
    acme = make_organization(user, "Acme", notes="HQ downtown")
    acme_inc = make_organization(user, "ACME Inc.", is_target=True, quiet_hours="8-9am")
    sara = make_contact(user, "Sara Smith", organization=acme)
    john = make_contact(user, "John Public", organization=acme_inc)
    lead = Lead(user=user, organization=acme_inc, role="Data Analyst").save_new()
    alan = make_contact(user, "Alan Park")
    alan.past_organizations.set([acme_inc])
    client_logged_in.post(
        edit_organization_url(acme_inc),
        organization_form(name="acme", merge="on", is_target="on", quiet_hours="8-9am"),
    )
    entry = TrashEntry.objects.get(user=user)
    page = client_logged_in.get(organization_url(acme)).content.decode()
    assert entry.get_restore_url() in page  # the Undo

    response = client_logged_in.post(entry.get_restore_url())

    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.is_target, acme.quiet_hours) == ("Acme", False, "")
    back = Organization.objects.get(user=user, name="ACME Inc.")
    assert (back.pk, back.is_target, back.quiet_hours) == (acme_inc.pk, True, "8-9am")
    assert [c.pk for c in acme.contacts.all()] == [sara.pk]
    assert [c.pk for c in back.contacts.all()] == [john.pk]
    lead.refresh_from_db()
    assert lead.organization_id == back.pk
    assert list(back.alumni.values_list("pk", flat=True)) == [alan.pk]
    assert not acme.alumni.exists()


def test_organization_edit_of_another_user_is_404(client_logged_in, user, other_user):
    theirs = make_organization(other_user, "Evil Corp", notes="secret")
    url = edit_organization_url(theirs)

    assert client_logged_in.get(url).status_code == 404
    response = client_logged_in.post(url, organization_form(name="Hijacked"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.user, theirs.name, theirs.notes) == (other_user, "Evil Corp", "secret")
    assert not Organization.objects.filter(user=user).exists()


def test_organization_forms_login_required(client, user):
    acme = make_organization(user, "Acme")
    for url in (NEW_ORGANIZATION, edit_organization_url(acme)):
        assert_login_redirect(client.get(url), url)
        assert_login_redirect(client.post(url, organization_form(name="Changed")), url)
    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme"]


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_organization_forms_wrong_method(client_logged_in, user, method):
    acme = make_organization(user, "Acme")
    for url in (NEW_ORGANIZATION, edit_organization_url(acme)):
        assert_not_allowed(getattr(client_logged_in, method)(url), "GET, POST")
    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme"]


# Keep the timeline's follow-up status visible: a done follow-up says so.
def test_contact_detail_timeline_shows_followup_status(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    make_followup(user, title="Send the article", contact=sara, status=Status.DONE)
    response = client_logged_in.get(contact_url(sara))
    assertContains(response, 'Send the article</a> <span class="badge">Done</span>')


# --- links: nothing that runs code ----------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
     "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"],
)
def test_a_link_that_could_run_code_is_refused_and_what_was_typed_stays(client_logged_in, bad):
    links = f"https://example.com/sara\n{bad}"
    response = client_logged_in.post(NEW_CONTACT, contact_form(links=links))

    assert response.status_code == 422
    assert "is not a link netcrm can open" in response.text
    assert escape(links) in response.text  # the textarea keeps what was typed
    assert not Contact.objects.exists()


def test_safe_links_are_links_and_an_old_bad_one_is_plain_text(client_logged_in, user):
    good = "https://example.com/sara\nmailto:sara@acme.example\ntel:+15550199\nlinkedin.com/in/sara"
    response = client_logged_in.post(NEW_CONTACT, contact_form(links=good))
    contact = Contact.objects.get()
    assert response.status_code == 302
    page = client_logged_in.get(contact.get_absolute_url()).text
    for href in ("https://example.com/sara", "mailto:sara@acme.example", "tel:+15550199",
                 "https://linkedin.com/in/sara"):
        assert f'<a href="{href}"' in page
    # A value saved before links were checked (or by the admin) is shown, never linked.
    Contact.objects.filter(pk=contact.pk).update(links="javascript:alert(1)")
    page = client_logged_in.get(contact.get_absolute_url()).text
    assert '<span class="unsafe-link">javascript:alert(1)</span>' in page
    assert 'href="javascript' not in page


def test_adding_someone_already_there_asks_once_then_saves_anyway(client_logged_in, user):
    """The same email, or the same name whatever its accents, is asked about; "Save
    anyway" adds the new one, with what was typed."""
    from accounts.submissions import FIELD

    sara = make_contact(user, "Sara Smith", email="sara.smith@example.com")
    url = reverse("contacts:create-contact")
    typed = {"name": "Sarah S.", "email": "SARA.SMITH@example.com", "title": "Analyst",
             "source": "knew", FIELD: "0b4f7c1e-6a7a-4c53-9b3e-8f5c2d1e9a00"}
    response = client_logged_in.post(url, typed)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Already in your contacts?" in body and f'href="{sara.get_absolute_url()}"' in body
    assert "the same email" in body and 'name="same_ok" value="1"' in body
    assert 'value="Analyst"' in body and "Save anyway" in body
    assert Contact.objects.for_user(user).count() == 1
    response = client_logged_in.post(url, typed | {"same_ok": "1"})  # the same key: saved once
    assert response.status_code == 302
    assert Contact.objects.for_user(user).count() == 2
    jose = make_contact(user, "José Núñez")
    body = client_logged_in.post(url, {"name": "jose nunez", "source": "knew"}).content.decode()
    assert f'href="{jose.get_absolute_url()}"' in body and "the same name" in body
    assert "Already in your contacts?" not in client_logged_in.post(
        url, {"name": "Someone New", "source": "knew"}, follow=True
    ).content.decode()
