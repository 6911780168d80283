"""`manage.py seed_demo`: a believable demo account, created once, recreated on --reset.

It shows every feature, made the way the app makes it: referral chains, every kind
of follow-up in the queue, keep-in-touch cadences and notes, requests for help,
the question library, the morning digest."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact, Note, Organization
from contacts.services import keep_in_touch_due
from events.models import Event, EventVisit, Kind
from events.stats import outcomes
from followups import kinds
from followups.models import OPEN, DigestLog, FollowUp, Heartbeat, Status
from followups.services import sweep
from jobs.models import Lead, LeadMove, Status as LeadStatus
from jobs.reach import who_i_know_at
from meetings.models import Meeting, QuestionTemplate
from meetings.services import SUGGESTED_QUESTIONS
from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME, LIBRARY_QUESTION
from outreach.models import Answer, Outreach
from reciprocity.followups import reply_due
from reciprocity.models import Ask, InboundRequest, RequestStatus
from referrals.graph import chains_to
from referrals.models import IntroStatus, Progress, Referral

pytestmark = pytest.mark.django_db

OWNED = (
    Organization, Contact, Meeting, FollowUp, Referral, Note, InboundRequest, DigestLog, Lead,
    LeadMove, Event, EventVisit, Outreach,
)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (*OWNED, QuestionTemplate)} | {
        "users": User.objects.count(),
        "meeting participants": Meeting.contacts.through.objects.count(),
        "people met at events": EventVisit.people.through.objects.count(),
        "tagged contacts": Contact.tags.through.objects.count(),
    }


def content(user: User) -> dict[str, list]:
    """What the demo says, without its ids and timestamps."""
    return {
        "contacts": list(Contact.objects.for_user(user).values_list("name", "keep_in_touch_days")),
        "meetings": list(Meeting.objects.for_user(user).values_list("notes", "questions")),
        "referrals": sorted(
            Referral.objects.for_user(user).values_list(
                "referrer__name", "referred__name", "reason", "intro_status", "progress"
            )
        ),
        "notes": list(Note.objects.for_user(user).values_list("contact__name", "body")),
        "follow-ups": sorted(
            FollowUp.objects.for_user(user).values_list("kind", "title", "status")
        ),
        "outreach": sorted(
            (o.contact.name, o.channel, o.answer, o.purpose, o.referral_id is not None,
             o.meeting_id is not None, o.nudged_at is not None)
            for o in Outreach.objects.for_user(user).select_related("contact")
        ),
    }


def day_start(profile: Profile, days: int = 0) -> datetime:
    today = timezone.localdate(timezone=profile.tzinfo) + timedelta(days=days)
    return datetime.combine(today, time.min, tzinfo=profile.tzinfo)


def queue(user: User) -> dict[str, int]:
    """The demo queue as the dashboard splits it, by the user's own day."""
    profile = Profile.for_user(user)
    today_start, tomorrow_start = day_start(profile), day_start(profile, 1)
    followups = FollowUp.objects.for_user(user)
    due = followups.due_by(tomorrow_start - timedelta(microseconds=1))
    return {
        "overdue": due.filter(due_at__lt=today_start).count(),
        "today": due.filter(due_at__gte=today_start).count(),
        "upcoming": followups.upcoming(tomorrow_start, tomorrow_start + timedelta(days=7)).count(),
        "done": followups.filter(status=Status.DONE, completed_at__isnull=False).count(),
    }


def demo_user() -> User:
    return User.objects.get(username=DEMO_USERNAME)


def test_seeds_a_believable_network_for_the_demo_user(user):
    output = seed()

    demo = demo_user()
    assert "Demo account ready: log in as demo / demo-netcrm" in output
    assert (demo.email, demo.get_full_name()) == ("demo@example.com", "Dana Demo")
    assert 35 <= Contact.objects.for_user(demo).count() <= 45
    assert Organization.objects.for_user(demo).count() >= 10
    assert Organization.objects.for_user(demo).filter(is_target=True).count() in (3, 4)
    assert Organization.objects.for_user(demo).exclude(quiet_hours="").exists()
    meetings = Meeting.objects.for_user(demo)
    assert meetings.count() == 15
    assert meetings.upcoming().count() == 2
    assert all(15 <= m.length_minutes <= 45 and m.purpose for m in meetings)
    # Every past meeting's people have it as their latest interaction, and a thank-you.
    for meeting in meetings.past():
        for contact in meeting.contacts.all():
            assert contact.last_interaction_at >= meeting.starts_at
            assert meeting.followups.filter(contact=contact, kind="thank_you").exists()
    assert Contact.objects.for_user(demo).filter(tags__name="recruiter").exists()

    q = queue(demo)
    assert q["overdue"] >= 2 and q["today"] >= 3 and q["upcoming"] >= 5 and q["done"] >= 20
    for model, what in [
        (Contact, "contacts"), (Meeting, "meetings"), (Referral, "referrals"), (Note, "notes"),
        (InboundRequest, "requests for help"), (FollowUp, "follow-ups"),
    ]:
        assert f"{model.objects.count()} {what}," in output

    # Nothing was seeded for, or borrowed from, anyone else.
    assert all(not model.objects.exclude(user=demo).exists() for model in OWNED)
    assert sorted(QuestionTemplate.objects.for_user(user).values_list("text", flat=True)) == sorted(
        SUGGESTED_QUESTIONS
    )
    assert not Contact.objects.exclude(organization=None).exclude(organization__user=demo).exists()
    assert not Meeting.contacts.through.objects.exclude(contact__user=demo).exists()
    assert not FollowUp.objects.exclude(contact=None).exclude(contact__user=demo).exists()
    assert not FollowUp.objects.exclude(meeting=None).exclude(meeting__user=demo).exists()
    assert not FollowUp.objects.exclude(referral=None).exclude(referral__user=demo).exists()
    assert not FollowUp.objects.exclude(inbound_request=None).exclude(
        inbound_request__user=demo
    ).exists()
    for people in ["referrer", "referred", "meeting", "met_meeting"]:
        assert not Referral.objects.exclude(**{f"{people}__user": demo}).exclude(
            **{f"{people}__isnull": True}
        ).exists()
    assert not Note.objects.exclude(contact__user=demo).exists()
    assert not InboundRequest.objects.exclude(contact__user=demo).exists()
    assert Profile.objects.get(user=demo).timezone == settings.TIME_ZONE


def test_the_queue_shows_every_kind_of_follow_up():
    seed()
    demo = demo_user()
    profile = Profile.for_user(demo)
    followups = FollowUp.objects.for_user(demo)
    week = followups.open().filter(due_at__lt=day_start(profile, 8))

    # Every kind is open in the coming week, and every kind but prepare has been done before.
    assert set(week.values_list("kind", flat=True)) == set(kinds.REGISTRY)
    done = followups.filter(status=Status.DONE).values_list("kind", flat=True)
    assert set(done) == set(kinds.REGISTRY) - {"prepare"}
    assert followups.filter(status=Status.SKIPPED).exists()
    assert followups.filter(status=Status.SNOOZED).exists()
    # Closed on the day it happened, not all at once when seeding.
    closed = followups.exclude(status__in=OPEN)
    assert all(f.completed_at <= timezone.now() for f in closed)
    assert closed.filter(completed_at__lt=day_start(profile, -20)).count() >= 10

    # Only custom follow-ups are written by hand: the engine made every other one, so its
    # sweep (beat, every minute) finds nothing missing, moot or misdated.
    assert followups.filter(kind="custom").count() <= 5
    assert sweep() == 0

    call = followups.get(title="Call Luis Ortega, mention Grace Okafor")
    assert call.is_open and call.referral.referrer.name == "Grace Okafor"
    assert call.draft.startswith(
        "Hi Luis, this is Dana Demo. Grace Okafor suggested I give you a call. "
        "Grace told me you know how Brightline's clinicians work with data"
    )
    assert not followups.filter(kind="referral_call", referral=None).exists()


def test_referrals_form_chains_and_trees():
    seed()
    demo = demo_user()
    people = {c.name: c for c in Contact.objects.for_user(demo)}
    referrals = Referral.objects.for_user(demo).with_people()

    assert 12 <= referrals.count() <= 16
    chain = [people[name].pk for name in ("Sara Smith", "John Public", "Alan Park")]
    assert chain in chains_to(demo.pk, people["Alan Park"].pk)
    assert [people["Jamie Rivera"].pk, people["Grace Okafor"].pk, people["Luis Ortega"].pk] in (
        chains_to(demo.pk, people["Luis Ortega"].pk)
    )
    # Someone reached two ways: Rachel, through Linda and through Linda's Ethan.
    assert len(chains_to(demo.pk, people["Rachel Stone"].pk)) == 2
    assert referrals.filter(referrer__name="Alan Park").count() >= 2  # a tree, not just chains
    sara_john = referrals.get(referrer__name="Sara Smith", referred__name="John Public")
    assert sara_john.reason == "he knows everyone in town"
    assert sara_john.intro_status == IntroStatus.ASKED
    assert referrals.get(referred__name="Ethan Wright").intro_status == IntroStatus.CALLED
    assert referrals.get(referred__name="Daniel Kim").progress == Progress.MET
    assert len(set(referrals.values_list("intro_status", flat=True))) == len(IntroStatus)
    assert len(set(referrals.values_list("progress", flat=True))) >= 3

    profile = Profile.for_user(demo)
    for referral in referrals:
        assert referral.referred_on == profile.local_date(referral.created_at)
        assert referral.referred.created_at <= referral.created_at
        if referral.meeting:  # given at a meeting by someone met there, as its notes say
            assert referral.referrer in referral.meeting.contacts.all()
            assert referral.referred.name in referral.meeting.notes
            assert referral.created_at == referral.meeting.ends_at
        if referral.progress == Progress.MET:  # at a meeting held after it was given
            met = referral.met_meeting
            assert referral.referred in met.contacts.all()
            assert referral.created_at < met.starts_at <= timezone.now()
            assert referral.followups.filter(kind="close_loop").exists()
        else:
            assert referral.met_meeting is None
    assert referrals.filter(meeting__isnull=False).count() >= 8
    assert referrals.filter(met_meeting__isnull=False).count() >= 5


def test_leads_in_every_stage_at_organizations_a_chain_reaches():
    seed()
    demo = demo_user()
    leads = Lead.objects.for_user(demo).select_related("organization")

    assert 5 <= leads.count() <= 10
    assert len(set(leads.values_list("status", flat=True))) >= 5
    assert leads.filter(status=LeadStatus.CLOSED).exclude(outcome="").exists()
    profile = Profile.for_user(demo)
    for lead in leads:
        moves = list(lead.moves.order_by("at", "pk"))
        assert moves[0].from_status == "" and moves[-1].to_status == lead.status
        assert [m.from_status for m in moves[1:]] == [m.to_status for m in moves[:-1]]
        assert moves[0].at.date() <= moves[-1].at.date() and lead.moved_at == moves[-1].at
        assert lead.found_on == profile.local_date(moves[0].at)
        assert lead.posting_url.startswith(lead.organization.website)
    # Most leads are where a referral chain reaches someone: an intro path to show.
    with_paths = [lead for lead in leads if who_i_know_at(demo, lead.organization).paths]
    assert len(with_paths) >= 4


def test_keep_in_touch_notes_and_requests_for_help():
    seed()
    demo = demo_user()
    profile = Profile.for_user(demo)
    contacts = Contact.objects.for_user(demo)

    assert set(contacts.tagged("mentor").values_list("keep_in_touch_days", flat=True)) == {30}
    alumni = contacts.tagged("alumni").exclude(tags__name="mentor")
    assert set(alumni.values_list("keep_in_touch_days", flat=True)) == {90}
    with_cadence = contacts.exclude(keep_in_touch_days=None)
    assert with_cadence.count() >= 10
    for contact in with_cadence:  # one open reminder each, a cadence after the last touch
        reminder = contact.keep_in_touch_reminder()
        assert reminder.due_at == keep_in_touch_due(contact, profile)

    notes = Note.objects.for_user(demo).select_related("contact")
    assert 4 <= notes.count() <= 6
    for note in notes:  # each a touch
        assert note.contact.last_interaction_at >= note.happened_at
    sara = notes.get(contact__name="Sara Smith")
    assert "Berlin office" in sara.body
    today = timezone.localdate(timezone=profile.tzinfo)
    assert (today - profile.local_date(sara.happened_at)).days == 14

    requests = InboundRequest.objects.for_user(demo)
    zoe = requests.get(contact__name="Zoe Carter")
    assert (zoe.ask, zoe.status) == (Ask.TIME, RequestStatus.OPEN)
    assert profile.local_date(zoe.received_at) == today - timedelta(days=1)  # last night
    reply = zoe.followups.get(kind="reply")
    assert reply.is_open and profile.local_date(reply.due_at) == today  # in today's queue
    assert reply.due_at == reply_due(zoe, profile)  # within the window, in waking hours
    helped = requests.get(ask=Ask.INTRODUCTION)
    declined = requests.get(ask=Ask.ADVICE)
    assert (helped.status, declined.status) == (RequestStatus.HELPED, RequestStatus.DECLINED)
    assert timezone.now() - helped.received_at > timedelta(days=9)
    assert timezone.now() - declined.received_at > timedelta(days=19)
    for answered in (helped, declined):
        assert not answered.followups.open().exists()
        assert answered.followups.filter(status=Status.DONE).exists()


def test_requests_for_a_meeting_in_every_answer_with_a_nudge_open_and_one_sent():
    seed()
    demo = demo_user()
    asks = Outreach.objects.for_user(demo).select_related("contact", "referral__referrer")

    assert set(asks.values_list("answer", flat=True)) == set(Answer.values)
    assert all(a.contact.user == demo and a.purpose for a in asks)
    accepted = asks.get(answer=Answer.ACCEPTED)
    assert accepted.meeting.is_upcoming and accepted.contact in accepted.meeting.contacts.all()
    assert accepted.referral.referrer.name == "Alan Park"
    assert "Alan Park suggested I get in touch" in accepted.draft_request()
    assert "stable team" in asks.get(answer=Answer.NOT_HIRING).draft_not_hiring()
    # Spread over the last weeks; every answer after its asking.
    ages = [timezone.now() - a.asked_at for a in asks]
    assert min(ages) < timedelta(days=3) and max(ages) > timedelta(days=20)
    assert all(a.answered_at >= a.asked_at for a in asks.exclude(answer=Answer.PENDING))
    # The engine nudged: one open for the one waiting longest, and some sent before.
    nudges = FollowUp.objects.for_user(demo).filter(kind="nudge")
    open_nudge = nudges.open().get()
    assert open_nudge.outreach.answer == Answer.PENDING
    assert open_nudge.title == f"Nudge {open_nudge.contact.name} about coffee"
    assert nudges.filter(status=Status.DONE).count() >= 1
    sent = asks.filter(nudged_at__isnull=False)
    assert sorted(a.contact.name for a in sent) == ["Tom Becker", "Wei Zhang"]
    assert all(a.followups.get(kind="nudge").completed_at == a.nudged_at for a in sent)


def test_question_library_prepared_meetings_and_the_digest():
    seed()
    demo = demo_user()
    profile = Profile.for_user(demo)

    library = list(QuestionTemplate.objects.for_user(demo).values_list("text", flat=True))
    assert set(SUGGESTED_QUESTIONS) <= set(library)
    assert LIBRARY_QUESTION in library
    for meeting in Meeting.objects.for_user(demo).upcoming():
        questions = meeting.questions.splitlines()
        assert meeting.purpose and 2 <= len(questions) <= 3
        prepare = meeting.followups.get(kind="prepare")
        assert prepare.is_open and prepare.due_at < meeting.starts_at
        assert f"Purpose: {meeting.purpose}" in prepare.draft
        assert all(f"- {question}" in prepare.draft for question in questions)

    assert (profile.digest_enabled, profile.digest_time) == (True, time(7, 0))
    log = DigestLog.objects.get(user=demo)  # yesterday's; today's is beat's to claim and send
    assert log.day == timezone.localdate(timezone=profile.tzinfo) - timedelta(days=1)
    assert log.claimed_at == datetime.combine(log.day, time(7, 0), tzinfo=profile.tzinfo)
    assert timedelta(0) < log.sent_at - log.claimed_at < timedelta(minutes=1)
    assert log.followup_count > 0
    # No heartbeat is faked: the dashboard still says so when the scheduler is not running.
    assert not Heartbeat.objects.exists()


def test_the_demo_user_logs_in_with_the_documented_password(client):
    seed()

    assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    assert not client.login(username=DEMO_USERNAME, password="wrong-password")
    assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    response = client.get(reverse("home:dashboard"))
    assert response.status_code == 200
    assert "Call Luis Ortega, mention Grace Okafor" in response.text
    assert "Reply to Zoe Carter" in response.text


def test_a_second_run_changes_nothing():
    seed()
    before = counts()
    demo = demo_user()
    Contact.objects.filter(user=demo, name="Sara Smith").update(notes="my own note")

    output = seed()

    assert output.strip() == "Demo account exists already (login: demo / demo-netcrm)"
    assert counts() == before
    assert Contact.objects.get(user=demo, name="Sara Smith").notes == "my own note"
    assert demo_user().pk == demo.pk


def test_reset_deletes_the_demo_user_and_seeds_it_again(user):
    seed()
    before = counts()
    old = demo_user()
    was = content(old)
    Contact.objects.filter(user=old, name="Sara Smith").delete()
    Meeting.objects.filter(user=old).first().delete()

    output = seed("--reset")

    new = demo_user()
    assert "Demo account ready" in output
    assert new.pk != old.pk
    assert counts() == before
    assert content(new) == was  # the same demo every time
    assert Contact.objects.filter(user=new, name="Sara Smith").exists()
    assert User.objects.filter(pk=user.pk).exists()  # another user is untouched


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"])
def test_the_demo_is_the_same_whatever_the_day_and_time_it_is_seeded(monkeypatch, settings, zone):
    """A new user sees the same demo, seeded just after midnight or late at night where
    they are, on a Monday or a Sunday: its requests for a meeting (two waiting), and its
    queue, each open follow-up due the same day from today at the same hour (seeded at
    23:55, the reply to a request "3 hours ago" fell due tomorrow, not today)."""
    settings.TIME_ZONE = zone
    seen = []
    for moment in ["2026-12-07 00:05", "2026-12-07 23:55", "2026-12-13 11:30"]:
        local = datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(zone))
        monkeypatch.setattr(timezone, "now", lambda local=local: local.astimezone(UTC))
        seed("--reset")
        demo = demo_user()
        profile = Profile.for_user(demo)
        due = sorted(
            (f.kind, f.title, (profile.local_date(f.due_at) - local.date()).days,
             f"{f.due_at.astimezone(profile.tzinfo):%H:%M}")
            for f in FollowUp.objects.for_user(demo).open()
        )
        waiting = Outreach.objects.for_user(demo).answer_counts()
        seen.append(content(demo) | {"waiting": waiting, "queue": queue(demo), "due": due})
    first, *others = seen
    assert first["waiting"][Answer.PENDING] == 2
    assert ("reply", "Reply to Zoe Carter: 15 minutes of your time", 0, "09:00") in first["due"]
    for other in others:
        assert other == first


def test_reset_without_a_demo_user_just_seeds():
    output = seed("--reset")

    assert "Demo account ready" in output
    assert Meeting.objects.filter(user__username=DEMO_USERNAME).count() == 15


def test_where_you_network_and_what_came_of_it():
    """The article's point, in the demo: the support group gave no referral, the
    business breakfast one meeting and its referral (and a lead), the volunteer board
    a meeting."""
    seed()
    demo = demo_user()
    profile = Profile.for_user(demo)
    today = timezone.localdate(timezone=profile.tzinfo)
    events = {e.kind: e for e in outcomes(demo)}

    assert set(events) >= {Kind.SUPPORT_GROUP, Kind.BUSINESS_GROUP, Kind.VOLUNTEERING}
    support = events[Kind.SUPPORT_GROUP]
    assert support.visit_count == 6  # weekly
    visits = list(
        EventVisit.objects.filter(event=support).order_by("on").values_list("on", flat=True)
    )
    assert {(b - a).days for a, b in zip(visits, visits[1:])} == {7}
    assert support.people_count >= 2 and (support.meeting_count, support.referral_count) == (0, 0)
    breakfast = events[Kind.BUSINESS_GROUP]
    assert (breakfast.meeting_count, breakfast.referral_count, breakfast.lead_count) == (1, 1, 1)
    assert events[Kind.VOLUNTEERING].meeting_count >= 1
    for event in events.values():  # all within the last six weeks
        assert today - timedelta(days=42) <= event.first_visit <= event.last_visit < today
    # "How you met" names the event for people met at one, where it is how they met.
    named = Contact.objects.for_user(demo).exclude(met_at=None)
    assert named.count() >= 4
    assert all(c.source in ("event", "group", "volunteering") for c in named)
    assert not named.exclude(met_at__user=demo).exists()
    assert not EventVisit.people.through.objects.exclude(contact__user=demo).exists()


def test_leads_show_their_follow_ups_and_targets_their_next_step():
    """The demo shows each lead kind: an application long without news (check in), a
    lead where you know someone (ask them), one where you know nobody (ask connectors)."""
    from jobs.targets import targets_for

    seed()
    demo = demo_user()
    followups = FollowUp.objects.for_user(demo).open().select_related("lead", "contact")
    checkin = followups.get(kind="application_checkin")
    assert checkin.lead.role == "Supply Chain Analyst" and checkin.contact.name == "Sam Patel"
    assert checkin.due_at < timezone.now()
    assert followups.get(kind="ask_about_lead").lead.role == "Clinical Data Analyst"
    connectors = followups.get(kind="ask_connectors")
    assert connectors.lead.organization.name == "Summit Energy"
    assert connectors.title.startswith("Ask ") and "whom they know at Summit Energy" in connectors.title

    steps = {t.organization.name: t.next_step.text for t in targets_for(demo)[0]}
    assert steps["Summit Energy"] == "Find someone who knows Summit Energy: ask your connectors"
    assert len(set(steps.values())) >= 3
