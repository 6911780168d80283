"""Deleting into the Trash and restoring exactly: contacts, organizations, meetings,
requests, follow-ups and referrals, with all that went with them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Note, Organization
from followups.models import FollowUp
from meetings.models import Meeting
from reciprocity.models import InboundRequest
from referrals.models import Referral
from tests.engine import sweep_kinds
from tests.factories import make_contact, make_followup, make_meeting
from tests.helpers import assert_not_allowed, text
from jobs.models import Lead, Status
from trash.models import TrashEntry
from trash.services import CannotRestore, move_to_trash, purge, restore
from trash.tasks import empty_old_trash

pytestmark = pytest.mark.django_db

MODELS = [
    "contacts.organization", "contacts.contact", "contacts.note", "meetings.meeting",
    "meetings.meeting_contacts", "referrals.referral", "reciprocity.inboundrequest",
    "followups.followup", "taggit.taggeditem", "jobs.lead", "jobs.leadmove", "jobs.lead_contacts",
]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the models a delete touches, every column: equal means exact."""
    return {
        label: sorted(apps.get_model(label)._base_manager.values_list(), key=repr)
        for label in MODELS
    }


@pytest.fixture
def alan(user):
    """Alan Park: at Acme, tagged, two notes, referred by Sara, refers John, met in
    three meetings, asked for help once, with a cadence and follow-ups."""
    sara = make_contact(user, "Sara Smith")
    alan = make_contact(
        user, "Alan Park", organization="Acme", tags=["data", "mentor"], keep_in_touch_days=30,
    )
    john = make_contact(user, "John Public")
    alan.log_note("Called about the data team")
    alan.log_note("Sent the article")
    meetings = [make_meeting(user, [alan, sara], notes=f"notes {i}") for i in range(3)]
    Referral.objects.create(user=user, referrer=sara, referred=alan, meeting=meetings[0])
    Referral.objects.create(user=user, referrer=alan, referred=john, meeting=meetings[1])
    InboundRequest.objects.create(user=user, contact=alan, details="15 minutes?")
    make_followup(user, contact=alan, title="Send Alan the article")
    lead = Lead(user=user, organization=alan.organization, role="Data Analyst").save_new([alan])
    lead.move(Status.REACHED_OUT)
    sweep_kinds("keep_in_touch", "referral_call", "thank_you", "reply")
    return alan


def test_the_confirmation_says_what_goes_with_a_contact(client_logged_in, alan):
    page = text(client_logged_in.get(reverse("contacts:delete-contact", args=[alan.pk])))
    assert "Delete Alan Park?" in page
    assert "2 referral chains through Alan Park will break" in page
    assert "3 meetings with Alan Park keep their notes, without them" in page
    assert "2 notes about Alan Park go with them" in page
    assert "1 request for help from Alan Park goes with them" in page
    assert Contact.objects.filter(pk=alan.pk).exists()  # a GET deletes nothing


def test_a_deleted_contact_comes_back_exactly_in_one_tap(client_logged_in, user, alan):
    before = snapshot()
    response = client_logged_in.post(reverse("contacts:delete-contact", args=[alan.pk]))
    assert response.url == reverse("contacts:contact-list")
    assert not Contact.objects.filter(pk=alan.pk).exists()
    assert Referral.objects.count() == 0 and Note.objects.count() == 0
    assert Meeting.objects.count() == 3  # the meetings stay, with their notes
    assert not Meeting.objects.filter(contacts=alan.pk).exists()
    entry = TrashEntry.objects.get(user=user)
    assert entry.label == "Alan Park" and "referral chains" in entry.summary

    response = client_logged_in.post(reverse("trash:restore", args=[entry.pk]))
    assert response.url == alan.get_absolute_url()
    assert snapshot() == before
    assert not TrashEntry.objects.exists()


def test_deleting_a_meeting_keeps_its_referrals_and_restoring_relinks_them(client_logged_in, user, alan):
    meeting = Meeting.objects.filter(referrals__isnull=False).first()
    before = snapshot()
    page = text(client_logged_in.get(reverse("meetings:delete-meeting", args=[meeting.pk])))
    assert "1 referral given there stays, no longer tied to a meeting" in page
    assert "2 contacts met there stay in your contacts" in page
    client_logged_in.post(reverse("meetings:delete-meeting", args=[meeting.pk]))
    assert Referral.objects.filter(meeting__isnull=True).count() == 1
    restore(TrashEntry.objects.get())
    assert snapshot() == before


def test_deleting_an_organization_keeps_its_people(client_logged_in, user, alan):
    acme = Organization.objects.get(name="Acme")
    before = snapshot()
    page = text(client_logged_in.get(reverse("contacts:delete-organization", args=[acme.pk])))
    assert "1 contact at Acme stays, without an organization" in page
    assert "1 lead at Acme goes with it" in page
    client_logged_in.post(reverse("contacts:delete-organization", args=[acme.pk]))
    alan.refresh_from_db()
    assert alan.organization is None
    restore(TrashEntry.objects.get())
    assert snapshot() == before


def test_deleting_a_request_takes_its_reply_and_brings_it_back(client_logged_in, user, alan):
    inbound = InboundRequest.objects.get()
    assert FollowUp.objects.filter(inbound_request=inbound).exists()
    before = snapshot()
    client_logged_in.post(reverse("reciprocity:delete-request", args=[inbound.pk]))
    assert not FollowUp.objects.filter(kind="reply").exists()
    restore(TrashEntry.objects.get())
    assert snapshot() == before


def test_a_deleted_lead_comes_back_with_its_history_and_people(client_logged_in, user, alan):
    lead = Lead.objects.get()
    before = snapshot()
    page = text(client_logged_in.get(reverse("jobs:delete-lead", args=[lead.pk])))
    assert "Delete Data Analyst at Acme?" in page
    assert "its history (2 status moves) goes with it" in page
    client_logged_in.post(reverse("jobs:delete-lead", args=[lead.pk]))
    assert not Lead.objects.exists()
    restore(TrashEntry.objects.get())
    assert snapshot() == before


def test_a_follow_up_made_by_hand_goes_to_the_trash(client_logged_in, user, alan):
    custom = FollowUp.objects.get(kind="custom")
    client_logged_in.post(reverse("followups:delete-followup", args=[custom.pk]))
    assert not FollowUp.objects.filter(pk=custom.pk).exists()
    assert TrashEntry.objects.get().label == "Send Alan the article"


def test_a_follow_up_netcrm_made_is_skipped_not_deleted(client_logged_in, user, alan):
    """Deleted, the engine would only make it again: the page offers Skip instead."""
    call = FollowUp.objects.filter(kind="referral_call").first()
    page = client_logged_in.get(reverse("followups:delete-followup", args=[call.pk]))
    assert "Skip it instead?" in text(page)
    assert reverse("followups:skip", args=[call.pk]) in text(page)
    response = client_logged_in.post(reverse("followups:delete-followup", args=[call.pk]))
    assert response.status_code == 409
    assert FollowUp.objects.filter(pk=call.pk).exists() and not TrashEntry.objects.exists()


def test_a_referral_removed_comes_back_with_its_follow_ups(client_logged_in, user, alan):
    referral = Referral.objects.get(referrer=alan)
    before = snapshot()
    response = client_logged_in.post(reverse("referrals:delete-referral", args=[referral.pk]))
    assert not Referral.objects.filter(pk=referral.pk).exists()
    page = text(client_logged_in.get(response.url))
    assert "Undo" in page and reverse("trash:restore", args=[TrashEntry.objects.get().pk]) in page
    client_logged_in.post(reverse("trash:restore", args=[TrashEntry.objects.get().pk]))
    assert snapshot() == before


def test_an_equal_follow_up_the_engine_made_meanwhile_stands(user, alan):
    """Deleting the meeting a referral call names takes the call; the sweep makes a new
    one (the referral still waits for a call); restoring keeps the new one."""
    call = FollowUp.objects.get(kind="referral_call", contact__name="John Public")
    meeting_id = call.meeting_id
    entry = move_to_trash(call.meeting, kind="meeting", label="the coffee")
    assert not FollowUp.objects.filter(pk=call.pk).exists()
    sweep_kinds("referral_call")
    new_call = FollowUp.objects.get(kind="referral_call", contact__name="John Public")
    restore(entry)
    assert Meeting.objects.filter(pk=meeting_id).exists()
    assert list(FollowUp.objects.filter(kind="referral_call", contact__name="John Public")) == [new_call]
    assert Referral.objects.get(referrer=alan).meeting_id == meeting_id  # relinked


def test_a_meeting_whose_person_was_deleted_since_comes_back_without_them(user, alan):
    sara = Contact.objects.get(name="Sara Smith")
    meeting = make_meeting(user, [alan, sara])
    meeting_id = meeting.pk
    entry = move_to_trash(meeting, kind="meeting", label="coffee")
    move_to_trash(sara, kind="contact", label="Sara Smith")
    restore(entry)
    assert list(Meeting.objects.get(pk=meeting_id).contacts.all()) == [alan]


def test_restoring_twice_brings_it_back_once(client_logged_in, user, alan):
    entry = move_to_trash(alan, kind="contact", label="Alan Park")
    url = reverse("trash:restore", args=[entry.pk])
    client_logged_in.post(url)
    response = client_logged_in.post(url, follow=True)
    assert "back already" in text(response)
    assert Contact.objects.filter(name="Alan Park").count() == 1
    with pytest.raises(CannotRestore):
        restore(entry)


def test_a_second_tap_on_delete_is_not_an_error(client_logged_in, alan):
    url = reverse("contacts:delete-contact", args=[alan.pk])
    client_logged_in.post(url)
    response = client_logged_in.post(url, follow=True)
    assert response.status_code == 200 and "Already deleted" in text(response)
    assert TrashEntry.objects.count() == 1
    assert client_logged_in.get(url).status_code == 404


def test_another_users_things_cannot_be_deleted_or_restored(client, user, other_user, alan):
    client.force_login(other_user)
    for name in ["contacts:delete-contact", "meetings:delete-meeting", "reciprocity:delete-request",
                 "followups:delete-followup", "contacts:delete-organization"]:
        model = {"contacts:delete-contact": Contact, "meetings:delete-meeting": Meeting,
                 "reciprocity:delete-request": InboundRequest, "followups:delete-followup": FollowUp,
                 "contacts:delete-organization": Organization}[name]
        pk = model.objects.filter(user=user).first().pk
        assert client.get(reverse(name, args=[pk])).status_code == 404
        # Not "Already deleted: it is in the Trash", which was not true.
        assert client.post(reverse(name, args=[pk])).status_code == 404
        assert model.objects.filter(pk=pk).exists()
    entry = move_to_trash(alan, kind="contact", label="Alan Park")
    assert "Alan Park" not in text(client.get(reverse("trash:list")))
    client.post(reverse("trash:restore", args=[entry.pk]))
    assert TrashEntry.objects.filter(pk=entry.pk).exists()  # not restored by them
    assert not Contact.objects.filter(name="Alan Park").exists()


def test_the_delete_and_restore_views_answer_only_their_methods(client_logged_in, alan):
    url = reverse("contacts:delete-contact", args=[alan.pk])
    assert_not_allowed(client_logged_in.put(url), "GET, POST")
    entry = move_to_trash(make_contact(alan.user, "Zed"), kind="contact", label="Zed")
    assert_not_allowed(client_logged_in.get(reverse("trash:restore", args=[entry.pk])), "POST")


def test_the_trash_page_lists_what_waits_and_when_it_goes(client_logged_in, user, alan):
    assert "The Trash is empty" in text(client_logged_in.get(reverse("trash:list")))
    move_to_trash(alan, kind="contact", label="Alan Park", summary=["2 referral chains break"])
    page = text(client_logged_in.get(reverse("trash:list")))
    assert "Alan Park" in page and "2 referral chains break" in page and "Restore" in page


def test_old_trash_is_emptied_and_the_rest_kept(user, alan, settings):
    settings.TRASH_KEEP_DAYS = 30
    now = timezone.now()
    old = move_to_trash(alan, kind="contact", label="Alan Park", now=now - timedelta(days=31))
    recent = move_to_trash(make_contact(user, "Zed"), kind="contact", label="Zed",
                           now=now - timedelta(days=29))
    assert empty_old_trash() == 1
    assert list(TrashEntry.objects.all()) == [recent]
    assert purge(now) == 0 and not TrashEntry.objects.filter(pk=old.pk).exists()


def test_the_trash_page_keeps_its_query_count(client_logged_in, user, django_assert_max_num_queries):
    for i in range(30):
        move_to_trash(make_contact(user, f"Person {i}"), kind="contact", label=f"Person {i}")
    with django_assert_max_num_queries(8):
        assert client_logged_in.get(reverse("trash:list")).status_code == 200
