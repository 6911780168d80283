"""Views of followups/: the dashboard and its queue, done / snooze / skip, follow-up detail."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django.asserts import assertContains, assertNotContains

from accounts.backends import ModelBackend
from accounts.models import Profile
from followups.models import FollowUp, Status
from followups.views import QUEUE_LIMIT, UPCOMING_LIMIT
from tests.factories import (
    bulk_contacts,
    bulk_followups,
    bulk_meetings,
    bulk_organizations,
    make_contact,
    make_followup,
    make_meeting,
)
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_htmx_login_redirect,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    hx_trigger,
    text,
    written,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("home:dashboard")
PARIS = ZoneInfo("Europe/Paris")


def done_url(followup: FollowUp) -> str:
    return reverse("followups:mark-done", args=[followup.pk])


def snooze_url(followup: FollowUp) -> str:
    return reverse("followups:snooze", args=[followup.pk])


def skip_url(followup: FollowUp) -> str:
    return reverse("followups:skip", args=[followup.pk])


def detail_url(followup: FollowUp) -> str:
    return reverse("followups:followup-detail", args=[followup.pk])


@pytest.fixture
def profile(user) -> Profile:
    """Alice lives in Paris and starts her day at 8."""
    profile = Profile.objects.get(user=user)
    profile.timezone, profile.morning_hour = "Europe/Paris", 8
    profile.save()
    ModelBackend().get_user(user.pk)  # kept again, as the next page would (query counts)
    return profile


def today_start(tz: ZoneInfo = PARIS) -> datetime:
    return datetime.combine(timezone.localdate(timezone=tz), time(0), tzinfo=tz)


def morning(days_from_today: int, hour: int = 8, tz: ZoneInfo = PARIS) -> datetime:
    day = timezone.localdate(timezone=tz) + timedelta(days=days_from_today)
    return datetime.combine(day, time(hour), tzinfo=tz)


def reload(followup: FollowUp) -> FollowUp:
    return FollowUp.objects.get(pk=followup.pk)


def unchanged(followup: FollowUp) -> bool:
    now = reload(followup)
    return (now.status, now.due_at, now.completed_at) == (
        followup.status, followup.due_at, followup.completed_at,
    )


@pytest.fixture
def queue(user, other_user, profile) -> dict[str, FollowUp]:
    """One follow-up in each place the dashboard can put one, or leave one out."""
    sara = make_contact(user, "Sara Smith", organization="Acme")
    start = today_start()
    return {
        "overdue": make_followup(
            user, title="Overdue note", due_at=start - timedelta(hours=15), contact=sara
        ),
        "today": make_followup(user, title="Today note", due_at=start + timedelta(minutes=1)),
        "snoozed_today": make_followup(
            user, title="Snoozed till today", due_at=start + timedelta(hours=23),
            status=Status.SNOOZED,
        ),
        "tomorrow": make_followup(user, title="Tomorrow note", due_at=start + timedelta(days=1)),
        "next_week": make_followup(
            user, title="Next week note", due_at=start + timedelta(days=6, hours=12)
        ),
        "far": make_followup(user, title="Far future note", due_at=start + timedelta(days=9)),
        "done": make_followup(
            user, title="Done note", due_at=start + timedelta(hours=1), status=Status.DONE
        ),
        "skipped": make_followup(
            user, title="Skipped note", due_at=start - timedelta(days=1), status=Status.SKIPPED
        ),
        "theirs": make_followup(
            other_user, title="Mallory's note", due_at=start + timedelta(hours=1)
        ),
    }


# --- dashboard ----------------------------------------------------------------------------


def test_dashboard_sorts_the_queue(client_logged_in, queue):
    response = client_logged_in.get(DASHBOARD)

    body = assert_full_page(response, 'id="queue"')
    context = response.context
    assert context["overdue"] == [queue["overdue"]]
    assert context["due_today"] == [queue["today"], queue["snoozed_today"]]
    assert context["upcoming"] == [queue["tomorrow"], queue["next_week"]]
    assert '<span class="count overdue" data-count="overdue">1</span>' in body
    assert '<span class="count" data-count="today">2</span>' in body
    assert '<span class="count" data-count="upcoming">2</span>' in body
    # Rendered in order, under their headings.
    order = [
        "<h2>Overdue</h2>", "Overdue note", "<h2>Due today</h2>", "Today note",
        "Snoozed till today", "<h2>Coming up</h2>", "Tomorrow note", "Next week note",
    ]
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)
    for left_out in ("Far future note", "Done note", "Skipped note", "Mallory"):
        assert left_out not in body
    assert "Nothing due today." not in body


def test_a_reply_to_someone_who_asked_for_help_comes_first_as_a_priority(
    client_logged_in, user, queue
):
    reply = make_followup(
        user, kind="reply", title="Reply to Zoe Carter", due_at=today_start() + timedelta(hours=2)
    )

    response = client_logged_in.get(DASHBOARD)

    assert response.context["due_today"] == [reply, queue["today"], queue["snoozed_today"]]
    body = response.text
    item = body[body.index(f'id="followup-{reply.pk}"'):body.index(f'id="followup-{queue["today"].pk}"')]
    assert '<span class="badge priority">priority</span>' in item
    assert '<span class="badge priority">' not in body[body.index(f'id="followup-{queue["today"].pk}"'):]


def test_a_reply_due_today_comes_before_the_overdue_under_a_heading_of_its_own(
    client_logged_in, user, queue
):
    """Overdue items fill the top of a phone's screen: a reply due today (someone
    waits for it) is shown above them, not after them."""
    reply = make_followup(
        user, kind="reply", title="Reply to Zoe Carter", due_at=today_start() + timedelta(hours=2)
    )
    body = client_logged_in.get(DASHBOARD).text
    order = ["<h2>Reply first</h2>", f'id="followup-{reply.pk}"', "<h2>Overdue</h2>",
             f'id="followup-{queue["overdue"].pk}"', "<h2>Due today</h2>",
             f'id="followup-{queue["today"].pk}"']
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert body.count(f'id="followup-{reply.pk}"') == 1


def test_dashboard_items_carry_their_actions(client_logged_in, queue):
    body = text(client_logged_in.get(DASHBOARD))
    overdue = queue["overdue"]
    item = body[body.index(f'id="followup-{overdue.pk}"'):]
    item = item[:item.index("</article>")]
    # Done and Skip in one tap, replacing the item; the rest behind "⋯" (its card).
    assert 'class="items" hx-target="closest article" hx-swap="outerHTML"' in body
    assert f'hx-post="{done_url(overdue)}"' in item
    assert f'formaction="{skip_url(overdue)}" hx-post="{skip_url(overdue)}"' in item
    assert f'hx-get="{detail_url(overdue)}" hx-target="#modal-body"' in item
    assert f'<a href="{overdue.contact.get_absolute_url()}">Sara Smith</a>' in item
    assert snooze_url(overdue) not in item  # in the card, not in every item


def test_dashboard_shows_times_in_the_users_timezone(client_logged_in, user, profile):
    make_followup(user, title="At eight", due_at=morning(0))
    # 08:00 in Paris is 06:00 or 07:00 UTC; the page shows Paris time.
    assertContains(client_logged_in.get(DASHBOARD), ", 08:00")


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_dashboard_days_are_the_users_days(client_logged_in, user, profile, zone):
    """Today and tomorrow begin at the user's midnight, not UTC's."""
    tz = ZoneInfo(zone)
    Profile.objects.filter(user=user).update(timezone=zone)
    midnight = morning(0, hour=0, tz=tz)
    half_hour = timedelta(minutes=30)
    early = make_followup(user, title="Early today", due_at=midnight + half_hour)
    late = make_followup(user, title="Late today", due_at=morning(0, hour=23, tz=tz))
    last_night = make_followup(user, title="Last night", due_at=midnight - half_hour)
    tomorrow = make_followup(user, title="Tomorrow", due_at=morning(1, hour=0, tz=tz) + half_hour)

    context = client_logged_in.get(DASHBOARD).context

    assert context["overdue"] == [last_night]
    assert context["due_today"] == [early, late]
    assert context["upcoming"] == [tomorrow]


def test_dashboard_says_how_many_more_are_due(client_logged_in, user, profile):
    bulk_followups(user, [today_start() + timedelta(minutes=i) for i in range(53)])

    response = client_logged_in.get(DASHBOARD)

    assert len(response.context["due_today"]) == QUEUE_LIMIT
    assertContains(response, '<span class="count" data-count="today">53</span>', html=False)
    assertContains(response, f"and {53 - QUEUE_LIMIT} more due by today.")
    more = f'?limit={2 * QUEUE_LIMIT}#queue'
    assertContains(response, more)

    # "Show more" shows the next page too (with or without JavaScript).
    response = client_logged_in.get(f"{DASHBOARD}?limit={2 * QUEUE_LIMIT}", headers=HTMX)
    assert len(response.context["due_today"]) == 53
    assertNotContains(response, "more due by today.")


def test_dashboard_when_nothing_is_due(client_logged_in, user, profile):
    make_followup(user, title="Tomorrow note", due_at=morning(1))
    response = client_logged_in.get(DASHBOARD)
    assertContains(response, "Nothing due today.")
    assertContains(response, "Tomorrow note")
    # Not the first-run hint: what is coming up is said, and shown below.
    assertContains(response, "Next: 1 in the next 7 days, under Coming up.")
    assertNotContains(response, "Log a meeting and netcrm will schedule")


def test_dashboard_when_nothing_is_due_or_coming_up(client_logged_in, user, profile):
    make_followup(user, title="Next month", due_at=morning(30))
    response = client_logged_in.get(DASHBOARD)
    assertContains(response, "Nothing due today.")
    assertContains(response, "Log a meeting and netcrm will schedule the thank-you note for you.")
    assertNotContains(response, "under Coming up")


def test_dashboard_shows_upcoming_meetings_and_recent_contacts(
    client_logged_in, user, other_user, profile
):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    john = make_contact(user, "John Public")
    planned = make_meeting(user, [sara], starts_at=timezone.now() + timedelta(days=2), kind="call")
    make_meeting(user, [john], starts_at=timezone.now() - timedelta(days=2), kind="visit")
    make_contact(other_user, "Mallory Secret")
    make_meeting(
        other_user,
        [make_contact(other_user, "Eve Other")],
        starts_at=timezone.now() + timedelta(days=1),
    )

    response = client_logged_in.get(DASHBOARD)

    body = text(response)
    assert list(response.context["upcoming_meetings"]) == [planned]
    assert f'<a href="{planned.get_absolute_url()}">Call with Sara Smith</a>' in body
    assert "Visit with John Public" not in body
    assert list(response.context["recent_contacts"]) == [john, sara]
    assert "Mallory Secret" not in body and "Eve Other" not in body


def test_dashboard_htmx_gets_the_queue_fragment(client_logged_in, queue):
    response = client_logged_in.get(DASHBOARD, headers=HTMX)

    body = assert_fragment(response, 'id="queue"')
    assert "Overdue note" in body and "Today note" in body and "Tomorrow note" in body
    assert "Upcoming meetings" not in body
    assert "Recent contacts" not in body


def test_dashboard_varies_on_hx_request(client_logged_in, queue):
    response = client_logged_in.get(DASHBOARD, headers=HTMX)
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    assert "hx-request" in vary


def test_dashboard_login_required(client):
    assert_login_redirect(client.get(DASHBOARD), DASHBOARD)
    assert_htmx_login_redirect(client.get(DASHBOARD, headers=HTMX), DASHBOARD)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_dashboard_wrong_method(client_logged_in, queue, method):
    assert_not_allowed(getattr(client_logged_in, method)(DASHBOARD), "GET")
    assert unchanged(queue["today"])


def test_dashboard_query_count_holds(client_logged_in, user, profile, django_assert_num_queries):
    orgs = bulk_organizations(user, 3)
    people = bulk_contacts(user, 6, organizations=orgs)
    meetings = bulk_meetings(user, 3, contacts=people[:2])
    bulk_meetings(user, 2, contacts=people[2:4], start=timezone.now() + timedelta(days=1))
    start = today_start()
    bulk_followups(user, [start + timedelta(minutes=5)], contacts=people, meetings=meetings)
    one, response = count_queries(client_logged_in, DASHBOARD)
    assert len(response.context["due_today"]) == 1

    # 199 more, spread over the last two weeks, today and the week ahead.
    due = (
        [start - timedelta(hours=i + 1) for i in range(66)]
        + [start + timedelta(minutes=10 + i) for i in range(66)]
        + [start + timedelta(days=1, hours=i) for i in range(67)]
    )
    bulk_followups(user, due, contacts=people, meetings=meetings, title="More")
    more_people = bulk_contacts(user, 20, prefix="New", organizations=orgs)
    bulk_meetings(user, 20, contacts=more_people, start=timezone.now() + timedelta(days=3))

    with django_assert_num_queries(one):
        response = client_logged_in.get(DASHBOARD)
    context = response.context
    assert (context["counts"]["overdue"], context["counts"]["today"]) == (66, 67)
    assert len(context["overdue"]) + len(context["due_today"]) == QUEUE_LIMIT
    assert len(context["upcoming"]) == UPCOMING_LIMIT  # the week ahead shows its first few
    assert context["counts"]["upcoming"] == 67
    # and says how many more, not leaving them unmentioned
    assert f"and {67 - UPCOMING_LIMIT} more in the next 7 days" in response.content.decode()
    assert len(context["upcoming_meetings"]) == 5


def test_dashboard_htmx_query_count_holds(
    client_logged_in, user, profile, django_assert_num_queries
):
    people = bulk_contacts(user, 2, organizations=bulk_organizations(user, 2))
    meetings = bulk_meetings(user, 2, contacts=people)
    bulk_followups(user, [today_start() + timedelta(minutes=1)], contacts=people, meetings=meetings)
    one, _ = count_queries(client_logged_in, DASHBOARD, headers=HTMX)

    bulk_followups(
        user, [today_start() - timedelta(minutes=i) for i in range(1, 200)],
        contacts=people, meetings=meetings,
    )

    with django_assert_num_queries(one):
        response = client_logged_in.get(DASHBOARD, headers=HTMX)
    assert len(response.context["overdue"]) == QUEUE_LIMIT  # the oldest first, to the limit
    assert response.context["due_today"] == []
    assertContains(response, f"and {200 - QUEUE_LIMIT} more due by today.")


# --- done / skip --------------------------------------------------------------------------


def test_done_marks_it_done_and_goes_back_to_the_dashboard(client_logged_in, queue):
    note = queue["today"]
    before = timezone.now()

    response = client_logged_in.post(done_url(note))

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    note = reload(note)
    assert note.status == Status.DONE
    assert before <= note.completed_at <= timezone.now()
    page = client_logged_in.get(DASHBOARD)
    assertContains(page, "Done: Today note.")
    assert note not in page.context["due_today"]


def test_skip_marks_it_skipped(client_logged_in, queue):
    note = queue["overdue"]

    response = client_logged_in.post(skip_url(note))

    assert response["Location"] == DASHBOARD
    note = reload(note)
    assert note.status == Status.SKIPPED
    assert note.completed_at is not None
    assert note.due_at == queue["overdue"].due_at
    assertContains(client_logged_in.get(DASHBOARD), "Skipped: Overdue note.")


@pytest.mark.parametrize(
    "action, url, event, flash, status",
    [
        ("done", done_url, "followupDone", "Done: Today note.", Status.DONE),
        ("skip", skip_url, "followupSkipped", "Skipped: Today note.", Status.SKIPPED),
    ],
)
def test_htmx_done_and_skip_return_the_queue(
    client_logged_in, queue, action, url, event, flash, status
):
    note = queue["today"]

    response = client_logged_in.post(url(note), headers=HTMX)

    body = assert_fragment(response, 'id="queue"')
    assert hx_trigger(response) == {event: {"id": note.pk}, "closeModal": {}}
    assert f'<span>{flash}</span>' in body  # said in the Undo bar
    assert 'class="undo"' in body
    assert f'id="followup-{note.pk}"' not in body
    assert "Snoozed till today" in body and "Overdue note" in body
    assert '<span class="count" data-count="today">1</span>' in body
    assert reload(note).status == status


# --- snooze -------------------------------------------------------------------------------


def test_snooze_one_day_is_tomorrow_morning(client_logged_in, queue):
    note = queue["overdue"]

    response = client_logged_in.post(snooze_url(note), {"days": "1"})

    assert response["Location"] == DASHBOARD
    note = reload(note)
    assert note.status == Status.SNOOZED
    assert note.due_at == morning(1)  # tomorrow at 08:00 in Paris
    assert note.completed_at is None
    page = client_logged_in.get(DASHBOARD)
    assertContains(page, f"Snoozed until {date_format(morning(1), 'l j F')}: Overdue note.")
    assert note in page.context["upcoming"]


def test_snooze_a_week(client_logged_in, queue):
    note = queue["today"]

    client_logged_in.post(snooze_url(note), {"days": "7"})

    note = reload(note)
    assert (note.status, note.due_at) == (Status.SNOOZED, morning(7))
    assertContains(
        client_logged_in.get(DASHBOARD), f"Snoozed until {date_format(morning(7), 'l j F')}: Today note."
    )


def test_snooze_counts_from_the_day_it_is_due_when_that_is_later(client_logged_in, queue):
    """"Snooze 1 day" on something due in six days moves it to the seventh, never earlier."""
    note = queue["next_week"]

    client_logged_in.post(snooze_url(note), {"days": "1"})

    assert (reload(note).status, reload(note).due_at) == (Status.SNOOZED, morning(7))


def test_snooze_follows_the_users_morning_hour(client_logged_in, user, queue):
    Profile.objects.filter(user=user).update(timezone="America/Chicago", morning_hour=6)

    client_logged_in.post(snooze_url(queue["today"]), {"days": "1"})

    assert reload(queue["today"]).due_at == morning(1, hour=6, tz=ZoneInfo("America/Chicago"))


def test_htmx_snooze_returns_the_queue(client_logged_in, queue):
    note = queue["today"]

    response = client_logged_in.post(snooze_url(note), {"days": "1"}, headers=HTMX)

    body = assert_fragment(response, 'id="queue"')
    assert hx_trigger(response) == {"followupSnoozed": {"id": note.pk}, "closeModal": {}}
    flash = f"Snoozed until {date_format(morning(1), 'l j F')}: Today note."
    assert f'<span>{flash}</span>' in body and 'class="undo"' in body
    assert body.index("<h2>Coming up</h2>") < body.index(f'id="followup-{note.pk}"')
    assert reload(note).due_at == morning(1)


@pytest.mark.parametrize("days", ["5", "0", "-1", "abc", "", None])
def test_snooze_rejects_other_lengths(client_logged_in, queue, days):
    note = queue["today"]
    data = {} if days is None else {"days": days}

    response = client_logged_in.post(snooze_url(note), data)

    assert response.status_code == 422  # the follow-up's page, saying why
    assert "Snooze for a number of days, or until a date." in text(response)
    assert "Today note" in text(response)
    assert unchanged(note)


@pytest.mark.parametrize("days", ["3", "14"])
def test_snooze_longer_choices(client_logged_in, queue, days):
    client_logged_in.post(snooze_url(queue["today"]), {"days": days})
    assert reload(queue["today"]).due_at == morning(int(days))


def test_snooze_until_a_date(client_logged_in, queue):
    until = morning(10)
    client_logged_in.post(snooze_url(queue["today"]), {"until": until.date().isoformat()})
    note = reload(queue["today"])
    assert (note.status, note.due_at) == (Status.SNOOZED, until)


@pytest.mark.parametrize("offset", [0, -3])
def test_snooze_until_today_or_the_past_is_refused(client_logged_in, queue, offset):
    note = queue["today"]
    day = morning(offset).date().isoformat()
    response = client_logged_in.post(snooze_url(note), {"until": day})
    assert response.status_code == 422
    page = text(response)
    assert "Pick a date after today." in page
    assert f'name="until" aria-label="Snooze until" value="{day}"' in page  # kept
    # From the card opened in the queue: the card again, in the dialog, with the date.
    response = client_logged_in.post(
        snooze_url(note), {"until": day}, headers=HTMX | {"HX-Target": f"followup-{note.pk}"}
    )
    assert response.status_code == 422
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#modal-body", "innerHTML")
    assert "Pick a date after today." in response.text
    assert f'aria-label="Snooze until" value="{day}"' in response.text
    # Said under the date box, which the dialog focuses (not at the card's top, out of
    # a phone's view).
    box = response.text[response.text.index('name="until"'):]
    assert box.index("autofocus") < box.index(">")
    assert box.index(f'id="snooze-until-error-{note.pk}"') < box.index("Pick a date after today.")
    assert 'class="flash' not in response.text
    assert "<html" not in response.text
    assert unchanged(note)


# --- the three actions: ownership, login, method ------------------------------------------

ACTIONS = [done_url, snooze_url, skip_url]


@pytest.mark.parametrize("url", ACTIONS, ids=["done", "snooze", "skip"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_actions_on_another_users_followup_are_404(client_logged_in, queue, url, headers):
    theirs = queue["theirs"]

    response = client_logged_in.post(url(theirs), {"days": "7"}, headers=headers)

    assert response.status_code == 404
    assertNotContains(response, "Mallory", status_code=404)
    assert unchanged(theirs)
    assert reload(theirs).status == Status.PENDING


@pytest.mark.parametrize("url", ACTIONS, ids=["done", "snooze", "skip"])
def test_actions_login_required(client, queue, url):
    note = queue["today"]
    assert_login_redirect(client.post(url(note), {"days": "1"}), url(note))
    assert_htmx_login_redirect(client.post(url(note), {"days": "1"}, headers=HTMX), url(note))
    assert unchanged(note)


@pytest.mark.parametrize("url", ACTIONS, ids=["done", "snooze", "skip"])
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_actions_wrong_method(client_logged_in, queue, url, method):
    note = queue["today"]
    data = {"days": "1"} if method == "get" else ""
    response = getattr(client_logged_in, method)(url(note), data)
    assert_not_allowed(response, "POST")
    assert unchanged(note)


def test_action_query_count_holds(client_logged_in, user, profile, django_assert_num_queries):
    people = bulk_contacts(user, 2, organizations=bulk_organizations(user, 1))
    meetings = bulk_meetings(user, 1, contacts=people)
    first, second = bulk_followups(
        user, [today_start() + timedelta(minutes=1)] * 2, contacts=people, meetings=meetings
    )
    with CaptureQueriesContext(connection) as queries:
        client_logged_in.post(done_url(first), headers=HTMX)
    bulk_followups(
        user, [today_start() - timedelta(minutes=i) for i in range(1, 200)],
        contacts=people, meetings=meetings,
    )

    with django_assert_num_queries(len(queries)):
        response = client_logged_in.post(done_url(second), headers=HTMX)
    assert len(response.context["overdue"]) == QUEUE_LIMIT


# --- follow-up detail ---------------------------------------------------------------------


def test_detail_shows_the_followup(client_logged_in, user, profile):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    coffee = make_meeting(user, [sara], starts_at=datetime(2026, 3, 3, 9, 0, tzinfo=PARIS))
    note = make_followup(
        user,
        title="Thank Sara Smith for the coffee",
        kind="thank_you",
        contact=sara,
        meeting=coffee,
        due_at=datetime(2026, 3, 4, 8, 0, tzinfo=PARIS),
        draft="Hi Sara,\n\nThank you for the coffee.",
    )

    response = client_logged_in.get(detail_url(note))

    body = assert_full_page(response, "<h1>Thank Sara Smith for the coffee</h1>")
    assert '<span class="badge">Thank-you note</span>' in body
    assert f"Pending · due {written(note.due_at, '%a %-d %b{year}')}, 08:00" in body
    assert f'<a href="{sara.get_absolute_url()}">Sara Smith</a>, Acme' in body
    on = written(coffee.starts_at, "%-d %b{year}")
    assert f'<a href="{coffee.get_absolute_url()}">Coffee on {on}</a>' in body
    assert "Hi Sara,\n\nThank you for the coffee.</pre>" in body
    # Plain forms here: a POST, then back to the dashboard.
    assert f'action="{done_url(note)}"' in body
    assert f'action="{snooze_url(note)}"' in body
    assert f'action="{skip_url(note)}"' in body
    assert "hx-post" not in body.split("<main", 1)[1]


def test_detail_of_a_closed_followup_has_no_actions(client_logged_in, user, profile):
    note = make_followup(user, title="Sent it", status=Status.DONE, completed_at=timezone.now())

    response = client_logged_in.get(detail_url(note))

    body = assert_full_page(response, "<h1>Sent it</h1>")
    assert "Done · due" in body
    assert "· closed " in body
    assert done_url(note) not in body and skip_url(note) not in body


def test_detail_of_another_users_followup_is_404(client_logged_in, queue):
    response = client_logged_in.get(detail_url(queue["theirs"]))
    assert response.status_code == 404
    assertNotContains(response, "Mallory", status_code=404)


def test_detail_login_required(client, queue):
    url = detail_url(queue["today"])
    assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_detail_wrong_method(client_logged_in, queue, method):
    note = queue["today"]
    assert_not_allowed(getattr(client_logged_in, method)(detail_url(note)), "GET")
    assert unchanged(note)


# --- the queue answers with what changed ---------------------------------------------------


def in_place(followup: FollowUp) -> dict[str, str]:
    """Asked from the follow-up's item in the queue, which the answer replaces."""
    return HTMX | {"HX-Target": f"followup-{followup.pk}"}


@pytest.mark.parametrize(
    "url, data, status",
    [(done_url, {}, Status.DONE), (skip_url, {}, Status.SKIPPED),
     (snooze_url, {"days": "1"}, Status.SNOOZED)],
    ids=["done", "skip", "snooze"],
)
def test_an_action_in_the_queue_answers_with_what_changed(
    client_logged_in, queue, url, data, status
):
    note = queue["overdue"]
    response = client_logged_in.post(url(note), data, headers=in_place(note))

    assert response.status_code == 200 and reload(note).status == status
    body = response.text
    if status == Status.SNOOZED:
        # Snoozed to tomorrow, it is now in the week ahead, which comes out of band.
        week = body.split('id="queue-upcoming"', 1)[1]
        assert week.startswith(' hx-target="closest article"') and 'hx-swap-oob="true"' in week
        assert f'id="followup-{note.pk}"' in week and "<h2>Coming up</h2>" in week
        body = body.split('<div class="items" id="queue-upcoming"', 1)[0]
    else:
        assert 'id="queue-upcoming"' not in body  # the week ahead did not change
    # The item goes (the request targets it, and the answer has no item at all) ...
    assert 'class="followup' not in body and 'id="queue"' not in body
    # ... the counts, the notice with its Undo and the queue's fingerprint change in place.
    assert 'id="queue-counts" hx-swap-oob="true"' in body
    assert '<span class="count overdue" data-count="overdue">0</span>' in body
    assert 'id="queue-notice" hx-swap-oob="true"' in body and 'class="undo"' in body
    assert 'id="queue-state" hidden hx-swap-oob="true"' in body
    assert len(body.encode()) < 3000  # (a snooze's week ahead aside)
    assert hx_trigger(response)["closeModal"] == {}


def test_the_last_item_due_done_in_place_shows_the_empty_queue(client_logged_in, user, profile):
    only = make_followup(user, title="Only one", due_at=today_start() + timedelta(minutes=5))
    response = client_logged_in.post(done_url(only), headers=in_place(only))
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#queue", "outerHTML")
    assert "Nothing due today." in assert_fragment(response, 'id="queue"')


def test_an_action_keeps_the_number_shown_after_show_more(client_logged_in, user, profile):
    first, *_ = bulk_followups(user, [today_start() + timedelta(minutes=i) for i in range(80)])
    response = client_logged_in.post(
        done_url(first), {"limit": str(2 * QUEUE_LIMIT)}, headers=in_place(first)
    )
    assert response.context["shown"] == 2 * QUEUE_LIMIT
    assert f"and {79 - 2 * QUEUE_LIMIT} more due by today." in response.text


def test_the_refresh_gets_no_content_while_nothing_changed(client_logged_in, queue):
    page = client_logged_in.get(DASHBOARD)
    version = page.context["version"]
    assert f'name="v" value="{version}"' in page.text

    unchanged_queue = client_logged_in.get(DASHBOARD, {"v": version}, headers=HTMX)
    assert unchanged_queue.status_code == 204 and unchanged_queue.content == b""

    # Anything the queue shows changes its fingerprint: the refresh redraws it.
    FollowUp.objects.filter(pk=queue["today"].pk).update(title="Renamed today")
    changed = client_logged_in.get(DASHBOARD, {"v": version}, headers=HTMX)
    assert changed.status_code == 200 and "Renamed today" in changed.text
    assert changed.context["version"] != version
    make_followup(queue["today"].user, title="A new one", due_at=today_start())
    assert client_logged_in.get(
        DASHBOARD, {"v": changed.context["version"]}, headers=HTMX
    ).status_code == 200


def test_the_dashboard_stays_small_however_long_the_queue(client_logged_in, user, profile):
    people = bulk_contacts(user, 20, organizations=bulk_organizations(user, 5))
    meetings = bulk_meetings(user, 5, contacts=people)
    start = today_start()
    bulk_followups(
        user,
        [start - timedelta(hours=i) for i in range(100)]
        + [start + timedelta(days=1, minutes=i) for i in range(100)],
        contacts=people, meetings=meetings,
    )
    FollowUp.objects.filter(user=user).update(draft="Hi there,\n\n" + "A long drafted note. " * 40)

    response = client_logged_in.get(DASHBOARD)

    assert len(response.content) < 60_000
    assert response.content.count(b'class="followup') == QUEUE_LIMIT + UPCOMING_LIMIT


def test_the_card_opens_in_the_dialog_aimed_at_the_item(client_logged_in, queue):
    note = queue["overdue"]
    response = client_logged_in.get(detail_url(note), headers=HTMX)
    body = response.text
    assert "<html" not in body and '<h1 id="modal-title">Overdue note</h1>' in body
    assert f'hx-target="#followup-{note.pk}" hx-swap="outerHTML"' in body
    for days, label in [(1, "1 day"), (3, "3 days"), (7, "1 week"), (14, "2 weeks")]:
        assert f'name="days" value="{days}"' in body and f"Snooze {label}" in body
    assert "Delete this follow-up" not in body
    assert response["Vary"].count("HX-Request")


def test_the_draft_opens_in_place(client_logged_in, queue, user):
    note = make_followup(user, title="With a draft", due_at=today_start(), draft="Hi <Sara>")
    page = client_logged_in.get(DASHBOARD).text
    draft_url = reverse("followups:followup-draft", args=[note.pk])
    assert f'hx-get="{draft_url}" hx-trigger="toggle once"' in page
    assert "Hi &lt;Sara&gt;" not in page  # fetched when opened, not carried by every page

    response = client_logged_in.get(draft_url, headers=HTMX)
    assert "Hi &lt;Sara&gt;</pre>" in response.text
    assert client_logged_in.get(
        reverse("followups:followup-draft", args=[queue["theirs"].pk])
    ).status_code == 404
    assert_not_allowed(client_logged_in.post(draft_url), "GET")


def test_a_snooze_button_wins_over_a_date_left_in_the_box(client_logged_in, queue):
    note = queue["overdue"]
    day = morning(9).date().isoformat()
    client_logged_in.post(snooze_url(note), {"days": "1", "until": day})
    assert reload(note).due_at == morning(1)
    client_logged_in.post(snooze_url(note), {"days": "", "until": day})
    assert reload(note).due_at == morning(9)


def test_an_items_actions_sit_under_its_page(queue):
    """The queue writes each item's action addresses from its page's (one reverse() an
    item): they must stay there."""
    note = queue["overdue"]
    page = note.get_absolute_url()
    for name, suffix in [("mark-done", "done/"), ("skip", "skip/"), ("snooze", "snooze/"),
                         ("edit-followup", "edit/"), ("followup-draft", "draft/")]:
        assert reverse(f"followups:{name}", args=[note.pk]) == page + suffix


@pytest.mark.parametrize("until", ["9999-12-31", "1899-12-31", "2026-02-30"])
def test_a_date_it_cannot_take_says_why_not_that_none_was_given(client_logged_in, queue, until):
    note = queue["today"]
    response = client_logged_in.post(snooze_url(note), {"until": until})
    assert response.status_code == 422
    page = text(response)
    assert "Snooze for a number of days, or until a date." not in page
    assert "Pick a date from 1900 to 2200" in page or "Enter a valid date." in page
    assert f'name="until" aria-label="Snooze until" value="{until}"' in page  # kept
    assert unchanged(note)
