"""The dashboard's body is kept under the user's data's generation (home/views.py,
netcrm/lib/generations.py): served again without its queries while nothing it shows
has changed, and never once something has: a write of any kind, the day's end, the
next meeting's start."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp, Heartbeat, Status
from netcrm.lib import generations
from netcrm.lib.fragments import TOKEN_PLACEHOLDER
from tests.conftest import wait_for
from tests.factories import make_contact, make_followup, make_meeting
from tests.referrals.test_capture import meeting_with_referrals

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("home:dashboard")
HTMX = {"HX-Request": "true"}


def body(response) -> str:
    """The page without what belongs to the response: its tokens and nonces."""
    html = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |nonce=)"[^"]*"', "", html)


@pytest.fixture
def queue(user):
    Heartbeat.beat("sweep")  # the scheduler runs: no warning
    sara = make_contact(user, name="Sara Smith")
    return {
        "sara": sara,
        "due": make_followup(user, title="Thank Sara", contact=sara,
                             due_at=timezone.now() - timedelta(minutes=5)),
    }


def test_the_second_visit_is_the_kept_page_without_its_queries(client_logged_in, queue):
    first = client_logged_in.get(DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        second = client_logged_in.get(DASHBOARD)
    assert second.status_code == 200
    assert body(second) == body(first)
    assert "Thank Sara" in second.content.decode()
    # No query at all: the session, the user with the profile (accounts/identity.py)
    # and the scheduler's heartbeat are read from their copies in Redis.
    tables = [re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"]) for q in queries.captured_queries]
    assert tables == []


def test_done_in_the_queue_shows_on_the_next_visit(client_logged_in, queue):
    client_logged_in.get(DASHBOARD)
    response = client_logged_in.post(reverse("followups:mark-done", args=[queue["due"].pk]))
    assert response.status_code == 302
    assert f'id="followup-{queue["due"].pk}"' not in client_logged_in.get(DASHBOARD).content.decode()


def recent(page: str) -> str:
    return page.split("Recent contacts</h2>", 1)[1].split("</section>", 1)[0]


def test_after_a_done_the_panel_beside_the_queue_is_kept(client_logged_in, user, queue):
    # Done changes follow-ups alone: the queue is rendered afresh, the week, the
    # meetings ahead and the recent contacts are not read again.
    meeting = make_meeting(user, [queue["sara"]], starts_at=timezone.now() + timedelta(days=1))
    first = client_logged_in.get(DASHBOARD).content.decode()
    assert meeting.get_absolute_url() in first
    client_logged_in.post(reverse("followups:mark-done", args=[queue["due"].pk]))
    with CaptureQueriesContext(connection) as queries:
        page = client_logged_in.get(DASHBOARD).content.decode()
    assert f'id="followup-{queue["due"].pk}"' not in page
    assert meeting.get_absolute_url() in page and "Sara Smith" in recent(page)
    assert "0 of 3 meetings" in page and "1 more planned" in page
    read = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("meetings_meeting", "referrals_referral", "insights_weeklygoal"):
        assert f'FROM "{table}"' not in read, table


def test_what_a_request_adds_beside_the_queue_shows_on_the_next_visit(
    client_logged_in, user, queue
):
    client_logged_in.get(DASHBOARD)
    response = client_logged_in.post(reverse("contacts:create-contact"), {
        "name": "Alan Turing", "source": "knew", "keep_in_touch_days": ""})
    assert response.status_code == 302
    assert "Alan Turing" in recent(client_logged_in.get(DASHBOARD).content.decode())
    starts = timezone.now() + timedelta(days=2)
    with generations.acting_for(user.pk):
        meeting = make_meeting(user, [queue["sara"]], starts_at=starts)
    assert meeting.get_absolute_url() in client_logged_in.get(DASHBOARD).content.decode()


def test_the_panel_alone_after_a_meeting_logged_in_the_modal(client_logged_in, user, queue):
    # The modal's "Meeting logged" has the panel ask for itself again: the week's
    # count, the meetings ahead and the people just added, without the queue.
    client_logged_in.get(DASHBOARD)
    meeting = make_meeting(user, [queue["sara"]], starts_at=timezone.now() + timedelta(days=1))
    response = client_logged_in.get(DASHBOARD, {"part": "panel"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="dashboard-panel" id="dashboard-panel"')
    assert meeting.get_absolute_url() in html and "Sara Smith" in recent(html)
    assert "1 more planned" in html
    assert 'id="queue"' not in html and "Thank Sara" not in html


WRITES = {
    "a follow-up's title, by a bulk update": lambda user, q: FollowUp.objects.filter(
        pk=q["due"].pk).update(title="Call Sara back"),
    "a person's name, by a bulk update": lambda user, q: Contact.objects.filter(
        pk=q["sara"].pk).update(name="Sara Jones"),
    "the person, deleted with what hangs on them": lambda user, q: q["sara"].delete(),
    "a new follow-up, in bulk": lambda user, q: FollowUp.objects.bulk_create([FollowUp(
        user=user, kind="custom", title="Write to Alan", due_at=timezone.now())]),
    "raw SQL": lambda user, q: connection.cursor().execute(
        f"UPDATE {FollowUp._meta.db_table} SET status = %s WHERE id = %s",
        [Status.SKIPPED, q["due"].pk]),
}
SHOWN = {
    "a follow-up's title, by a bulk update": "Call Sara back",
    "a person's name, by a bulk update": "Sara Jones",
    "the person, deleted with what hangs on them": "Nothing due today.",
    "a new follow-up, in bulk": "Write to Alan",
    "raw SQL": "Nothing due today.",
}


@pytest.mark.parametrize("write", WRITES)
def test_any_write_the_worker_or_anyone_makes_shows_on_the_next_visit(
    client_logged_in, user, queue, write
):
    assert SHOWN[write] not in client_logged_in.get(DASHBOARD).content.decode()
    WRITES[write](user, queue)  # outside any request: as the worker or a shell would
    assert SHOWN[write] in client_logged_in.get(DASHBOARD).content.decode()


def test_a_planned_meeting_counts_as_held_once_it_starts(client_logged_in, user, monkeypatch):
    Heartbeat.beat("sweep")
    now = timezone.now()
    meeting = make_meeting(user, starts_at=now + timedelta(minutes=30))
    page = client_logged_in.get(DASHBOARD).content.decode()
    assert "0 of 3 meetings" in page and "1 more planned" in page
    assert meeting.get_absolute_url() in page
    later = now + timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    Heartbeat.beat("sweep")
    page = client_logged_in.get(DASHBOARD).content.decode()
    assert "1 of 3 meetings" in page and "more planned" not in page
    assert "No meetings planned." in page


def section(page: str, heading: str) -> str:
    return page.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]


def test_tomorrow_is_another_page(client_logged_in, user, monkeypatch):
    Heartbeat.beat("sweep")
    make_followup(user, title="Thank Sara", due_at=timezone.now())
    assert "Thank Sara" in section(client_logged_in.get(DASHBOARD).content.decode(), "Due today")
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    Heartbeat.beat("sweep")
    assert "Thank Sara" in section(client_logged_in.get(DASHBOARD).content.decode(), "Overdue")


def test_another_users_write_leaves_my_page_kept(client_logged_in, user, other_user, queue):
    note = make_followup(other_user, title="Theirs")
    client_logged_in.get(DASHBOARD)
    other = Client()
    other.force_login(other_user)
    other.post(reverse("followups:mark-done", args=[note.pk]))
    with CaptureQueriesContext(connection) as queries:
        page = client_logged_in.get(DASHBOARD)
    # Not a query: their log-in and their Done changed none of my copies.
    assert len(queries) == 0
    assert "Theirs" not in page.content.decode()


def test_each_browser_gets_its_own_token_and_a_kept_form_posts(user, queue):
    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for browser in browsers:
        browser.force_login(user)
    pages = [browser.get(DASHBOARD).content.decode() for browser in browsers]
    tokens = [set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', p)) for p in pages]
    assert all(TOKEN_PLACEHOLDER not in p for p in pages)
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]
    # The second browser's page was the kept one; its plain Done form posts.
    done = reverse("followups:mark-done", args=[queue["due"].pk])
    response = browsers[1].post(done, {"csrfmiddlewaretoken": tokens[1].pop()})
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=queue["due"].pk).status == Status.DONE


def test_the_refresh_gets_204_from_the_kept_page_while_nothing_changed(client_logged_in, queue):
    page = client_logged_in.get(DASHBOARD).content.decode()
    version = re.search(r'name="v" value="([^"]+)"', page).group(1)
    with CaptureQueriesContext(connection) as queries:
        response = client_logged_in.get(DASHBOARD, {"v": version, "limit": 1}, headers=HTMX)
    assert response.status_code == 204
    assert len(queries) == 0  # the session and the user with the profile: from Redis
    FollowUp.objects.filter(pk=queue["due"].pk).update(title="Call Sara back")
    response = client_logged_in.get(DASHBOARD, {"v": version, "limit": 1}, headers=HTMX)
    assert response.status_code == 200
    assert "Call Sara back" in response.content.decode()


def test_without_redis_the_page_is_rendered_afresh(client_logged_in, queue, settings, tmp_path):
    settings.CACHES = settings.CACHES | {
        "generations": settings.CACHES["generations"]
        | {"LOCATION": f"unix://{tmp_path}/nobody-listens.sock"}
    }
    client_logged_in.get(DASHBOARD)
    FollowUp.objects.filter(pk=queue["due"].pk).update(title="Call Sara back")
    page = client_logged_in.get(DASHBOARD)
    assert page.status_code == 200
    assert "Call Sara back" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_what_the_worker_creates_after_a_meeting_shows_on_the_kept_page(
    celery_worker, client_logged_in, user
):
    Heartbeat.beat("sweep")
    assert "Thank Sara Smith" not in client_logged_in.get(DASHBOARD).content.decode()
    everyone = generations.current(user.pk)[1]
    client_logged_in.post(reverse("meetings:log-meeting"), meeting_with_referrals())
    wait_for(lambda: FollowUp.objects.filter(kind="thank_you").exists())
    assert "Thank Sara Smith" in client_logged_in.get(DASHBOARD).content.decode()
    # The worker wrote for this user alone: nobody else's kept page went stale.
    assert generations.current(user.pk)[1] == everyone
