"""/insights/: the funnel week by week, where meetings come from, findings citing the
rules, weekly goals and their progress on the dashboard."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Organization, Source
from followups.models import FollowUp
from insights.models import WeeklyGoal
from insights.services import insights, week_start, weekly_progress
from jobs.models import Lead, Outcome as LeadOutcome, Status as LeadStatus
from meetings.models import Meeting
from reciprocity.models import InboundRequest
from referrals.models import IntroStatus, Progress, Referral
from tests.factories import bulk_contacts, make_contact, make_meeting
from tests.helpers import assert_login_redirect, assert_not_allowed, text

pytestmark = pytest.mark.django_db

PAGE = reverse("insights:insights")
GOALS = reverse("insights:edit-goals")
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def profile(user) -> Profile:
    Profile.objects.filter(user=user).update(timezone="Europe/Paris")
    return Profile.objects.get(user=user)


def at(profile: Profile, days_ago: int, hour: int = 10) -> datetime:
    day = profile.today() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def week_index(profile: Profile, moment: datetime, weeks: int = 8) -> int:
    first = week_start(profile.today()) - timedelta(weeks=weeks - 1)
    return (profile.local_date(moment) - first).days // 7


def test_the_funnel_counts_each_stage_in_its_week(user, profile):
    sara, john, alan = (make_contact(user, name) for name in ["Sara Smith", "John Public", "Alan Park"])
    two_weeks = at(profile, 14)
    meeting = make_meeting(user, [sara], starts_at=two_weeks)
    make_meeting(user, [john], starts_at=at(profile, 7))
    Referral.objects.create(user=user, referrer=sara, referred=john, meeting=meeting,
                            referred_on=two_weeks.date(), intro_status=IntroStatus.CALLED)
    Referral.objects.create(user=user, referrer=sara, referred=alan, meeting=meeting,
                            referred_on=two_weeks.date())
    acme = Organization.objects.named(user, "Acme", create=True)
    lead = Lead(user=user, organization=acme, role="Analyst", found_on=two_weeks.date()).save_new()
    lead.move(LeadStatus.APPLIED, at=at(profile, 7))
    lead.move(LeadStatus.INTERVIEWING, at=at(profile, 1))
    from outreach.models import Answer, Outreach

    Outreach.objects.create(user=user, contact=john, asked_at=at(profile, 16), answer=Answer.ACCEPTED)
    Outreach.objects.create(user=user, contact=alan, asked_at=at(profile, 15), answer=Answer.NOT_HIRING)

    found = insights(user, profile)
    stages = {stage.key: stage for stage in found.stages}
    i = week_index(profile, two_weeks)
    assert stages["met"].weeks[i] == 1 and stages["met"].total == 2
    assert (stages["asked"].total, stages["accepted"].total) == (2, 1)
    assert "50% of your answered requests for a meeting got a yes" in found.steps()
    assert stages["referrals"].weeks[i] == 2 and stages["warm"].total == 1
    assert stages["leads"].weeks[i] == 1
    assert stages["applied"].weeks[week_index(profile, at(profile, 7))] == 1
    assert stages["interviews"].total == 1 and stages["offers"].total == 0
    assert "1.0 referrals a meeting" in found.steps()
    assert "50% of referrals came with a warm intro" in found.steps()
    assert found.barren_count == 1 and found.met_count == 2


def test_a_lead_moved_past_a_stage_counts_in_it_and_a_won_lead_as_an_offer(user, profile):
    # The board moves a lead anywhere: Found straight to Interviewing is an application
    # too, and a lead closed as won had an offer. Each lead counts once a stage.
    acme = Organization.objects.named(user, "Acme", create=True)
    leads = [
        Lead(user=user, organization=acme, role=f"Role {i}", found_on=at(profile, 20).date()).save_new()
        for i in range(4)
    ]
    for lead in leads[:3]:
        lead.move(LeadStatus.INTERVIEWING, at=at(profile, 3))
    leads[0].move(LeadStatus.APPLIED, at=at(profile, 2))  # back a step: nothing new
    leads[0].move(LeadStatus.INTERVIEWING, at=at(profile, 1))
    leads[3].move(LeadStatus.REACHED_OUT, at=at(profile, 5))
    leads[3].move(LeadStatus.CLOSED, LeadOutcome.WON, at=at(profile, 2))
    leads[1].move(LeadStatus.CLOSED, LeadOutcome.LOST, at=at(profile, 1))

    found = insights(user, profile)
    stages = {stage.key: stage for stage in found.stages}
    assert (stages["applied"].total, stages["interviews"].total, stages["offers"].total) == (4, 4, 1)
    assert stages["applied"].weeks[week_index(profile, at(profile, 3))] >= 3
    assert "100% of applications led to an interview" in found.steps()
    assert "25% of interviews led to an offer" in found.steps()


def test_a_stage_reached_before_the_period_is_not_counted_again(user, profile):
    acme = Organization.objects.named(user, "Acme", create=True)
    lead = Lead(user=user, organization=acme, role="Analyst", found_on=at(profile, 90).date()).save_new()
    lead.move(LeadStatus.APPLIED, at=at(profile, 80))
    lead.move(LeadStatus.OFFER, at=at(profile, 2))  # the interview never logged
    stages = {stage.key: stage for stage in insights(user, profile).stages}
    assert (stages["applied"].total, stages["interviews"].total, stages["offers"].total) == (0, 1, 1)
    # An interview from an application before the period: no share over 100%.
    assert "100% of interviews led to an offer" in insights(user, profile).steps()


def test_a_request_that_got_no_answer_is_not_an_answer(user, profile):
    from outreach.models import Answer, Outreach

    john = make_contact(user, "John Public")
    for answer in [Answer.ACCEPTED, Answer.ACCEPTED, Answer.DECLINED, Answer.NO_ANSWER, Answer.PENDING]:
        Outreach.objects.create(user=user, contact=john, asked_at=at(profile, 3), answer=answer)
    assert "67% of your answered requests for a meeting got a yes; 1 still waiting" in (
        insights(user, profile).steps()
    )
    Outreach.objects.exclude(answer=Answer.NO_ANSWER).delete()
    assert "1 request for a meeting got no answer" in insights(user, profile).steps()


def test_meetings_from_groups_that_give_no_referral_are_named(user, profile):
    people = [make_contact(user, f"Member {i}", source=Source.GROUP) for i in range(4)]
    friend = make_contact(user, "Old Friend", source=Source.KNEW)
    named = make_contact(user, "Named")
    for i, person in enumerate(people):
        make_meeting(user, [person], starts_at=at(profile, i + 1))
    for i in range(2):
        m = make_meeting(user, [friend], starts_at=at(profile, 10 + i))
        Referral.objects.create(user=user, referrer=friend, referred=make_contact(user, f"R{i}"),
                                meeting=m, progress=Progress.MET, intro_status=IntroStatus.CALLED)
    found = insights(user, profile)
    texts = [f.text for f in found.findings]
    assert any(
        t.startswith("4 of your last 6 meetings came from “group or meetup” and gave no referral: "
                     "try a business networking group or a volunteer board") for t in texts
    ), texts
    rows = {row.label: row for row in found.sources}
    assert (rows["Group or meetup"].meetings, rows["Group or meetup"].barren) == (4, 4)
    assert rows["Someone I already knew"].per_meeting == 1.0
    assert any("Rule 5" in f.rule for f in found.findings)  # 4 of 6 gave nothing
    assert named  # unused on purpose: a contact met nowhere changes nothing


def test_findings_for_thank_yous_calls_requests_and_cold_leads(user, profile):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    meeting = make_meeting(user, [sara], starts_at=at(profile, 3))
    FollowUp.objects.create(user=user, kind="thank_you", meeting=meeting, contact=sara,
                            title="Thank Sara", due_at=at(profile, 2))
    for i in range(2):
        Referral.objects.create(user=user, referrer=sara, referred=make_contact(user, f"P{i}"),
                                referred_on=profile.today() - timedelta(days=10))
    InboundRequest.objects.create(user=user, contact=sara)
    Lead(user=user, organization=sara.organization, role="Analyst").save_new()
    rules = {f.rule.split(":")[0]: f.text for f in insights(user, profile).findings}
    assert rules["Rule 6 of the eight rules"].startswith("1 thank-you note is waiting")
    assert rules["Rule 2 of the eight rules"].startswith(
        "2 people you were referred to more than 7 days ago haven't heard from you"
    )
    assert rules["Rule 7 of the eight rules"].startswith("1 request for help is waiting")
    assert rules["Rule 8 of the eight rules"].startswith(
        "1 lead at an organization where you know someone is still at “found”"
    )


def test_referrals_without_a_warm_intro_are_counted_in_words(user, profile):
    sara = make_contact(user, "Sara Smith")
    referrals = [
        Referral.objects.create(user=user, referrer=sara, referred=make_contact(user, f"P{i}"))
        for i in range(4)
    ]
    texts = [f.text for f in insights(user, profile).findings]
    assert any(t.startswith("None of your 4 referrals came with a warm intro") for t in texts)
    Referral.objects.filter(pk=referrals[0].pk).update(intro_status=IntroStatus.CALLED)
    texts = [f.text for f in insights(user, profile).findings]
    assert any(t.startswith("Only 1 of your 4 referrals came with a warm intro") for t in texts)


def test_when_all_is_well_nothing_stands_out(client_logged_in, user, profile):
    friend = make_contact(user, "Old Friend")
    for i in range(3):
        m = make_meeting(user, [friend], starts_at=at(profile, i + 1))
        Referral.objects.create(user=user, referrer=friend, referred=make_contact(user, f"R{i}"),
                                meeting=m, progress=Progress.MET, intro_status=IntroStatus.CALLED)
    assert insights(user, profile).findings == []
    assert "Nothing stands out" in text(client_logged_in.get(PAGE))


def test_a_lead_without_a_meeting_is_no_reason_to_say_all_is_well(client_logged_in, user, profile):
    """Something logged, but no meeting in the period: the page says to meet people,
    never "you are meeting people… keep going"."""
    Lead(user=user, organization=Organization.objects.create(user=user, name="Acme"),
         role="Analyst").save_new()
    found = insights(user, profile)
    assert not found.empty
    assert [f.rule.split(":")[0] for f in found.findings] == [
        "“What is networking, and why should you care?”"
    ]
    page = text(client_logged_in.get(PAGE))
    assert "You have not met anyone in the last 8 weeks" in page
    assert "Nothing stands out" not in page


def test_a_new_user_sees_what_the_page_is_for(client_logged_in, user, profile):
    page = text(client_logged_in.get(PAGE))
    assert "Nothing to measure yet." in page
    assert "0 of 3 meetings" in page


def test_the_page_draws_its_charts_with_their_numbers(client_logged_in, user, profile):
    sara = make_contact(user, "Sara Smith")
    make_meeting(user, [sara], starts_at=at(profile, 1))
    page = text(client_logged_in.get(PAGE))
    assert page.count('<svg class="chart"') == 2
    assert 'role="img"' in page and "<title" in page
    assert page.count("<table>") >= 3  # the numbers behind each chart, and the sources
    assert "Coffee with Sara Smith" in page  # a meeting that gave no referral


def test_query_count_does_not_grow_with_the_data(client_logged_in, user, profile, django_assert_num_queries):
    def grow(n: int) -> None:
        people = bulk_contacts(user, n)
        for i, person in enumerate(people):
            m = make_meeting(user, [person], starts_at=at(profile, i % 50))
            Referral.objects.create(user=user, referrer=person, referred=people[i - 1],
                                    meeting=m, referred_on=at(profile, i % 50).date())
        acme = Organization.objects.named(user, f"Org {n}", create=True)
        for i in range(n // 5):
            Lead(user=user, organization=acme, role=f"Role {i}").save_new().move(LeadStatus.APPLIED)

    grow(10)
    client_logged_in.get(PAGE)  # makes the goal row
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client_logged_in.get(PAGE).status_code == 200
    grow(100)
    with django_assert_num_queries(len(small)):
        assert client_logged_in.get(PAGE).status_code == 200


def test_weekly_progress_counts_held_planned_and_referrals(user, profile):
    now = timezone.now()
    sara = make_contact(user, "Sara Smith")
    monday = week_start(profile.today())
    start = profile.day_start(monday)
    held = [make_meeting(user, [sara], starts_at=max(start, now - timedelta(hours=h)) + timedelta(seconds=1))
            for h in (1, 2)]
    make_meeting(user, [sara], starts_at=now + timedelta(minutes=30))
    make_meeting(user, [sara], starts_at=start - timedelta(days=1))  # last week
    Referral.objects.create(user=user, referrer=sara, referred=make_contact(user, "Alan"),
                            meeting=held[0], referred_on=profile.today())
    progress = weekly_progress(user, profile, now + timedelta(seconds=5))
    assert (progress.held, progress.referrals) == (2, 1)
    assert progress.planned in (0, 1)  # 0 when this week ends within the half hour
    assert progress.goal.meetings == 3
    assert progress.meetings_left == 1 and not progress.meetings_met


def test_the_dashboard_shows_the_week_against_the_goal(client_logged_in, user, profile):
    WeeklyGoal.objects.create(user=user, meetings=2)
    make_meeting(user, [make_contact(user, "Sara Smith")], starts_at=timezone.now() - timedelta(minutes=5))
    page = text(client_logged_in.get(reverse("home:dashboard")))
    if week_start(profile.today()) == profile.today() and timezone.localtime(timezone=PARIS).hour == 0:
        pytest.skip("the meeting five minutes ago fell in last week")
    assert "1 of 2 meetings" in page
    assert "0 new referrals · 0 per meeting (goal: 1)" in page
    WeeklyGoal.objects.filter(user=user).update(referrals_per_meeting="1.5")
    Meeting.objects.filter(user=user).delete()
    page = text(client_logged_in.get(reverse("home:dashboard")))
    assert "0 new referrals (goal: 1.5 per meeting)" in page  # no rate without a meeting


def test_goals_are_changed_and_bad_ones_keep_what_was_typed(client_logged_in, user):
    response = client_logged_in.post(GOALS, {"meetings": "0", "referrals_per_meeting": "abc"})
    assert response.status_code == 422
    assert 'value="0"' in text(response) and 'value="abc"' in text(response)
    assert "At least one meeting a week" in text(response) and "A number, such as 1 or 1.5." in text(response)
    for meetings, referrals, said in [
        ("-3", "1", "At least one meeting a week"),  # the column's own bound said "0"
        ("51", "1", "At most 50 a week."),
        ("3", "1.25", "One decimal at most, such as 1.5."),
        ("3", "12", "At most 9.9 referrals a meeting."),
    ]:
        response = client_logged_in.post(GOALS, {"meetings": meetings, "referrals_per_meeting": referrals})
        assert response.status_code == 422 and said in text(response), said
        assert "Ensure" not in text(response)
    response = client_logged_in.post(GOALS, {"meetings": "5", "referrals_per_meeting": "1.5"})
    assert response.url == PAGE
    goal = WeeklyGoal.objects.get(user=user)
    assert (goal.meetings, str(goal.referrals_per_meeting)) == (5, "1.5")


def test_login_required(client):
    assert_login_redirect(client.get(PAGE), PAGE)
    assert_login_redirect(client.get(GOALS), GOALS)


def test_methods(client_logged_in):
    assert_not_allowed(client_logged_in.post(PAGE), "GET")
    assert_not_allowed(client_logged_in.put(GOALS), "GET, POST")


def test_another_users_rows_count_for_nothing(client, user, other_user, profile):
    sara = make_contact(other_user, "Sara Smith")
    make_meeting(other_user, [sara], starts_at=at(profile, 1))
    client.force_login(user)
    assert "Nothing to measure yet." in text(client.get(PAGE))


def test_meetings_from_job_seeker_groups_are_named_by_the_group(user, profile):
    """The seed article's finding, in its words: people met at a job-seeker support
    group gave no referral; try a business networking group or a volunteer board."""
    from events.models import Event, Kind

    group = Event.objects.create(user=user, name="Tuesday job club", kind=Kind.SUPPORT_GROUP)
    for i in range(4):
        person = make_contact(user, f"Member {i}", source=Source.GROUP, met_at=group)
        make_meeting(user, [person], starts_at=at(profile, i + 1))
    friend = make_contact(user, "Old Friend")
    for i in range(2):
        m = make_meeting(user, [friend], starts_at=at(profile, 10 + i))
        Referral.objects.create(user=user, referrer=friend, referred=make_contact(user, f"R{i}"),
                                meeting=m, progress=Progress.MET, intro_status=IntroStatus.CALLED)
    found = insights(user, profile)
    assert found.findings[0].text == (
        "4 of your last 6 meetings came from “job-seeker support group” and gave no referral: "
        "try a business networking group or a volunteer board."
    )
    assert found.findings[0].rule.startswith("“Networking Not Working? Think Again!”")
    assert {row.label for row in found.sources} == {"Job-seeker support group", "Someone I already knew"}
    assert [(e.name, e.people_count) for e in found.events] == [("Tuesday job club", 4)]


def test_a_request_still_waiting_is_no_no_yet(user, profile):
    from outreach.models import Answer, Outreach

    sara, john, alan = (make_contact(user, name) for name in ["Sara Smith", "John Public", "Alan Park"])
    Outreach.objects.create(user=user, contact=sara, asked_at=at(profile, 3))
    steps = insights(user, profile).steps()
    assert "1 request for a meeting is waiting for an answer" in steps
    assert not any("got a yes" in step for step in steps)  # not "0% got a yes"

    Outreach.objects.create(user=user, contact=john, asked_at=at(profile, 4), answer=Answer.ACCEPTED)
    Outreach.objects.create(user=user, contact=alan, asked_at=at(profile, 5), answer=Answer.DECLINED)
    assert "50% of your answered requests for a meeting got a yes; 1 still waiting" in (
        insights(user, profile).steps()
    )


def test_a_new_account_is_told_no_share_of_nothing(user, profile):
    steps = insights(user, profile).steps()
    assert not any("—" in step for step in steps)
    assert not any("of leads became applications" in step for step in steps)


def test_a_meeting_with_people_met_different_ways_is_said_to_count_in_each_row(
    client_logged_in, user, profile
):
    """Coffee with a friend and someone met at a meetup is in both rows: the page says
    why the rows add up to more than the meetings held."""
    friend = make_contact(user, "Old Friend", source=Source.KNEW)
    member = make_contact(user, "Member", source=Source.GROUP)
    make_meeting(user, [friend, member], starts_at=at(profile, 2))
    make_meeting(user, [friend], starts_at=at(profile, 3))

    found = insights(user, profile)

    assert found.met_count == 2 and sum(row.meetings for row in found.sources) == 3
    assert found.mixed_meetings == 1
    body = text(client_logged_in.get(PAGE))
    assert (
        "1 of your 2 meetings was with people you met different ways: it counts once in "
        "each of their rows, so the rows add up to more than 2."
    ) in body


def test_no_word_about_rows_adding_up_when_each_meeting_is_in_one_row(
    client_logged_in, user, profile
):
    friend = make_contact(user, "Old Friend", source=Source.KNEW)
    make_meeting(user, [friend, make_contact(user, "Other Friend", source=Source.KNEW)],
                 starts_at=at(profile, 2))
    assert insights(user, profile).mixed_meetings == 0
    assert "met different ways" not in text(client_logged_in.get(PAGE))


def test_the_events_table_says_it_counts_since_the_first_visit(client_logged_in, user, profile):
    """The page is about the last 8 weeks; the events table counts what came of each
    event since you first went, however long ago: it says so, so the numbers do not
    seem to disagree with the rest of the page."""
    from events.models import Event, Kind

    group = Event.objects.create(user=user, name="Tuesday job club", kind=Kind.SUPPORT_GROUP)
    long_ago = profile.today() - timedelta(weeks=30)
    group.went(on=long_ago, people=[make_contact(user, "Member", met_at=group)])
    make_meeting(user, [make_contact(user, "Friend")], starts_at=at(profile, 2))

    body = text(client_logged_in.get(PAGE))

    assert "Tuesday job club" in body
    assert "Each since you first went to it, not only these 8 weeks" in body


def test_a_request_you_helped_with_counts_as_help_given(client_logged_in, user, profile):
    """Marked "I helped them", a request for help shows as help given; "helped back"
    (the follow-ups that offer help to those who referred you) is labelled as that,
    so it no longer reads 0 beside a request you helped with."""
    from reciprocity.models import RequestStatus

    zoe = make_contact(user, "Zoe Carter")
    InboundRequest.objects.create(user=user, contact=zoe, status=RequestStatus.HELPED)
    InboundRequest.objects.create(user=user, contact=zoe, status=RequestStatus.REPLIED)
    InboundRequest.objects.create(user=user, contact=zoe)
    make_meeting(user, [zoe], starts_at=at(profile, 2))  # something to measure

    found = insights(user, profile)
    assert (found.reciprocity.asked_you, found.reciprocity.answered, found.reciprocity.helped) == (
        3, 2, 1
    )
    body = text(client_logged_in.get(PAGE))
    assert "<dt>Answered</dt><dd>2, you helped 1</dd>" in body
    assert "<dt>Helped referrers back</dt><dd>0</dd>" in body
    assert "Helped back" not in body


def test_an_account_with_only_events_and_requests_sees_them(client_logged_in, user, profile):
    """Been to a group, asked for help once, no meeting yet: not "nothing to measure",
    but the events table and the request, and the nudge to meet someone."""
    from events.models import Event, Kind

    Event.objects.create(user=user, name="Tuesday job club", kind=Kind.SUPPORT_GROUP).went()
    InboundRequest.objects.create(user=user, contact=make_contact(user, "Zoe Carter"))

    body = text(client_logged_in.get(PAGE))

    assert "Nothing to measure yet." not in body
    assert "Tuesday job club" in body and "<dt>Asked you for help</dt><dd>1</dd>" in body
    assert "You have not met anyone in the last 8 weeks" in body
