"""The engine: one registry of kinds, a sweep that no bad row can stop, conditional
done / skip / snooze, titles that fit their column."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from followups import kinds
from followups.models import TITLE_LENGTH, FollowUp, Problem, Status
from followups.services import create_followups, sweep
from referrals.models import IntroStatus, Referral
from tests.conftest import broker_unreachable, make_user
from tests.factories import make_contact, make_meeting
from tests.followups.test_thank_you_worker import meeting_form

pytestmark = pytest.mark.django_db

EXPECTED_KINDS = {
    "custom", "keep_in_touch", "thank_you", "prepare", "ask_intro", "referral_call",
    "close_loop", "reply", "help_back", "ask_about_lead", "ask_connectors", "application_checkin",
    "nudge",
}


def test_every_kind_is_registered_once_by_the_app_that_owns_it() -> None:
    assert set(kinds.REGISTRY) == EXPECTED_KINDS
    owners = {name: type(kind).__module__ for name, kind in kinds.REGISTRY.items()}
    assert owners["thank_you"] == owners["prepare"] == "meetings.followups"
    assert owners["reply"] == owners["help_back"] == "reciprocity.followups"
    assert owners["keep_in_touch"] == "contacts.followups"
    assert owners["nudge"] == "outreach.followups"
    assert {owners[k] for k in ("ask_intro", "referral_call", "close_loop")} == {
        "referrals.followups"
    }
    assert {owners[k] for k in ("ask_about_lead", "ask_connectors", "application_checkin")} == {
        "jobs.followups"
    }
    assert dict(FollowUp._meta.get_field("kind").choices).keys() == EXPECTED_KINDS


def test_a_second_kind_of_the_same_name_is_refused() -> None:
    class Impostor(kinds.FollowUpKind):
        name = "thank_you"
        label = "Impostor"

    with pytest.raises(ValueError, match="thank_you"):
        kinds.register(Impostor)
    assert type(kinds.REGISTRY["thank_you"]).__name__ == "ThankYou"


def poisoned_meeting(user):
    """A meeting held at 00:30 UTC on 1 January of year 1, for someone in New York:
    its local date is in year 0, which no date can hold, so its thank-you and
    help-back cannot be scheduled."""
    Profile.objects.filter(user=user).update(timezone="America/New_York")
    ann = make_contact(user, "Ann Odd")
    return make_meeting(user, [ann], starts_at=datetime(1, 1, 1, 0, 30, tzinfo=UTC))


@pytest.mark.django_db(transaction=True)
def test_one_users_bad_row_never_stops_another_users_thank_you(client, tmp_path):
    alice, bob = make_user("alice"), make_user("bob")
    bad = poisoned_meeting(alice)
    client.force_login(bob)
    with broker_unreachable(tmp_path):  # bob's message is lost: the sweep must make it
        response = client.post(reverse("meetings:log-meeting"), meeting_form())
    assert response.status_code == 302
    assert not FollowUp.objects.filter(user=bob).exists()

    now = timezone.now()
    sweep(now)

    bobs = FollowUp.objects.filter(user=bob)
    assert set(bobs.values_list("kind", flat=True)) == {"thank_you", "help_back"}
    assert bobs.get(kind="thank_you").title == "Thank Sara Smith for the coffee"
    assert not FollowUp.objects.filter(user=alice).exists()
    # Alice's failure is recorded once per kind, for her meeting, and for nobody else.
    problems = Problem.objects.order_by("kind")
    assert [(p.user, p.kind, p.subject, p.subject_id, p.attempts) for p in problems] == [
        (alice, "help_back", "meetings.Meeting", bad.pk, 1),
        (alice, "thank_you", "meetings.Meeting", bad.pk, 1),
    ]
    assert "OverflowError" in problems[0].error

    # The next sweeps leave it alone for an hour, then try again.
    assert sweep(now + timedelta(minutes=1)) == 0
    assert set(Problem.objects.values_list("attempts", flat=True)) == {1}
    sweep(now + Problem.RETRY_AFTER + timedelta(minutes=1))
    assert set(Problem.objects.values_list("attempts", flat=True)) == {2}

    # Shown to Alice on her dashboard and its own page; never to Bob.
    page = client.get(reverse("home:dashboard")).text
    assert "could not be created" not in page
    assert client.get(reverse("followups:problem-list")).text.count("problem-") == 0
    client.force_login(alice)
    page = client.get(reverse("home:dashboard")).text
    assert "2 reminders could not be created" in page
    problems_page = client.get(reverse("followups:problem-list")).text
    assert "Thank-you note" in problems_page and "Help back" in problems_page
    assert "OverflowError" in problems_page
    assert "A date is out of range" in problems_page

    # Fixed (the meeting moved to a real date) and saved: the retry clears the record.
    bad.starts_at = timezone.now() - timedelta(days=1)
    bad.save()
    create_followups("meetings.Meeting", [bad.pk])
    assert not Problem.objects.exists()
    assert FollowUp.objects.filter(user=alice, kind="thank_you").count() == 1


def test_a_failing_batch_is_retried_row_by_row(user, other_user) -> None:
    """Good rows in a batch with a bad one are all created, in one sweep."""
    bad = poisoned_meeting(user)
    good = [make_meeting(other_user, [make_contact(other_user, f"P{i}")]) for i in range(3)]
    sweep()
    assert FollowUp.objects.filter(kind="thank_you", meeting__in=good).count() == 3
    assert not FollowUp.objects.filter(meeting=bad).exists()
    assert Problem.objects.filter(subject_id=bad.pk, kind="thank_you").count() == 1


def test_a_problem_whose_subject_is_gone_is_not_recorded(user) -> None:
    from followups.services import record_problem

    meeting = make_meeting(user, [make_contact(user)])
    meeting_id = meeting.pk
    meeting.delete()
    record_problem(kinds.get("thank_you"), "meetings.Meeting", meeting_id, ValueError("x"),
                   timezone.now())
    assert not Problem.objects.exists()


def test_a_title_built_from_a_long_name_is_shortened_not_refused(user) -> None:
    contact = make_contact(user, ("Bartholomew " * 17)[:200])  # as long as a name can be
    meeting = make_meeting(user, [contact])
    referred = make_contact(user, ("Maximiliana " * 17)[:200])
    Referral.objects.create(user=user, referrer=contact, referred=referred, meeting=meeting)
    create_followups("meetings.Meeting", [meeting.pk])
    titles = list(FollowUp.objects.values_list("kind", "title"))
    assert {kind for kind, _ in titles} == {"thank_you", "help_back", "ask_intro", "referral_call"}
    for _, title in titles:
        assert len(title) == TITLE_LENGTH
        assert title.endswith("…")


def test_done_twice_changes_the_subject_once(user) -> None:
    """A double tap: the second done finds it closed and does nothing."""
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    create_followups("referrals.Referral", [referral.pk])
    ask = FollowUp.objects.get(kind="ask_intro")
    again = FollowUp.objects.get(pk=ask.pk)  # the same row, loaded by a second request
    assert ask.mark_done() is True
    referral.refresh_from_db()
    assert referral.intro_status == IntroStatus.ASKED
    Referral.objects.filter(pk=referral.pk).update(intro_status=IntroStatus.NOT_ASKED)
    assert again.mark_done() is False
    assert again.status == Status.DONE
    referral.refresh_from_db()
    assert referral.intro_status == IntroStatus.NOT_ASKED  # the side effect ran once
    assert again.skip() is False and again.snooze(timezone.now()) is False


def test_a_side_effect_that_fails_leaves_the_follow_up_open(user, monkeypatch) -> None:
    """Done and its effect on the subject commit together, or not at all."""
    contact = make_contact(user)
    contact.set_keep_in_touch(30)
    reminder = contact.keep_in_touch_reminder()

    def broken(followup, now):
        raise RuntimeError("the subject could not be updated")

    monkeypatch.setattr(kinds.get("keep_in_touch"), "done", broken)
    with pytest.raises(RuntimeError):
        reminder.mark_done()
    reminder.refresh_from_db()
    assert reminder.status == Status.PENDING


def test_the_problem_page_needs_a_login(client) -> None:
    url = reverse("followups:problem-list")
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
