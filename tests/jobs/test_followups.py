"""What a job lead calls for: ask someone there about the role (insight and an
introduction, never a job), ask your connectors when you know nobody there, and check
in on an application with no news; each exactly once, settled when moot."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from followups.models import FollowUp, Status as FollowUpStatus
from followups.services import sweep
from jobs.models import Lead, LeadMove, Status
from jobs.services import move_lead, save_lead
from referrals.models import Referral
from tests.engine import run_enqueued, run_kind, sweep_kinds
from tests.factories import make_contact, make_meeting, make_organization

pytestmark = pytest.mark.django_db

KINDS = ("ask_about_lead", "ask_connectors", "application_checkin")
# What rule 1 forbids: asking for a job, or who is hiring.
JOB_REQUESTS = re.compile(
    r"\b(ask(ing)? (you )?for a job|give me a job|get me a job|find me a job|a job for me|"
    r"hire me|are you hiring|who'?s hiring|who is hiring|any (job )?openings?|"
    r"(job|position) (at|with) your)\b",
    re.IGNORECASE,
)


def make_lead(user, organization, role="Data Analyst", status=Status.FOUND, people=(), **fields):
    return Lead(
        user=user, organization=organization, role=role, status=status, **fields
    ).save_new(list(people))


def lead_followups(lead: Lead, kind: str | None = None):
    followups = FollowUp.objects.filter(lead=lead)
    return followups.filter(kind=kind) if kind else followups


def assert_asks_for_insight_not_a_job(text: str) -> None:
    assert not JOB_REQUESTS.search(text), text
    assert re.search(r"introduc", text, re.IGNORECASE), text
    assert re.search(r"perspective|insight|how things work|how the team", text, re.IGNORECASE)


@pytest.fixture
def acme(user):
    return make_organization(user, "Acme Analytics")


# Ask someone there ---------------------------------------------------------------------


def test_a_lead_where_you_know_someone_asks_the_warmest_of_them(user, acme):
    make_contact(user, "Cold Colleague", organization=acme)
    sara = make_contact(user, "Sara Smith", organization=acme)
    sara.touch(timezone.now() - timedelta(days=3))
    lead = make_lead(user, acme, posting_url="https://acme.example/jobs/1")

    assert run_kind("ask_about_lead", [lead.pk]) == 1

    ask = lead_followups(lead).get()
    assert ask.kind == "ask_about_lead" and ask.contact == sara
    assert ask.title == "Ask Sara Smith about the Data Analyst role at Acme Analytics"
    assert ask.draft.startswith("Hi Sara,\n\nI came across the Data Analyst role at Acme Analytics")
    assert "https://acme.example/jobs/1" in ask.draft
    assert_asks_for_insight_not_a_job(ask.draft)
    assert ask.draft.endswith(user.get_username())
    profile = Profile.for_user(user)
    assert ask.due_at == profile.morning_after(lead.moved_at, 1)
    assert ask.spec.subject_line(ask) == "A question about Acme Analytics"


def test_a_warmer_intro_path_asks_for_an_introduction(user, acme):
    """John works there but you never met him; Sara, who referred you to him, is warm."""
    john = make_contact(user, "John Public", organization=acme)
    sara = make_contact(user, "Sara Smith", organization="Globex")
    make_meeting(user, [sara], starts_at=timezone.now() - timedelta(days=2))
    sara.touch(timezone.now() - timedelta(days=2))
    Referral.objects.create(user=user, referrer=sara, referred=john)
    lead = make_lead(user, acme)

    run_kind("ask_about_lead", [lead.pk])

    ask = lead_followups(lead).get()
    assert ask.contact == sara
    assert ask.title == "Ask Sara Smith about the Data Analyst role at Acme Analytics"
    assert "You pointed me to John Public at Acme Analytics" in ask.draft
    assert "Would you be willing to introduce me to John" in ask.draft
    assert_asks_for_insight_not_a_job(ask.draft)


def test_a_lead_where_you_know_nobody_asks_your_best_connectors(user, acme):
    people = {name: make_contact(user, name) for name in ["Alan", "Beth", "Chloe", "Dev", "Eve"]}
    for referrer, count in [("Beth", 3), ("Alan", 2), ("Dev", 2), ("Chloe", 1)]:
        for i in range(count):
            referred = make_contact(user, f"{referrer}'s friend {i}", organization="Globex")
            Referral.objects.create(user=user, referrer=people[referrer], referred=referred)
    lead = make_lead(user, acme)

    assert run_kind("ask_connectors", [lead.pk]) == 1
    assert run_kind("ask_about_lead", [lead.pk]) == 0  # nobody there to ask

    ask = lead_followups(lead).get()
    assert ask.kind == "ask_connectors" and ask.contact == people["Beth"]
    assert ask.title == "Ask Beth, Alan or Dev whom they know at Acme Analytics"
    assert ask.draft.startswith("Hi Beth,")
    assert "do you know someone at Acme Analytics" in ask.draft
    assert_asks_for_insight_not_a_job(ask.draft)


def test_nobody_there_and_no_connectors_yet(user, acme):
    lead = make_lead(user, acme)
    run_kind("ask_connectors", [lead.pk])
    ask = lead_followups(lead).get()
    assert ask.contact is None
    assert ask.title == "Ask your connectors whom they know at Acme Analytics"
    assert ask.draft.startswith("Hi,\n")


def test_no_ask_for_a_lead_past_found(user, acme):
    make_contact(user, "Sara Smith", organization=acme)
    lead = make_lead(user, acme, status=Status.INTRODUCED)
    assert sweep_kinds(*KINDS) == 0
    assert run_kind("ask_about_lead", [lead.pk]) == 0


# Exactly once ------------------------------------------------------------------------


def test_saving_a_lead_makes_its_ask_once_however_often_it_runs(
    client_logged_in, user, acme, django_capture_on_commit_callbacks
):
    sara = make_contact(user, "Sara Smith", organization=acme)
    with django_capture_on_commit_callbacks() as enqueued:
        response = client_logged_in.post(reverse("jobs:add-lead"), {
            "organization_name": "acme analytics", "role": "Data Analyst", "source": "job_board",
            "found_on": timezone.localdate().isoformat(), "status": "found",
            "contacts": [sara.pk],
        })
    assert response.status_code == 302
    assert run_enqueued(enqueued) == 1
    lead = Lead.objects.get()
    assert run_enqueued(enqueued) == 0
    assert sweep() == 0 and sweep() == 0
    assert list(lead_followups(lead).values_list("kind", "contact")) == [
        ("ask_about_lead", sara.pk)
    ]


def test_the_sweep_makes_what_a_lost_message_missed_once(user, acme):
    make_contact(user, "Sara Smith", organization=acme)
    lead = make_lead(user, acme)  # saved without the use case: no message at all
    applied = make_lead(user, make_organization(user, "Initech"), status=Status.APPLIED)

    assert sweep_kinds(*KINDS) == 2
    assert sweep_kinds(*KINDS) == 0
    assert sweep() == 0
    assert lead_followups(lead).get().kind == "ask_about_lead"
    assert lead_followups(applied).get().kind == "application_checkin"
    # The constraint holds even when the engine is bypassed.
    assert run_kind("ask_about_lead", [lead.pk]) == 0
    assert FollowUp.objects.count() == 2


def test_an_old_lead_is_left_alone_by_the_sweep(user, acme):
    lead = make_lead(user, acme, moved_at=timezone.now() - timedelta(days=60))
    assert sweep_kinds(*KINDS) == 0
    assert run_kind("ask_connectors", [lead.pk]) == 1  # saved again, it gets its ask


# Settled when moot; done and undone -----------------------------------------------------


def test_moving_a_lead_on_settles_its_ask(user, acme, django_capture_on_commit_callbacks):
    make_contact(user, "Sara Smith", organization=acme)
    lead = make_lead(user, acme)
    run_kind("ask_about_lead", [lead.pk])

    with django_capture_on_commit_callbacks() as enqueued:
        assert move_lead(lead, Status.APPLIED, seen=(Status.FOUND, ""))
    run_enqueued(enqueued)

    ask = lead_followups(lead, "ask_about_lead").get()
    assert ask.status == FollowUpStatus.DONE and ask.completed_at == lead.moved_at
    checkin = lead_followups(lead, "application_checkin").get()
    assert checkin.is_open

    with django_capture_on_commit_callbacks() as enqueued:
        move_lead(lead, Status.INTERVIEWING)
    run_enqueued(enqueued)
    checkin.refresh_from_db()
    assert checkin.status == FollowUpStatus.DONE  # there was news
    # Back to applied: the check-in was had; once per lead.
    move_lead(lead, Status.APPLIED)
    assert sweep() == 0
    assert lead_followups(lead, "application_checkin").count() == 1


def test_closing_a_lead_settles_everything_open(user, acme):
    lead = make_lead(user, acme, status=Status.APPLIED)
    run_kind("application_checkin", [lead.pk])
    move_lead(lead, Status.CLOSED, "withdrawn")
    assert not lead_followups(lead).open().exists()


def test_knowing_someone_there_settles_the_connectors_ask(user, acme):
    lead = make_lead(user, acme)
    run_kind("ask_connectors", [lead.pk])
    sara = make_contact(user, "Sara Smith", organization=acme)

    save_lead(lead, [sara])  # you found someone there and added them to the lead

    assert lead_followups(lead, "ask_connectors").get().status == FollowUpStatus.DONE
    assert sweep_kinds(*KINDS) == 1  # and now the ask about the role, to Sara
    assert lead_followups(lead, "ask_about_lead").get().contact == sara


def test_an_ask_done_moves_the_lead_on_and_undo_takes_it_back(user, acme):
    lead = make_lead(user, acme)
    run_kind("ask_connectors", [lead.pk])
    ask = lead_followups(lead).get()
    was = lead.moved_at

    assert ask.mark_done()

    lead.refresh_from_db()
    assert lead.status == Status.REACHED_OUT
    assert list(lead.moves.values_list("from_status", "to_status")) == [
        ("found", "reached_out"), ("", "found"),
    ]
    assert ask.undo(ask.before, ask.completed_at)
    lead.refresh_from_db()
    assert (lead.status, lead.moved_at) == (Status.FOUND, was)
    assert list(lead.moves.values_list("to_status", flat=True)) == ["found"]
    ask.refresh_from_db()
    assert ask.is_open


def test_undo_leaves_a_lead_moved_since_alone(user, acme):
    lead = make_lead(user, acme)
    run_kind("ask_connectors", [lead.pk])
    ask = lead_followups(lead).get()
    assert ask.mark_done()
    lead.refresh_from_db()
    move_lead(lead, Status.APPLIED)

    assert ask.undo(ask.before, ask.completed_at)
    lead.refresh_from_db()
    assert lead.status == Status.APPLIED
    assert LeadMove.objects.filter(lead=lead).count() == 3


def test_an_ask_done_for_a_lead_moved_already_changes_nothing(user, acme):
    lead = make_lead(user, acme)
    run_kind("ask_connectors", [lead.pk])
    Lead.objects.filter(pk=lead.pk).update(status=Status.INTERVIEWING)  # moved, not settled
    ask = lead_followups(lead).get()
    assert ask.mark_done()
    assert ask.before["changed"] is None
    lead.refresh_from_db()
    assert lead.status == Status.INTERVIEWING


# The application check-in ----------------------------------------------------------------


def test_the_check_in_honours_the_profile_setting(user, acme):
    profile = Profile.for_user(user)
    profile.application_checkin_days = 12
    profile.save()
    lead = make_lead(user, acme, status=Status.APPLIED)

    run_kind("application_checkin", [lead.pk])

    checkin = lead_followups(lead).get()
    assert checkin.due_at == profile.morning_after(lead.moved_at, 12)
    assert checkin.due_at - lead.moved_at > timedelta(days=11)
    assert checkin.title == "Check in on your Acme Analytics application (Data Analyst)"
    assert checkin.contact is None
    assert checkin.draft.startswith("Hello,\n\nI applied for the Data Analyst role")
    assert not JOB_REQUESTS.search(checkin.draft)


def test_the_check_in_goes_to_the_person_who_introduced_you(user, acme):
    insider = make_contact(user, "Priya Raman", organization=acme)
    sara = make_contact(user, "Sara Smith", organization="Globex")
    lead = make_lead(user, acme, status=Status.APPLIED, people=[insider, sara])
    run_kind("application_checkin", [lead.pk])
    checkin = lead_followups(lead).get()
    assert checkin.contact == sara
    assert checkin.title == "Check in with Sara Smith about your Acme Analytics application"
    assert checkin.draft.startswith("Hi Sara,\n\nA quick update, since you helped me get there")
    assert checkin.due_at == Profile.for_user(user).morning_after(lead.moved_at, 7)


def test_without_people_the_check_in_goes_to_the_intro_path(user, acme):
    john = make_contact(user, "John Public", organization=acme)
    sara = make_contact(user, "Sara Smith")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    lead = make_lead(user, acme, status=Status.APPLIED)
    run_kind("application_checkin", [lead.pk])
    assert lead_followups(lead).get().contact == sara


def test_the_setting_is_on_the_settings_page(client_logged_in, user):
    response = client_logged_in.get(reverse("accounts:settings"))
    assert 'name="application_checkin_days"' in response.content.decode()
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data |= {"application_checkin_days": "0", "digest_time": "07:00"}
    response = client_logged_in.post(reverse("accounts:settings"), data)
    assert response.status_code == 422
    data["application_checkin_days"] = "10"
    assert client_logged_in.post(reverse("accounts:settings"), data).status_code == 302
    assert Profile.for_user(user).application_checkin_days == 10


# The lead's page -----------------------------------------------------------------------------


def test_the_lead_page_shows_its_follow_ups_with_the_drafted_ask(client_logged_in, user, acme):
    make_contact(user, "Sara Smith", organization=acme)
    lead = make_lead(user, acme)
    run_kind("ask_about_lead", [lead.pk])
    ask = lead_followups(lead).get()

    response = client_logged_in.get(lead.get_absolute_url())

    body = response.content.decode()
    assert "Ask Sara Smith about the Data Analyst role at Acme Analytics" in body
    assert f'id="draft-{ask.pk}"' in body and f'data-copy-target="draft-{ask.pk}"' in body
    assert "I came across the Data Analyst role" in body
    followup_page = client_logged_in.get(ask.get_absolute_url()).content.decode()
    assert f'href="{lead.get_absolute_url()}"' in followup_page


def test_among_the_people_there_the_check_in_goes_to_the_warmest(user, acme):
    priya = make_contact(user, "Priya Raman", organization=acme)
    sara = make_contact(user, "Sara Smith", organization=acme)
    sara.touch(timezone.now() - timedelta(days=1))
    lead = make_lead(user, acme, status=Status.APPLIED, people=[priya, sara])
    run_kind("application_checkin", [lead.pk])
    assert lead_followups(lead).get().contact == sara


def test_an_overdue_check_in_says_so_on_the_lead_page(client_logged_in, user, acme):
    lead = make_lead(user, acme, status=Status.APPLIED, moved_at=timezone.now() - timedelta(days=9))
    run_kind("application_checkin", [lead.pk])
    body = client_logged_in.get(lead.get_absolute_url()).content.decode()
    assert "Check in on your Acme Analytics application (Data Analyst)" in body
    assert 'class="badge overdue"' in body
