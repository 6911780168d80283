"""The reciprocation rules: a priority reply to whoever asks, help back to whoever helped."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from followups.models import FollowUp, Status
from followups.services import create_followups, sweep
from meetings.models import Meeting
from reciprocity.models import Ask, InboundRequest, RequestStatus
from reciprocity.services import answer_request, ledger_for
from referrals.models import IntroStatus, Progress, Referral
from tests.engine import run_kind, sweep_kinds
from tests.factories import make_contact, make_meeting

pytestmark = pytest.mark.django_db


def help_backs():
    return FollowUp.objects.filter(kind="help_back")


def replies():
    return FollowUp.objects.filter(kind="reply")


def ask(user, name="Zoe Carter", **fields) -> InboundRequest:
    contact = make_contact(user, name, organization=fields.pop("organization", None))
    return InboundRequest.objects.create(user=user, contact=contact, **fields)


def set_profile(user, **fields) -> None:
    for name, value in fields.items():
        setattr(user.profile, name, value)
    user.profile.save()


# The priority reply -----------------------------------------------------------------


def test_a_request_gets_one_reply_due_within_the_reply_window(user):
    set_profile(user, reply_within_hours=6)
    received = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # a Friday
    inbound = ask(user, organization="Globex", received_at=received)

    assert create_followups("reciprocity.InboundRequest", [inbound.pk]) == 1
    assert create_followups("reciprocity.InboundRequest", [inbound.pk]) == 0

    reply = replies().get()
    assert reply.user == user
    assert reply.contact == inbound.contact
    assert reply.kind == "reply"
    assert reply.title == "Reply to Zoe Carter: 15 minutes of your time"
    assert reply.due_at == received + timedelta(hours=6)
    assert reply.draft.startswith("Hi Zoe,")
    assert "someone at Globex" in reply.draft
    assert "I'd be glad to give you 15 minutes" in reply.draft
    # It proposes times: the next two working days (past the weekend), in the user's week.
    assert "Monday, 23 November at 10:00, or on Tuesday, 24 November at 15:00" in reply.draft
    assert reply.draft.endswith("alice")


def test_the_reply_proposes_times_in_the_users_timezone(user):
    set_profile(user, timezone="America/New_York")
    # 02:00 UTC on Saturday is still Friday evening in New York.
    inbound = ask(user, ask=Ask.INTRODUCTION, received_at=datetime(2026, 11, 21, 2, tzinfo=UTC))
    create_followups("reciprocity.InboundRequest", [inbound.pk])
    reply = replies().get()
    assert reply.title == "Reply to Zoe Carter: an introduction"
    assert "happy to help with an introduction" in reply.draft
    assert "Monday, 23 November at 10:00" in reply.draft


def test_an_answered_request_gets_no_reply_followup(user):
    inbound = ask(user, status=RequestStatus.DECLINED)
    assert create_followups("reciprocity.InboundRequest", [inbound.pk]) == 0
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 0
    assert not replies().exists()


def test_the_constraint_refuses_a_second_reply(user):
    inbound = ask(user)
    create_followups("reciprocity.InboundRequest", [inbound.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            user=user, kind="reply", due_at=timezone.now(), title="again",
            contact=inbound.contact, inbound_request=inbound,
        )


def test_answering_closes_the_reply_followup(user):
    inbound = ask(user)
    create_followups("reciprocity.InboundRequest", [inbound.pk])
    moment = timezone.now()

    assert answer_request(inbound, RequestStatus.HELPED, now=moment) == 1

    inbound.refresh_from_db()
    reply = replies().get()
    assert inbound.status == RequestStatus.HELPED
    assert (reply.status, reply.completed_at) == (Status.DONE, moment)
    inbound.contact.refresh_from_db()
    assert inbound.contact.last_interaction_at == moment
    # Answering again changes the answer and closes nothing more; nor is a reply recreated.
    assert answer_request(inbound, RequestStatus.REPLIED) == 0
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 0
    assert replies().count() == 1


def test_answering_refuses_open(user):
    inbound = ask(user)
    with pytest.raises(ValueError):
        answer_request(inbound, RequestStatus.OPEN)


# Help back after a meeting ------------------------------------------------------------


def test_a_held_meeting_calls_for_one_help_back_per_person(user):
    set_profile(user, help_back_delay_days=21, morning_hour=8)
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    meeting = make_meeting(
        user, [sara, john], starts_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        purpose="how Acme hires",
    )
    Meeting.objects.filter(pk=meeting.pk).update(created_at=meeting.ends_at)  # logged at once

    create_followups("meetings.Meeting", [meeting.pk])
    create_followups("meetings.Meeting", [meeting.pk])

    rows = {f.contact.name: f for f in help_backs()}
    assert sorted(rows) == ["John Public", "Sara Smith"]
    sara_row = rows["Sara Smith"]
    assert sara_row.meeting == meeting
    assert sara_row.title == "Send Sara Smith an update and offer help back"
    assert sara_row.due_at == datetime(2026, 12, 11, 8, tzinfo=UTC)
    assert sara_row.draft.startswith("Hi Sara,")
    assert "our coffee on Friday, 20 November about how Acme hires" in sara_row.draft
    assert "anything I can do for you" in sara_row.draft
    # The thank-you notes are there too, and the two kinds do not collide.
    assert FollowUp.objects.filter(kind="thank_you").count() == 2


def test_a_meeting_logged_long_after_asks_for_help_back_weeks_after_that(user):
    """Not overdue since the meeting, nor on the day its late thank-you falls due:
    the delay counts from the day it was logged."""
    set_profile(user, help_back_delay_days=21, morning_hour=8)
    meeting = make_meeting(user, [make_contact(user, "Sara Smith")],
                           starts_at=datetime(2026, 9, 1, 10, tzinfo=UTC))
    Meeting.objects.filter(pk=meeting.pk).update(created_at=datetime(2026, 11, 20, 17, tzinfo=UTC))
    create_followups("meetings.Meeting", [meeting.pk])
    assert help_backs().get().due_at == datetime(2026, 12, 11, 8, tzinfo=UTC)
    assert FollowUp.objects.get(kind="thank_you").due_at == datetime(2026, 11, 20, 8, tzinfo=UTC)


def test_a_planned_meeting_gets_its_help_back_once_it_has_happened(user):
    starts = timezone.now() + timedelta(days=2)
    meeting = make_meeting(user, [make_contact(user, "Alan Ames")], starts_at=starts)

    create_followups("meetings.Meeting", [meeting.pk])
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 0
    assert not help_backs().exists()

    later = starts + timedelta(hours=1)
    sweep(now=later)  # the thank-you sweep and this rule, together
    assert help_backs().get().contact.name == "Alan Ames"
    assert sweep(now=later) == 0
    assert sweep_kinds("reply", "help_back", now=later) == 0
    assert help_backs().count() == 1


def test_the_meeting_rule_skips_meetings_not_yet_held(user):
    meeting = make_meeting(
        user, [make_contact(user)], starts_at=timezone.now() + timedelta(hours=1)
    )
    assert run_kind("help_back", subject="meetings.Meeting", ids=[meeting.pk]) == 0
    assert run_kind("help_back", subject="meetings.Meeting", ids=[meeting.pk], now=meeting.starts_at) == 1


def test_a_skipped_help_back_is_not_recreated(user):
    meeting = make_meeting(user, [make_contact(user)])
    create_followups("meetings.Meeting", [meeting.pk])
    help_backs().get().skip()
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 0
    assert create_followups("meetings.Meeting", [meeting.pk]) == 0
    assert help_backs().count() == 1


def test_the_constraint_refuses_a_second_help_back_for_a_meeting(user):
    sara = make_contact(user)
    meeting = make_meeting(user, [sara])
    create_followups("meetings.Meeting", [meeting.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            user=user, kind="help_back", due_at=timezone.now(), title="again",
            contact=sara, meeting=meeting,
        )


def test_the_sweep_repairs_a_meeting_missing_its_help_back(user):
    meeting = make_meeting(user, [make_contact(user, "Sara Smith"), make_contact(user, "Bea")])
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 2
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 0
    assert set(help_backs().values_list("meeting", flat=True)) == {meeting.pk}


def test_the_sweep_leaves_old_history_alone(user):
    from meetings.models import Meeting

    long_ago = timezone.now() - timedelta(days=90)
    meeting = make_meeting(user, [make_contact(user)], starts_at=long_ago)
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now() - timedelta(days=90))
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 0


# Help back after a referral outside any meeting ------------------------------------------


def test_a_referral_outside_a_meeting_calls_for_one_help_back(user):
    set_profile(user, help_back_delay_days=10)
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public", organization="Acme")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    Referral.objects.filter(pk=referral.pk).update(
        created_at=datetime(2026, 11, 20, 18, tzinfo=UTC)
    )

    assert run_kind("help_back", subject="referrals.Referral", ids=[referral.pk]) == 1
    assert run_kind("help_back", subject="referrals.Referral", ids=[referral.pk]) == 0

    row = help_backs().get()
    assert (row.contact, row.referral, row.meeting) == (sara, referral, None)
    assert row.title == "Send Sara Smith an update and offer help back"
    assert row.due_at == datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert "since you suggested I talk to John Public at Acme" in row.draft


def test_the_sweep_finds_a_new_referral_outside_a_meeting_once(user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 1
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 0
    assert help_backs().get().contact == sara


def test_a_referral_given_at_a_meeting_is_helped_back_through_the_meeting(user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    meeting = make_meeting(user, [sara])
    referral = Referral.objects.create(user=user, referrer=sara, referred=john, meeting=meeting)
    assert run_kind("help_back", subject="referrals.Referral", ids=[referral.pk]) == 0
    assert sweep_kinds("reply", "help_back", now=timezone.now()) == 1  # the meeting's, for Sara
    row = help_backs().get()
    assert (row.meeting, row.referral, row.contact) == (meeting, None, sara)


def test_sweeping_twice_changes_nothing(user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    make_meeting(user, [sara])
    Referral.objects.create(user=user, referrer=sara, referred=john)
    ask(user, "Zoe Carter")
    assert sweep() > 0
    before = sorted(FollowUp.objects.values_list("pk", "kind", "due_at", "status"))
    assert sweep() == 0
    assert sorted(FollowUp.objects.values_list("pk", "kind", "due_at", "status")) == before
    assert replies().count() == 1
    assert help_backs().count() == 2  # the meeting's and the referral's, both for Sara


def test_the_sweep_queries_hold(user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_user

    def world(owner, n):
        for i in range(n):
            person = make_contact(owner, f"Person {i}")
            make_meeting(owner, [person])
            InboundRequest.objects.create(user=owner, contact=person)
            Referral.objects.create(
                user=owner, referrer=person, referred=make_contact(owner, f"Other {i}")
            )

    world(user, 1)
    with CaptureQueriesContext(connection) as one:
        assert sweep_kinds("reply", "help_back", now=timezone.now()) == 3
    for name in ("bob", "carol", "dave"):
        world(make_user(name), 5)
    with django_assert_max_num_queries(len(one)):
        assert sweep_kinds("reply", "help_back", now=timezone.now()) == 45


# The ledger ---------------------------------------------------------------------------


def test_the_ledger_is_one_query_and_a_second_only_for_their_requests(
    user, django_assert_num_queries
):
    """The three counts (meetings, referrals, requests) travel as one query; the
    latest requests are fetched only for someone who asked for help."""
    sara = make_contact(user, "Sara Smith")
    make_meeting(user, [sara])
    Referral.objects.create(user=user, referrer=sara, referred=make_contact(user, "John"))
    with django_assert_num_queries(1):
        ledger = ledger_for(user, sara)
    assert (ledger.meetings["total"], ledger.referrals["total"]) == (1, 1)
    assert ledger.requests["total"] == 0 and ledger.recent_requests == []

    InboundRequest.objects.create(user=user, contact=sara, ask=Ask.INTRODUCTION)
    with django_assert_num_queries(2):
        ledger = ledger_for(user, sara)
    assert ledger.requests["total"] == 1 and len(ledger.recent_requests) == 1


def test_the_ledger_counts_who_helped_whom(user, other_user):
    from meetings.models import Invited, Paid

    sara = make_contact(user, "Sara Smith")
    now = timezone.now()
    make_meeting(user, [sara], invited_by=Invited.ME, paid_by=Paid.ME)
    make_meeting(user, [sara], invited_by=Invited.ME, paid_by=Paid.THEM)
    make_meeting(user, [sara], invited_by=Invited.THEM, paid_by=Paid.SPLIT)
    make_meeting(user, [sara], starts_at=now + timedelta(days=3))  # not yet held
    make_meeting(user, [make_contact(user, "Bea")])  # someone else
    Referral.objects.create(
        user=user, referrer=sara, referred=make_contact(user, "John"),
        progress=Progress.MET, intro_status=IntroStatus.CALLED,
    )
    Referral.objects.create(user=user, referrer=sara, referred=make_contact(user, "Ann"))
    Referral.objects.create(user=user, referrer=make_contact(user, "Tom"), referred=sara)
    InboundRequest.objects.create(
        user=user, contact=sara, ask=Ask.INTRODUCTION, status=RequestStatus.HELPED
    )
    InboundRequest.objects.create(user=user, contact=sara, status=RequestStatus.DECLINED)
    InboundRequest.objects.create(user=user, contact=sara)

    ledger = ledger_for(user, sara)

    assert ledger.meetings == {
        "total": 3, "you_invited": 2, "they_invited": 1, "you_paid": 1, "they_paid": 1,
        "split": 1, "they_paid_your_invite": 1,
    }
    assert ledger.referrals == {"total": 2, "met": 1, "introduced": 1}
    assert ledger.requests == {
        "total": 3, "open": 1, "replied": 0, "helped": 1, "declined": 1, "introductions": 1,
    }
    assert (ledger.they_helped, ledger.you_helped, ledger.balance) == (5, 1, "ahead")
    assert len(ledger.recent_requests) == 3
    # Another user's view of their own Sara is theirs alone.
    assert ledger_for(other_user, sara).they_helped == 0


# Waking hours ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_local", "due_local"),
    [
        ("2026-11-24 10:00", "2026-11-24 14:00"),  # four hours later, in the day
        ("2026-11-24 22:30", "2026-11-25 08:00"),  # 02:30 at night: the next morning
        ("2026-11-24 01:00", "2026-11-24 08:00"),  # 05:00: that morning
        ("2026-11-24 18:00", "2026-11-25 08:00"),  # 22:00: the next morning
    ],
)
def test_a_reply_falls_due_in_waking_hours(user, received_local, due_local):
    set_profile(user, timezone="Europe/Paris", morning_hour=8, reply_within_hours=4)
    paris = ZoneInfo("Europe/Paris")
    received = datetime.fromisoformat(received_local).replace(tzinfo=paris)
    inbound = ask(user, received_at=received)
    create_followups("reciprocity.InboundRequest", [inbound.pk])
    due = replies().get().due_at.astimezone(paris)
    assert due == datetime.fromisoformat(due_local).replace(tzinfo=paris)
