"""Which thank-yous the rules call for, when they fall due, and that a second call makes none."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp
from followups.services import create_followups, sweep
from meetings.models import Meeting
from tests.engine import run_enqueued

pytestmark = pytest.mark.django_db


def thank_yous():
    return FollowUp.objects.filter(kind="thank_you")


def meeting_with(user, *names, starts_at=None, logged_at=None, **fields) -> Meeting:
    """A meeting with these new people, logged at `logged_at`: by default when it
    starts, if that is given (logged on the spot), else now."""
    meeting = Meeting.objects.create(
        user=user, starts_at=starts_at or timezone.now() - timedelta(hours=1), **fields
    )
    if logged_at or starts_at:
        Meeting.objects.filter(pk=meeting.pk).update(created_at=logged_at or starts_at)
        meeting.refresh_from_db()
    meeting.contacts.set(Contact.objects.create(user=user, name=n) for n in names)
    return meeting


def meeting_form(**overrides) -> dict:
    """The log-meeting form: coffee with Sara Smith, new, of Acme."""
    data = {
        "new_contact_name": "Sara Smith",
        "new_contact_organization": "Acme",
        "starts_at": "2026-11-20T10:00",
        "kind": "coffee",
        "length_minutes": 15,
        "purpose": "how networking works in this town",
        "invited_by": "me",
        "paid_by": "me",
    }
    return data | overrides


def test_due_the_next_morning_in_the_users_own_timezone(user):
    user.profile.timezone = "America/New_York"
    user.profile.save()
    # 23:30 UTC on the 20th is 18:30 on the 20th in New York.
    meeting = meeting_with(user, "Sara Smith", starts_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC))
    create_followups("meetings.Meeting", [meeting.pk])
    followup = thank_yous().get()
    assert followup.due_at == datetime(2026, 11, 21, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert "coffee on Friday, 20 November." in followup.draft


def test_the_delay_and_the_hour_are_the_users_to_set(user):
    user.profile.thank_you_delay_days = 2
    user.profile.morning_hour = 7
    user.profile.save()
    meeting = meeting_with(user, "Sara Smith", starts_at=datetime(2026, 11, 20, 10, tzinfo=UTC))
    create_followups("meetings.Meeting", [meeting.pk])
    assert thank_yous().get().due_at == datetime(2026, 11, 22, 7, tzinfo=UTC)


def test_a_same_day_thank_you_is_never_due_before_the_meeting_ends(user):
    user.profile.thank_you_delay_days = 0
    user.profile.save()
    starts = datetime(2026, 11, 20, 15, tzinfo=UTC)
    meeting = meeting_with(user, "Sara Smith", starts_at=starts, length_minutes=30)
    create_followups("meetings.Meeting", [meeting.pk])
    assert thank_yous().get().due_at == starts + timedelta(minutes=30)


def test_the_draft_uses_the_purpose_never_the_private_notes(user):
    meeting = meeting_with(
        user, "Sara Smith", purpose="how Acme's data team hires",
        notes="Seemed distracted; do not mention the layoffs.",
    )
    create_followups("meetings.Meeting", [meeting.pk])
    draft = thank_yous().get().draft
    assert "how Acme's data team hires" in draft
    assert "layoffs" not in draft


@pytest.mark.parametrize(
    ("purpose", "said"),
    [
        ("Learn about data teams", " I really appreciated what you shared about data teams."),
        ("To discuss the UX market", "what you shared about the UX market."),
        ("How Acme's data team hires", "what you shared about how Acme's data team hires."),
        ("Catch up", None),  # a label, no topic: the note goes without the sentence
    ],
)
def test_the_draft_says_the_purpose_as_a_topic(user, purpose, said):
    meeting = meeting_with(user, "Sara Smith", purpose=purpose)
    create_followups("meetings.Meeting", [meeting.pk])
    draft = thank_yous().get().draft
    if said:
        assert said in draft
    else:
        assert "shared about" not in draft and purpose not in draft
        assert "Thank you for taking the time" in draft


def test_a_planned_meeting_is_thanked_once_it_has_happened(user):
    starts = timezone.now() + timedelta(days=2)
    meeting = meeting_with(user, "Alan Ames", starts_at=starts)
    create_followups("meetings.Meeting", [meeting.pk])
    sweep()
    assert not thank_yous().exists()  # not before it happens
    later = starts + timedelta(hours=1)
    sweep(now=later)
    assert thank_yous().count() == 1
    assert sweep(now=later) == 0
    assert thank_yous().get().contact.name == "Alan Ames"


def test_the_sweep_repairs_a_backdated_meeting_logged_today(user):
    now = timezone.now()
    meeting_with(user, "Sara Smith", starts_at=now - timedelta(days=30), logged_at=now)
    sweep()
    assert thank_yous().count() == 1
    assert sweep() == 0


def test_a_meeting_logged_weeks_later_asks_for_its_thank_you_that_morning(user):
    """Not as weeks overdue at the top of the queue: due the morning it was logged."""
    logged = datetime(2026, 11, 20, 15, tzinfo=UTC)
    meeting = meeting_with(user, "Sara Smith", starts_at=datetime(2026, 10, 30, 10, tzinfo=UTC),
                           logged_at=logged)
    create_followups("meetings.Meeting", [meeting.pk])
    assert thank_yous().get().due_at == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert "coffee on Friday, 30 October." in thank_yous().get().draft


def test_the_morning_it_was_logged_is_the_users_own(user):
    user.profile.timezone = "America/New_York"
    user.profile.save()
    # 02:00 UTC on the 20th is 21:00 on the 19th in New York: logged on the 19th there.
    meeting = meeting_with(user, "Sara Smith", starts_at=datetime(2026, 10, 30, 15, tzinfo=UTC),
                           logged_at=datetime(2026, 11, 20, 2, tzinfo=UTC))
    create_followups("meetings.Meeting", [meeting.pk])
    assert thank_yous().get().due_at == datetime(2026, 11, 19, 14, tzinfo=UTC)  # 09:00 there


def test_a_meeting_logged_the_day_after_is_still_due_that_morning(user):
    """The next morning is the morning it was logged: nothing changes for the usual case."""
    meeting = meeting_with(user, "Sara Smith", starts_at=datetime(2026, 11, 19, 16, tzinfo=UTC),
                           logged_at=datetime(2026, 11, 20, 8, tzinfo=UTC))
    create_followups("meetings.Meeting", [meeting.pk])
    assert thank_yous().get().due_at == datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_the_sweep_leaves_old_history_alone(user):
    meeting = meeting_with(user, "Sara Smith", starts_at=timezone.now() - timedelta(days=60))
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - timedelta(days=60))
    assert sweep() == 0


def test_a_backlog_bigger_than_a_batch_is_repaired_batch_by_batch(user, monkeypatch):
    """The ids come in one query per source, whatever the backlog, then go to repair a
    batch at a time: every meeting once (batches of 2 here, five meetings)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from followups import services

    monkeypatch.setattr(services, "SWEEP_BATCH", 2)
    meetings = [meeting_with(user, f"Person {i}") for i in range(5)]
    batches = []
    real_repair = services.repair
    monkeypatch.setattr(
        services, "repair",
        lambda kind, source, ids, now: batches.append((kind.name, list(ids)))
        or real_repair(kind, source, ids, now),
    )
    with CaptureQueriesContext(connection) as queries:
        sweep()
    listing = 'SELECT "meetings_meeting"."id" AS "pk"'
    listings = [q["sql"] for q in queries if q["sql"].startswith(listing)]
    assert len(listings) == sum(s.subject == "meetings.Meeting" for _, s in services.sources())
    thank_you_batches = [ids for name, ids in batches if name == "thank_you"]
    assert thank_you_batches == [[m.pk for m in meetings[:2]], [m.pk for m in meetings[2:4]],
                                 [meetings[4].pk]]
    assert sorted(thank_yous().values_list("meeting_id", flat=True)) == [m.pk for m in meetings]


def test_an_idle_sweep_asks_once_per_source(user, django_assert_num_queries):
    """Nothing pending: one query for each kind's source, none walking a table in
    batches (bench/sweep.py times it over a million follow-ups), and one for the
    subjects left for later (those with a recent problem)."""
    from followups.services import sources

    meeting_with(user, "Sara Smith")
    sweep()
    with django_assert_num_queries(1 + len(list(sources()))):
        assert sweep() == 0


def test_a_skipped_thank_you_is_not_recreated(user):
    meeting = meeting_with(user, "Sara Smith")
    create_followups("meetings.Meeting", [meeting.pk])
    thank_yous().get().skip()
    sweep()
    create_followups("meetings.Meeting", [meeting.pk])
    assert thank_yous().count() == 1
    assert thank_yous().get().status == "skipped"


def test_the_unique_constraint_refuses_a_second_thank_you(user):
    from django.db import IntegrityError, transaction

    meeting = meeting_with(user, "Sara Smith")
    create_followups("meetings.Meeting", [meeting.pk])
    first = thank_yous().get()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            user=user, kind="thank_you", due_at=first.due_at, title="again",
            meeting=meeting, contact=first.contact,
        )


def test_each_person_met_gets_one_thank_you(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    john = Contact.objects.create(user=user, name="John Public")
    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(reverse("meetings:log-meeting"), meeting_form(contacts=[john.pk]))
    run_enqueued(enqueued)
    assert thank_yous().count() == 2
    assert sorted(thank_yous().values_list("contact__name", flat=True)) == [
        "John Public", "Sara Smith",
    ]
    assert sweep() == 0
