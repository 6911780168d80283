"""A lead whose organization nobody has named yet ("a Series B fintech in Berlin, via
recruiter Jane Doe"): saved with its role alone, shown as "organization not named
yet" on every page that lists leads (never "None", never an error), asked about once
it is named, checked in on like any application, and kept whole by the Trash."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Profile
from contacts.models import Organization
from events.models import Kind
from followups.models import FollowUp
from insights.services import insights
from jobs.models import Lead, LeadMove, Status
from tests.engine import run_enqueued, run_kind, sweep_kinds
from tests.events.factories import make_event
from tests.factories import make_contact, make_organization
from tests.helpers import HTMX, assert_fragment, assert_full_page, count_queries, text
from tests.jobs.test_views import lead_form, make_lead
from trash.models import TrashEntry
from trash.services import restore

pytestmark = pytest.mark.django_db

LEADS = reverse("jobs:lead-list")
NEW_LEAD = reverse("jobs:add-lead")
UNNAMED = "organization not named yet"
KINDS = ("ask_about_lead", "ask_connectors", "application_checkin")


def unnamed_lead(user, role="Product Manager", **fields) -> Lead:
    return make_lead(user, role, organization=None, **fields)


def assert_no_none(body: str) -> None:
    """"None" is what a missing organization's name would print as."""
    assert ">None<" not in body and " None " not in body and "None ·" not in body, body


# Saving one -----------------------------------------------------------------------------


def test_a_lead_with_no_organization_is_saved_with_its_role_alone(user):
    lead = unnamed_lead(user)
    lead.refresh_from_db()
    assert lead.organization is None
    assert str(lead) == "Product Manager (organization not named yet)"
    assert lead.organization_name == UNNAMED
    assert LeadMove.objects.get(lead=lead).to_status == Status.FOUND


@pytest.mark.parametrize("typed", ["", "   "])
def test_adding_a_lead_with_the_organization_left_empty_saves_it(client_logged_in, user, typed):
    jane = make_contact(user, "Jane Doe", title="Recruiter")

    response = client_logged_in.post(NEW_LEAD, lead_form(
        organization_name=typed, role="Product Manager", source="recruiter",
        notes="A Series B fintech in Berlin", contacts=[jane.pk],
    ))

    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    assert lead.organization is None and lead.role == "Product Manager"
    assert list(lead.contacts.all()) == [jane]
    assert not Organization.objects.exists()  # no organization invented for it
    page = text(client_logged_in.get(lead.get_absolute_url()))
    assert "Added the lead: Product Manager (organization not named yet)." in page


def test_the_form_says_the_organization_can_be_named_later(client_logged_in):
    body = text(client_logged_in.get(NEW_LEAD))
    assert "Leave it empty and name it later." in body
    [box] = re.findall(r'<input[^>]*name="organization_name"[^>]*>', body)
    assert " required" not in box


def test_a_lead_with_no_organization_still_needs_its_role(client_logged_in):
    response = client_logged_in.post(
        NEW_LEAD, lead_form(organization_name="", role="  ", notes="Typed notes")
    )
    assert response.status_code == 422
    body = text(response)
    assert "Which role?" in body and "Typed notes" in body
    assert not Lead.objects.exists()


def test_the_dialog_says_what_was_added(client_logged_in):
    response = client_logged_in.post(
        NEW_LEAD, lead_form(organization_name="", role="Product Manager"), headers=HTMX
    )
    body = assert_fragment(response, "Lead added")
    assert "Product Manager</a> (organization not named yet): found." in body
    assert "name the organization (Edit, on its page)" in body
    assert "See the lead" in body and "See who you know there" not in body
    assert_no_none(body)


def test_editing_names_the_organization_later_and_can_take_it_off_again(client_logged_in, user):
    lead = unnamed_lead(user)
    edit = reverse("jobs:edit-lead", args=[lead.pk])
    assert client_logged_in.get(edit).context["form"]["organization_name"].value() == ""

    client_logged_in.post(edit, lead_form(organization_name="Northwind", role="Product Manager"))
    lead.refresh_from_db()
    assert lead.organization.name == "Northwind"

    client_logged_in.post(edit, lead_form(organization_name=" ", role="Product Manager"))
    lead.refresh_from_db()
    assert lead.organization is None
    assert Organization.objects.filter(name="Northwind").exists()  # the organization stays


# Pages that show leads --------------------------------------------------------------------


def test_the_lead_page_says_the_organization_is_not_named_yet(client_logged_in, user):
    make_contact(user, "Nobody Anywhere")  # a contact at no organization is not "there"
    lead = unnamed_lead(user)

    response = client_logged_in.get(lead.get_absolute_url())

    body = assert_full_page(response, "<h1>Product Manager</h1>")
    assert '<span class="none">Organization not named yet</span>' in body
    assert "The organization is not named yet. When you learn it," in body
    assert f'href="{reverse("jobs:edit-lead", args=[lead.pk])}">name it</a>' in body
    assert "Nobody Anywhere" not in body
    assert response.context["reach"] is None
    assert_no_none(body)


def test_the_lead_page_takes_fewer_queries_without_an_organization(client_logged_in, user):
    named = make_lead(user, "Data Analyst", "Acme")
    unnamed = unnamed_lead(user)
    with_organization, _ = count_queries(client_logged_in, named.get_absolute_url())
    without, _ = count_queries(client_logged_in, unnamed.get_absolute_url())
    assert without < with_organization  # no "who you know there" to look up


def test_the_board_shows_its_card(client_logged_in, user):
    make_lead(user, "Data Analyst", "Acme")
    unnamed_lead(user)

    body = assert_full_page(client_logged_in.get(LEADS), 'id="lead-board"')

    assert '<span class="org none">Organization not named yet</span>' in body
    assert '<span class="org">Acme</span>' in body
    assert "2 leads" in body
    assert_no_none(body)


def test_moving_its_card_on_the_board(client_logged_in, user):
    lead = unnamed_lead(user)
    response = client_logged_in.post(
        reverse("jobs:move-lead", args=[lead.pk]),
        {"to": "reached_out", "from_status": "found", "from_outcome": "", "next": LEADS},
        headers=HTMX,
    )
    body = assert_fragment(response, "Product Manager (organization not named yet): Moved to")
    assert_no_none(body)


def test_the_list_shows_its_row_and_sorts_it_last_by_organization(client_logged_in, user):
    unnamed_lead(user)
    make_lead(user, "Data Analyst", "Zeta")
    make_lead(user, "Designer", "alpha")

    for sort, expected in (
        ("organization", ["Designer", "Data Analyst", "Product Manager"]),
        ("-organization", ["Data Analyst", "Designer", "Product Manager"]),
    ):
        response = client_logged_in.get(LEADS, {"view": "list", "sort": sort})
        assert [lead.role for lead in response.context["page"]] == expected, sort

    body = text(response)
    assert '<td class="wide"><span class="none">Organization not named yet</span></td>' in body
    assert '<span class="phone-sub">Organization not named yet · Found' in body
    assert_no_none(body)


def test_searching_the_leads_finds_one_with_no_organization(client_logged_in, user):
    unnamed_lead(user, notes="Series B fintech in Berlin")
    make_lead(user, "Data Analyst", "Acme")
    for query in ("product", "fintech"):
        response = client_logged_in.get(LEADS, {"view": "list", "q": query})
        assert [lead.role for lead in response.context["page"]] == ["Product Manager"], query
    # And the organization's name still finds the others.
    response = client_logged_in.get(LEADS, {"view": "list", "q": "acme"})
    assert [lead.role for lead in response.context["page"]] == ["Data Analyst"]


def test_search_everything_shows_it(client_logged_in, user):
    unnamed_lead(user)
    body = text(client_logged_in.get(reverse("search:search"), {"q": "product"}))
    assert '<span class="sub">Organization not named yet · Found' in body
    assert_no_none(body)


def test_the_targets_page_leaves_it_out(client_logged_in, user):
    acme = make_organization(user, "Acme", is_target=True)
    make_lead(user, "Data Analyst", acme)
    unnamed_lead(user)

    response = client_logged_in.get(reverse("jobs:targets"))

    body = assert_full_page(response, "<h1>Target companies</h1>")
    [target] = response.context["targets"]
    assert target.organization == acme and target.open_leads == 1
    assert "Product Manager" not in body


def test_an_events_page_names_the_lead_found_there(client_logged_in, user):
    event = make_event(user, "Fintech Meetup", Kind.MEETUP)
    unnamed_lead(user, source="event", event=event)
    body = text(client_logged_in.get(reverse("events:event-detail", args=[event.pk])))
    assert "Product Manager</a> (organization not named yet)<span" in body
    assert_no_none(body)


def test_insights_count_it_among_the_leads_and_not_as_cold(user):
    make_contact(user, "Nobody Anywhere")  # at no organization, as the lead
    unnamed_lead(user)
    found = insights(user, Profile.for_user(user))
    assert {stage.key: stage.total for stage in found.stages}["leads"] == 1
    assert not [f for f in found.findings if "still at “found”" in f.text]


def test_the_insights_page_shows(client_logged_in, user):
    unnamed_lead(user)
    assert client_logged_in.get(reverse("insights:insights")).status_code == 200


# Follow-ups -------------------------------------------------------------------------------


def test_no_ask_until_the_organization_is_named(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    make_contact(user, "Nobody Anywhere")  # at no organization, as the lead
    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(NEW_LEAD, lead_form(organization_name="", role="Product Manager"))
    run_enqueued(enqueued)
    lead = Lead.objects.get()
    assert sweep_kinds(*KINDS) == 0
    assert not FollowUp.objects.filter(lead=lead).exists()
    page = text(client_logged_in.get(lead.get_absolute_url()))
    assert "an ask for insight and an introduction (once its organization is named)" in page

    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(
            reverse("jobs:edit-lead", args=[lead.pk]),
            lead_form(organization_name="Northwind", role="Product Manager"),
        )
    assert run_enqueued(enqueued) == 1
    ask = FollowUp.objects.get(lead=lead)
    assert ask.kind == "ask_connectors"
    assert ask.title.endswith("whom they know at Northwind")


def test_an_application_is_checked_in_on_with_the_person_who_brought_it(client_logged_in, user):
    jane = make_contact(user, "Jane Doe", title="Recruiter")
    lead = unnamed_lead(user, status=Status.APPLIED, people=[jane])

    assert run_kind("application_checkin", [lead.pk]) == 1

    checkin = FollowUp.objects.get(lead=lead)
    assert checkin.contact == jane
    assert checkin.title == "Check in with Jane Doe about your Product Manager application"
    assert checkin.draft.startswith(
        "Hi Jane,\n\nA quick update, since you helped me get there: I applied for the "
        "Product Manager role on "
    )
    assert "Have you heard anything from their side" in checkin.draft
    assert "None" not in checkin.draft and " at " not in checkin.draft.split("\n")[2][:80]
    body = text(client_logged_in.get(checkin.get_absolute_url()))
    assert ">Product Manager (organization not named yet)</a>" in body
    assert_no_none(body)


def test_an_application_with_nobody_behind_it_gets_a_plain_check_in(user):
    lead = unnamed_lead(user, status=Status.APPLIED)
    assert run_kind("application_checkin", [lead.pk]) == 1
    checkin = FollowUp.objects.get(lead=lead)
    assert checkin.contact is None
    assert checkin.title == "Check in on your Product Manager application"
    assert checkin.draft.startswith("Hello,\n\nI applied for the Product Manager role on ")


def test_an_ask_made_before_its_organization_was_taken_off_still_opens(client_logged_in, user):
    acme = make_organization(user, "Acme")
    make_contact(user, "Sara Smith", organization=acme)
    lead = make_lead(user, "Data Analyst", acme)
    run_kind("ask_about_lead", [lead.pk])
    Lead.objects.filter(pk=lead.pk).update(organization=None)
    ask = FollowUp.objects.select_related("lead").get(lead=lead)
    assert ask.spec.subject_line(ask) == "A question about the Data Analyst role"
    assert client_logged_in.get(ask.get_absolute_url()).status_code == 200


def edit_lead(client, lead: Lead, organization_name: str, capture) -> int:
    """The lead's edit form saved with this organization, and its follow-ups made."""
    with capture() as enqueued:
        client.post(
            reverse("jobs:edit-lead", args=[lead.pk]),
            lead_form(organization_name=organization_name, role=lead.role),
        )
    return run_enqueued(enqueued)


@pytest.fixture
def asked_at_acme(user):
    """A lead at Acme, where Sara works, and its open ask about the role."""
    acme = make_organization(user, "Acme")
    make_contact(user, "Sara Smith", organization=acme)
    lead = make_lead(user, "Data Analyst", acme)
    assert run_kind("ask_about_lead", [lead.pk]) == 1
    assert FollowUp.objects.get(lead=lead).title == "Ask Sara Smith about the Data Analyst role at Acme"
    return lead


def test_taking_the_organization_off_withdraws_its_open_ask(
    client_logged_in, asked_at_acme, django_capture_on_commit_callbacks
):
    edit_lead(client_logged_in, asked_at_acme, "", django_capture_on_commit_callbacks)
    asked_at_acme.refresh_from_db()
    assert asked_at_acme.organization is None
    # Sara, at Acme, is nobody to ask about a role at an organization not named yet.
    assert not FollowUp.objects.filter(lead=asked_at_acme).exists()
    assert sweep_kinds(*KINDS) == 0
    assert "Ask Sara Smith" not in text(client_logged_in.get(reverse("home:dashboard")))


def test_naming_another_organization_asks_about_that_one(
    client_logged_in, user, asked_at_acme, django_capture_on_commit_callbacks
):
    northwind = make_organization(user, "Northwind")
    make_contact(user, "Ben Bold", organization=northwind)
    assert edit_lead(
        client_logged_in, asked_at_acme, "Northwind", django_capture_on_commit_callbacks
    ) == 1
    ask = FollowUp.objects.get(lead=asked_at_acme)
    assert ask.title == "Ask Ben Bold about the Data Analyst role at Northwind"
    assert ask.is_open


def test_an_ask_already_done_stays_when_the_organization_changes(
    client_logged_in, user, asked_at_acme, django_capture_on_commit_callbacks
):
    ask = FollowUp.objects.get(lead=asked_at_acme)
    client_logged_in.post(reverse("followups:mark-done", args=[ask.pk]))
    ask.refresh_from_db()
    assert not ask.is_open
    make_contact(user, "Ben Bold", organization=make_organization(user, "Northwind"))
    edit_lead(client_logged_in, asked_at_acme, "Northwind", django_capture_on_commit_callbacks)
    assert list(FollowUp.objects.filter(lead=asked_at_acme)) == [ask]  # asked, as it was said
    assert FollowUp.objects.get(pk=ask.pk).title.endswith("role at Acme")


def test_an_edit_that_keeps_the_organization_keeps_its_ask(
    client_logged_in, asked_at_acme, django_capture_on_commit_callbacks
):
    ask = FollowUp.objects.get(lead=asked_at_acme)
    edit_lead(client_logged_in, asked_at_acme, "Acme", django_capture_on_commit_callbacks)
    assert list(FollowUp.objects.filter(lead=asked_at_acme)) == [ask]
    assert FollowUp.objects.get(pk=ask.pk).is_open


# The Trash and merging -------------------------------------------------------------------


def test_deleting_it_and_restoring_it_from_the_trash(client_logged_in, user):
    lead = unnamed_lead(user)
    delete = reverse("jobs:delete-lead", args=[lead.pk])
    assert "Delete Product Manager (organization not named yet)?" in text(
        client_logged_in.get(delete)
    )
    client_logged_in.post(delete)
    assert not Lead.objects.exists()
    restore(TrashEntry.objects.get())
    restored = Lead.objects.get()
    assert (restored.pk, restored.organization, restored.role) == (lead.pk, None, "Product Manager")


def test_merging_two_organizations_leaves_it_alone(user):
    acme, acme_inc = make_organization(user, "Acme"), make_organization(user, "ACME Inc.")
    moved = make_lead(user, "Data Analyst", acme_inc)
    unnamed = unnamed_lead(user)
    assert acme_inc.merge_into(acme) == (0, 1)
    moved.refresh_from_db()
    unnamed.refresh_from_db()
    assert moved.organization == acme and unnamed.organization is None

