"""The prepare follow-up: one per planned meeting, the morning before in the user's
timezone, moved when the meeting moves; created after a save and by the sweep. The
path through a real worker is test_thank_you_worker's (the same message makes both);
a lost message, repaired by the worker's sweep, is proven here."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from followups.models import FollowUp, Status
from followups.services import create_followups, sweep
from followups.tasks import sweep_followups
from meetings.models import Meeting
from tests.engine import run_enqueued, sweep_kinds
from tests.conftest import broker_unreachable, make_user, run_task

NEW_YORK = ZoneInfo("America/New_York")


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def prepares():
    return FollowUp.objects.filter(kind="prepare")


def set_profile(user, **fields) -> None:
    Profile.objects.filter(user=user).update(**fields)


def plan(user, *names, starts_at, **fields) -> Meeting:
    meeting = Meeting.objects.create(user=user, starts_at=starts_at, **fields)
    meeting.contacts.set(Contact.objects.create(user=user, name=n) for n in names)
    return meeting


def prepare_for(meeting: Meeting, now: datetime) -> FollowUp:
    create_followups("meetings.Meeting", [meeting.pk], now=now)
    return prepares().get(meeting=meeting)


def move(meeting: Meeting, starts_at: datetime, now: datetime) -> FollowUp:
    meeting.starts_at = starts_at
    meeting.save()
    return prepare_for(meeting, now)


# --- when it falls due --------------------------------------------------------------------

EARLY = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a week before the meetings below


@pytest.mark.django_db
class TestWhenItFallsDue:
    def test_the_morning_before_in_the_users_timezone(self, user):
        set_profile(user, timezone="America/New_York")
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))

        followup = prepare_for(meeting, EARLY)

        assert followup.due_at == ny(2026, 12, 2, 9, 0)
        assert followup.due_at == datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
        assert followup.user == user
        assert followup.status == Status.PENDING
        assert followup.contact.name == "Emily Chen"
        assert followup.title == "Prepare for coffee with Emily Chen"

    def test_the_day_is_the_users_local_day_not_utcs(self, user):
        set_profile(user, timezone="America/New_York")
        # 02:00 UTC on the 3rd is 21:00 on the 2nd in New York: prepare on the 1st.
        meeting = plan(user, "Emily Chen", starts_at=datetime(2026, 12, 3, 2, 0, tzinfo=UTC))

        assert prepare_for(meeting, EARLY).due_at == ny(2026, 12, 1, 9, 0)

    def test_days_before_and_hour_are_the_users_to_set(self, user):
        set_profile(user, timezone="America/New_York", prepare_days_before=3, morning_hour=7)
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))

        assert prepare_for(meeting, EARLY).due_at == ny(2026, 11, 30, 7, 0)

    def test_never_later_than_the_meeting_starts(self, user):
        set_profile(user, timezone="America/New_York", prepare_days_before=0, morning_hour=9)
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 7, 30))

        assert prepare_for(meeting, EARLY).due_at == ny(2026, 12, 3, 7, 30)

    def test_due_now_when_the_morning_before_has_passed(self, user):
        set_profile(user, timezone="America/New_York")
        now = ny(2026, 12, 2, 20, 0)  # the evening before an early meeting
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 8, 0))

        assert prepare_for(meeting, now).due_at == now

    def test_not_for_a_meeting_that_has_begun(self, user):
        meeting = plan(user, "Emily Chen", starts_at=EARLY - timedelta(minutes=1))
        create_followups("meetings.Meeting", [meeting.pk], now=EARLY)
        assert not prepares().exists()

    def test_once_however_often_the_meeting_is_saved(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        first = prepare_for(meeting, EARLY)
        for _ in range(3):
            create_followups("meetings.Meeting", [meeting.pk], now=EARLY + timedelta(hours=1))
        assert list(prepares()) == [first]

    def test_the_database_refuses_a_second_one(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        prepare_for(meeting, EARLY)
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUp.objects.create(
                user=user, kind="prepare", meeting=meeting, due_at=EARLY, title="again"
            )


# --- what it says -------------------------------------------------------------------------


@pytest.mark.django_db
class TestTheDraft:
    def test_purpose_length_questions_and_library(self, user):
        set_profile(user, timezone="America/New_York")
        meeting = plan(
            user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0), location="Blue Bottle",
            length_minutes=20, purpose="how Acme's data team\nhires.",
            questions="Where would you suggest that I look?\r\n\r\n  Who else should I talk to?  ",
            notes="Private: she turned me down last year.",
        )

        draft = prepare_for(meeting, EARLY).draft

        assert draft.startswith(
            "Coffee with Emily Chen: Thursday, 3 December at 10:00, Blue Bottle."
        )
        assert "Purpose: how Acme's data team hires." in draft
        assert "Agreed length: 20 minutes. Ask for 20 minutes, leave after 20" in draft
        assert (
            "Your questions:\n- Where would you suggest that I look?\n"
            "- Who else should I talk to?\n" in draft
        )
        assert "ask who else you should talk to" in draft
        assert f"Question library: {reverse('meetings:question-list')}" in draft
        assert f"Edit this meeting: {reverse('meetings:edit-meeting', args=[meeting.pk])}" in draft
        assert "Private" not in draft

    def test_prompts_for_a_purpose_and_questions_when_there_are_none(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))

        draft = prepare_for(meeting, EARLY).draft

        assert "Purpose: not written yet. Write a positive reason to meet" in draft
        assert "what you hope to learn from Emily" in draft
        assert "don't ask for a job" in draft
        assert "Your questions: none yet. Pick a few from your question library" in draft
        assert "Ask for 15 minutes, leave after 15" in draft

    @pytest.mark.parametrize(
        ("kind", "names", "title"),
        [
            ("call", ["Emily Chen"], "Prepare for the call with Emily Chen"),
            ("informational", ["Emily Chen"],
             "Prepare for the informational interview with Emily Chen"),
            ("coffee", ["John Public", "Emily Chen"],
             "Prepare for coffee with Emily Chen and John Public"),
        ],
    )
    def test_title(self, user, kind, names, title):
        meeting = plan(user, *names, starts_at=ny(2026, 12, 3, 10, 0), kind=kind)
        followup = prepare_for(meeting, EARLY)
        assert followup.title == title
        assert followup.contact.name == "Emily Chen"  # the first participant

    def test_follows_the_meeting_when_it_changes(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        first = prepare_for(meeting, EARLY)
        meeting.purpose = "how hiring works at Acme"
        meeting.questions = "What do you know about fintech?"
        meeting.kind = "call"
        meeting.save()

        followup = prepare_for(meeting, EARLY + timedelta(hours=1))

        assert followup.pk == first.pk
        assert followup.due_at == first.due_at
        assert followup.title == "Prepare for the call with Emily Chen"
        assert "Purpose: how hiring works at Acme" in followup.draft
        assert "- What do you know about fintech?" in followup.draft


# --- when the meeting moves ---------------------------------------------------------------


@pytest.mark.django_db
class TestWhenTheMeetingMoves:
    @pytest.fixture(autouse=True)
    def new_york(self, user):
        set_profile(user, timezone="America/New_York")

    def test_a_week_later(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        prepare_for(meeting, EARLY)

        followup = move(meeting, ny(2026, 12, 10, 10, 0), EARLY + timedelta(hours=1))

        assert followup.due_at == ny(2026, 12, 9, 9, 0)
        assert prepares().count() == 1

    def test_earlier_so_that_the_new_morning_before_has_passed(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        assert prepare_for(meeting, EARLY).due_at == ny(2026, 12, 2, 9, 0)
        now = ny(2026, 12, 1, 20, 0)

        followup = move(meeting, ny(2026, 12, 2, 10, 0), now)

        assert followup.due_at == now

    def test_a_few_hours_on_the_same_day_changes_nothing(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        first = prepare_for(meeting, EARLY)

        assert move(meeting, ny(2026, 12, 3, 15, 0), EARLY).due_at == first.due_at

    def test_an_edit_leaves_a_prepare_that_fell_due_at_once_where_it_is(self, user):
        logged = ny(2026, 12, 2, 20, 0)
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 8, 0))
        assert prepare_for(meeting, logged).due_at == logged
        meeting.notes = "bring the portfolio"
        meeting.save()

        assert prepare_for(meeting, logged + timedelta(hours=2)).due_at == logged

    def test_a_snoozed_one_stays_snoozed_while_before_the_meeting(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 10, 10, 0))
        followup = prepare_for(meeting, EARLY)
        followup.snooze(ny(2026, 12, 8, 9, 0))

        assert move(meeting, ny(2026, 12, 9, 10, 0), EARLY).due_at == ny(2026, 12, 8, 9, 0)
        # Moved before the snooze ends: preparing after the meeting is no use.
        moved = move(meeting, ny(2026, 12, 5, 10, 0), EARLY)
        assert moved.due_at == ny(2026, 12, 4, 9, 0)
        assert moved.status == Status.SNOOZED

    def test_a_done_one_is_left_alone(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        followup = prepare_for(meeting, EARLY)
        followup.mark_done()

        moved = move(meeting, ny(2026, 12, 10, 10, 0), EARLY)

        assert (moved.pk, moved.status, moved.due_at) == (
            followup.pk, Status.DONE, ny(2026, 12, 2, 9, 0),
        )

    def test_a_meeting_moved_into_the_past_keeps_its_prepare_as_it_was(self, user):
        meeting = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
        first = prepare_for(meeting, EARLY)

        moved = move(meeting, EARLY - timedelta(hours=2), EARLY)

        assert (moved.status, moved.due_at) == (Status.PENDING, first.due_at)


# --- the sweep ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_creates_what_is_missing_once(user, other_user):
    set_profile(user, timezone="America/New_York")
    set_profile(other_user, timezone="Asia/Tokyo")
    mine = plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
    theirs = plan(other_user, "Ken Sato", starts_at=datetime(2026, 12, 3, 1, 0, tzinfo=UTC))
    plan(user, "Held Already", starts_at=EARLY - timedelta(days=1))

    sweep(EARLY)

    assert prepares().get(meeting=mine).due_at == ny(2026, 12, 2, 9, 0)
    # 01:00 UTC on the 3rd is 10:00 in Tokyo: the morning before is 09:00 on the 2nd there.
    assert prepares().get(meeting=theirs).due_at == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    assert prepares().get(meeting=theirs).user == other_user
    assert prepares().count() == 2
    rows = FollowUp.objects.count()

    assert sweep_kinds("prepare", now=EARLY) == 0
    sweep(EARLY)
    assert FollowUp.objects.count() == rows
    assert prepares().count() == 2


@pytest.mark.django_db
def test_the_sweep_leaves_meetings_that_have_begun(user):
    plan(user, "Emily Chen", starts_at=EARLY - timedelta(minutes=5))
    assert sweep_kinds("prepare", now=EARLY) == 0
    assert not prepares().exists()


@pytest.mark.django_db
def test_the_sweep_query_count_holds(user, other_user):
    plan(user, "Emily Chen", starts_at=ny(2026, 12, 3, 10, 0))
    with CaptureQueriesContext(connection) as one:
        assert sweep_kinds("prepare", now=EARLY) == 1

    for i in range(40):
        owner = user if i % 2 else other_user
        starts = ny(2026, 12, 4, 10, 0) + timedelta(hours=i)
        plan(owner, f"Person {i:03d}", f"Other {i:03d}", starts_at=starts)

    with CaptureQueriesContext(connection) as many:
        assert sweep_kinds("prepare", now=EARLY) == 40
    assert len(many) == len(one)
    assert prepares().count() == 41


# --- with the real worker -----------------------------------------------------------------


def meeting_form(**overrides) -> dict:
    data = {
        "new_contact_name": "Emily Chen",
        "new_contact_organization": "Acme",
        "kind": "coffee",
        "length_minutes": 15,
        "purpose": "how Acme's data team hires",
        "invited_by": "me",
        "paid_by": "me",
    }
    return data | overrides


def days_ahead(days: int) -> datetime:
    """10:00 in New York, `days` days from today there."""
    today = timezone.localdate(timezone=NEW_YORK)
    day = today + timedelta(days=days)
    return ny(day.year, day.month, day.day, 10, 0)


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@pytest.mark.django_db
def test_logging_a_planned_meeting_creates_one_prepare(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    set_profile(user, timezone="America/New_York")
    starts = days_ahead(3)

    with django_capture_on_commit_callbacks() as enqueued:
        response = client_logged_in.post(
            reverse("meetings:log-meeting"), meeting_form(starts_at=local(starts))
        )
    assert response.status_code == 302
    run_enqueued(enqueued)

    followup = prepares().get()
    meeting = Meeting.objects.get()
    assert meeting.starts_at == starts
    assert followup.meeting == meeting
    assert followup.user == user
    assert followup.title == "Prepare for coffee with Emily Chen"
    assert followup.due_at == ny(starts.year, starts.month, starts.day, 9, 0) - timedelta(days=1)
    assert "Purpose: how Acme's data team hires" in followup.draft
    assert not FollowUp.objects.filter(kind="thank_you").exists()  # not held yet

    # Saving it again (unchanged) and sweeping twice add nothing.
    edit = meeting_form(
        new_contact_name="", new_contact_organization="", contacts=[followup.contact_id],
        starts_at=local(starts), notes="bring the portfolio",
    )
    with django_capture_on_commit_callbacks() as enqueued:
        response = client_logged_in.post(
            reverse("meetings:edit-meeting", args=[meeting.pk]), edit
        )
    assert response.status_code == 302
    run_enqueued(enqueued)
    sweep()
    rows = FollowUp.objects.count()
    sweep()
    assert FollowUp.objects.count() == rows
    assert list(prepares()) == [followup]
    followup.refresh_from_db()
    assert followup.due_at == ny(starts.year, starts.month, starts.day, 9, 0) - timedelta(days=1)


@pytest.mark.django_db
def test_logging_a_past_meeting_creates_no_prepare(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        response = client_logged_in.post(
            reverse("meetings:log-meeting"),
            meeting_form(starts_at=local(timezone.localtime() - timedelta(days=1))),
        )
    assert response.status_code == 302
    run_enqueued(enqueued)

    assert FollowUp.objects.filter(kind="thank_you").exists()
    sweep()
    assert not prepares().exists()


@pytest.mark.django_db
def test_moving_a_planned_meeting_moves_its_prepare(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    set_profile(user, timezone="America/New_York")
    starts = days_ahead(3)
    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(
            reverse("meetings:log-meeting"), meeting_form(starts_at=local(starts))
        )
    run_enqueued(enqueued)
    followup = prepares().get()
    later = days_ahead(10)

    with django_capture_on_commit_callbacks() as enqueued:
        response = client_logged_in.post(
            reverse("meetings:edit-meeting", args=[followup.meeting_id]),
            meeting_form(
                new_contact_name="", new_contact_organization="", contacts=[followup.contact_id],
                starts_at=local(later),
            ),
        )
    assert response.status_code == 302
    run_enqueued(enqueued)

    expected = ny(later.year, later.month, later.day, 9, 0) - timedelta(days=1)
    assert prepares().get().due_at == expected
    assert prepares().get().pk == followup.pk


@pytest.mark.django_db(transaction=True)
def test_broker_outage_the_sweep_creates_the_prepare_once(
    celery_worker, client_logged_in, user, tmp_path
):
    with broker_unreachable(tmp_path):
        response = client_logged_in.post(
            reverse("meetings:log-meeting"), meeting_form(starts_at=local(days_ahead(2)))
        )
        assert response.status_code == 302
    assert Meeting.objects.filter(user=user).exists()
    assert not prepares().exists()

    run_task(sweep_followups)
    assert prepares().count() == 1
    rows = FollowUp.objects.count()
    run_task(sweep_followups)
    assert FollowUp.objects.count() == rows
    assert prepares().get().meeting == Meeting.objects.get()


@pytest.mark.django_db
def test_planned_meetings_of_two_users_in_one_sweep():
    alice, bob = make_user("alice"), make_user("bob")
    set_profile(bob, timezone="America/New_York")
    starts = days_ahead(4)
    plan(alice, "Emily Chen", starts_at=starts)
    plan(bob, "John Public", starts_at=starts)

    sweep()

    day_before = starts.date() - timedelta(days=1)
    assert prepares().get(user=alice).due_at == datetime.combine(
        day_before, datetime.min.time(), UTC
    ).replace(hour=9)
    assert prepares().get(user=bob).due_at == ny(
        day_before.year, day_before.month, day_before.day, 9
    )
