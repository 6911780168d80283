"""A contact's page leads with what you need before a call: how you are connected (the
chain), the last interactions, what is due; then the forms, each one tap away."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from followups.models import Status
from referrals.models import Referral
from tests.factories import make_contact, make_followup, make_meeting
from tests.helpers import HTMX, assert_fragment, assert_full_page, written

pytestmark = pytest.mark.django_db


def contact_url(contact) -> str:
    return contact.get_absolute_url()


@pytest.fixture
def john(user):
    """John, whom Sara referred: a chain, a meeting, an open and a done follow-up."""
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    Referral.objects.create(user=user, referrer=sara, referred=john, reason="knows everyone")
    make_meeting(user, [john], starts_at=timezone.now() - timedelta(days=5))
    make_followup(user, title="Call John back", contact=john,
                  due_at=timezone.now() - timedelta(days=1))
    make_followup(user, title="Send John the article", contact=john, status=Status.DONE,
                  due_at=timezone.now() - timedelta(days=4))
    return john


def test_the_chain_interactions_and_what_is_due_come_before_the_forms(client_logged_in, john):
    body = assert_full_page(client_logged_in.get(contact_url(john)), "<h1>John Public</h1>")

    order = [
        '<h2 id="reached-title">',     # how you are connected
        '<h2 id="timeline-title">',    # the last interactions
        '<h2 id="due-title">',         # what is due
        'id="keep-in-touch"',          # then the forms
        '<details class="add-referral">',
        'id="custom-followup-form"',
    ]
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)
    chain = body[positions[0]:positions[1]]
    assert "Sara Smith" in chain and "<form" not in chain
    # No form at all before the forms begin.
    assert "<form" not in body[body.index("<h1>"):positions[3]]


def test_what_is_due_lists_open_follow_ups_and_the_timeline_what_happened(
    client_logged_in, john
):
    body = assert_full_page(client_logged_in.get(contact_url(john)), "What is due")
    due = body[body.index('<h2 id="due-title">'):body.index('<h2 id="led-title">')]
    timeline = body[body.index('<h2 id="timeline-title">'):body.index('<h2 id="due-title">')]

    assert "Call John back" in due and '<span class="badge overdue">overdue</span>' in due
    assert "Send John the article" not in due
    assert "Send John the article" in timeline and "Call John back" not in timeline
    assert "Coffee with John Public" in timeline


def test_nothing_due(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    body = assert_full_page(client_logged_in.get(contact_url(sara)), "What is due")
    assert "Nothing due about Sara." in body


def test_the_first_five_show_and_the_rest_are_one_tap_further(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    now = timezone.now()
    for day in range(7):
        make_meeting(user, [sara], starts_at=now - timedelta(days=day + 1), location=f"Cafe {day}")
        make_followup(user, title=f"Due {day}", contact=sara, due_at=now + timedelta(days=day))

    body = assert_full_page(client_logged_in.get(contact_url(sara)), "What is due")

    timeline = body[body.index('<h2 id="timeline-title">'):body.index('<h2 id="due-title">')]
    first, earlier = timeline.split("<summary>Earlier (2)</summary>")
    assert first.count('<li data-entry="meeting">') == 5
    assert earlier.count('<li data-entry="meeting">') == 2
    due = body[body.index('<h2 id="due-title">'):body.index('<h2 id="led-title">')]
    assert "<summary>2 more</summary>" in due
    assert due.index("Due 4") < due.index("<summary>2 more</summary>") < due.index("Due 5")


def test_keep_in_touch_forms_wait_behind_a_tap_and_open_on_a_mistake(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    body = assert_full_page(client_logged_in.get(contact_url(sara)), 'id="keep-in-touch"')
    assert '<details class="page-form">\n    <summary>Log a call, email or note</summary>' in body

    response = client_logged_in.post(
        reverse("contacts:log-note", args=[sara.pk]), {"body": ""}, headers=HTMX
    )
    body = assert_fragment(response, "Say what happened, in a word or two.", status=422)
    assert '<details class="page-form" open>\n    <summary>Log a call, email or note' in body


def test_due_earlier_today_is_not_called_overdue_as_the_queue_does_not(client_logged_in, user):
    """The queue calls overdue what fell due before today began (in the user's
    timezone); so does the contact's page."""
    profile = Profile.objects.get(user=user)
    today_start = profile.day_start(profile.today())
    ann = make_contact(user, "Ann Bay")
    earlier = make_followup(user, title="Thank Ann", contact=ann, due_at=today_start)
    body = client_logged_in.get(contact_url(ann)).content.decode()
    entry = body[body.index(f'href="{earlier.get_absolute_url()}"'):]
    assert "overdue" not in entry[:entry.index("</li>")]
    make_followup(user, title="Call Ann", contact=ann, due_at=today_start - timedelta(minutes=1))
    assert body.count("badge overdue") + 1 == client_logged_in.get(
        contact_url(ann)).content.decode().count("badge overdue")


def test_a_closed_follow_up_is_in_the_timeline_on_the_day_it_was_closed(client_logged_in, user):
    """A call due in three days, made moot today, is no interaction of the future."""
    ann = make_contact(user, "Ann Bay")
    make_followup(user, title="Call Ann", contact=ann, status=Status.DONE,
                  due_at=timezone.now() + timedelta(days=3), completed_at=timezone.now())
    body = client_logged_in.get(contact_url(ann)).content.decode()
    timeline = body[body.index('<h2 id="timeline-title">'):body.index('<h2 id="due-title">')]
    today = Profile.objects.get(user=user).today()
    assert written(today, "%a %-d %b{year}") in timeline
    later = written(today + timedelta(days=3), "%a %-d %b{year}")
    assert later not in timeline


def test_who_referred_them_says_to_whom(client_logged_in, john):
    body = client_logged_in.get(contact_url(john)).content.decode()
    assert "Sara Smith</a> referred you to John on " in body


def test_a_planned_meeting_is_not_a_last_interaction_and_a_call_made_is(client_logged_in, user):
    olivia = make_contact(user, "Olivia Martin")
    planned = make_meeting(user, [olivia], starts_at=timezone.now() + timedelta(days=5),
                           purpose="informational interview")
    page = client_logged_in.get(contact_url(olivia)).content.decode()
    assert "none logged yet" in page and "Nothing yet." not in page
    section = page.split('id="timeline-title"', 1)[1].split("</section>", 1)[0]
    assert 'data-entry="planned"' in section and planned.get_absolute_url() in section
    assert 'data-entry="meeting"' not in section

    called = timezone.now() - timedelta(days=2)
    make_followup(user, title="Call Olivia, mention Sara", kind="referral_call", contact=olivia,
                  status=Status.DONE, due_at=called, completed_at=called)
    page = client_logged_in.get(contact_url(olivia)).content.decode()
    assert "none logged yet" not in page
    facts = page.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert "Last interaction</dt><dd>" in facts and "2\xa0days ago" in facts
