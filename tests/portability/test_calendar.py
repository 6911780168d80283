"""The calendar feed: parsed back with icalendar; the secret's whole life."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from followups.models import Status
from portability.models import CalendarFeed, hash_token
from portability.views import NEW_TOKEN
from tests.factories import bulk_contacts, bulk_meetings, make_contact, make_followup, make_meeting

pytestmark = pytest.mark.django_db

ODD = ("Smith, Sara; the \"boss\"\nand more " + "x" * 200)[:200]  # commas, semicolons, a newline: 200 long


def feed_url(user) -> str:
    return reverse("portability:calendar-feed", args=[CalendarFeed.issue(user)])


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_the_feed_shows_planned_meetings_and_open_followups(client, user, other_user):
    Profile.objects.filter(user=user).update(timezone="America/St_Johns")
    sara = make_contact(user, ODD, organization="Acme; Labs", title="CTO")
    soon = timezone.now().replace(microsecond=0) + timedelta(days=2)
    planned = make_meeting(
        user, [sara], starts_at=soon, length_minutes=20, location="Café Ünïcode, 2nd floor",
        purpose="How Acme's data team hires; and, whether\nthey need help",
    )
    long_ago = make_meeting(user, [sara], starts_at=timezone.now() - timedelta(days=90))
    due = make_followup(user, title="Send Sara the article", contact=sara, draft="Hi Sara,\nhere it is.")
    done = make_followup(user, title="Already done", status=Status.DONE)
    theirs = make_meeting(other_user, [make_contact(other_user, "Mallory's friend")], starts_at=soon)
    make_followup(other_user, title="Mallory's follow-up")

    response = client.get(feed_url(user))  # no log-in: calendar apps cannot
    cal = parse(response)
    found = events(cal)
    assert set(found) == {f"meeting-{planned.pk}@netcrm", f"followup-{due.pk}@netcrm"}
    assert f"meeting-{long_ago.pk}@netcrm" not in found and f"followup-{done.pk}@netcrm" not in found
    assert f"meeting-{theirs.pk}@netcrm" not in found
    assert b"Mallory" not in response.content

    meeting = found[f"meeting-{planned.pk}@netcrm"]
    start = meeting.decoded("dtstart")
    assert start == soon and start.tzinfo.key == "America/St_Johns"
    assert meeting["dtstart"].params["TZID"] == "America/St_Johns"
    assert meeting.decoded("dtend") - start == timedelta(minutes=20)
    assert str(meeting["summary"]) == f"Coffee with {ODD}"
    assert str(meeting["location"]) == "Café Ünïcode, 2nd floor"
    description = str(meeting["description"])
    assert f"With: {ODD} (CTO, Acme; Labs)" in description
    assert "Purpose: How Acme's data team hires; and, whether\nthey need help" in description
    assert "Agreed length: 20 minutes." in description
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["America/St_Johns"]

    followup = found[f"followup-{due.pk}@netcrm"]
    local_day = due.due_at.astimezone(zoneinfo.ZoneInfo("America/St_Johns")).date()
    assert followup.decoded("dtstart") == local_day and not isinstance(followup.decoded("dtstart"), datetime)
    assert followup.decoded("dtend") == local_day + timedelta(days=1)
    assert str(followup["transp"]) == "TRANSPARENT"
    assert str(followup["summary"]) == "Follow up: Send Sara the article"
    assert str(followup["description"]).startswith("Hi Sara,\nhere it is.")
    # Lines are folded to 75 octets, as the standard asks.
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))


def test_a_priority_followup_is_timed(client, user):
    from followups import kinds

    Profile.objects.filter(user=user).update(timezone="Asia/Kathmandu")
    priority = kinds.priority_kinds()
    assert priority
    due_at = timezone.now().replace(microsecond=0) + timedelta(hours=3)
    reply = make_followup(user, kind=priority[0], title="Reply to Ann", due_at=due_at)
    event = events(parse(client.get(feed_url(user))))[f"followup-{reply.pk}@netcrm"]
    assert event.decoded("dtstart") == due_at
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=5, minutes=45)


def test_the_token_is_stored_hashed_and_shown_once(client, user):
    client.force_login(user)
    response = client.post(reverse("portability:issue-calendar-feed"))
    assert response.status_code == 302 and response["Location"] == reverse("portability:data")
    token = client.session[NEW_TOKEN]
    feed = CalendarFeed.objects.get(user=user)
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    page = client.get(reverse("portability:data")).content.decode()
    url = f"http://testserver/calendar/{token}.ics"
    assert url in page and f"webcal://testserver/calendar/{token}.ics" in page
    again = client.get(reverse("portability:data")).content.decode()
    assert token not in again and "The feed is on" in again
    assert client.get(f"/calendar/{token}.ics").status_code == 200


def test_regenerating_stops_the_old_address_and_revoking_stops_all(client, user):
    client.force_login(user)
    client.post(reverse("portability:issue-calendar-feed"))
    old = client.session[NEW_TOKEN]
    client.get(reverse("portability:data"))
    client.post(reverse("portability:issue-calendar-feed"))
    new = client.session[NEW_TOKEN]
    assert new != old
    client.logout()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    client.force_login(user)
    client.post(reverse("portability:revoke-calendar-feed"))
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert client.get(f"/calendar/{new}.ics").status_code == 404


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 500, "%00", "..", "' OR 1=1 --"])
def test_a_wrong_token_is_a_plain_404(client, user, token):
    CalendarFeed.issue(user)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert b"calendar" not in response.content.lower() and b"token" not in response.content.lower()


def test_the_feed_never_shows_another_users_data(client, user, other_user):
    make_meeting(other_user, [make_contact(other_user, "Secret person")],
                 starts_at=timezone.now() + timedelta(days=1))
    make_meeting(user, [make_contact(user, "Mine")], starts_at=timezone.now() + timedelta(days=1))
    CalendarFeed.issue(other_user)
    body = client.get(feed_url(user)).content
    assert b"Mine" in body and b"Secret person" not in body


def test_feed_management_needs_login_and_post(client, user):
    for name in ("portability:issue-calendar-feed", "portability:revoke-calendar-feed"):
        url = reverse(name)
        assert client.post(url).status_code == 302
        assert not CalendarFeed.objects.exists()
        client.force_login(user)
        assert client.get(url).status_code == 405
        client.logout()
    token = CalendarFeed.issue(user)
    assert client.post(f"/calendar/{token}.ics").status_code == 405
    assert client.head(f"/calendar/{token}.ics").status_code == 200


def test_cache_headers_and_conditional_get(client, user):
    url = feed_url(user)
    response = client.get(url)
    cache = response["Cache-Control"]
    assert "private" in cache and "max-age=300" in cache
    assert response["X-Robots-Tag"].startswith("noindex")
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_a_feed_in_which_nothing_changed_is_not_sent_again_later(client, user, monkeypatch):
    """Each DTSTAMP is the moment the feed was made; the ETag leaves them out, so a
    calendar app polling a quarter of an hour later gets a 304 until something
    changes."""
    contact = make_contact(user, "Sara Smith")
    make_meeting(user, [contact], starts_at=timezone.now() + timedelta(days=1))
    followup = make_followup(user, title="Thank Sara", contact=contact)
    url = feed_url(user)
    first = client.get(url)
    later = timezone.now() + timedelta(minutes=15)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = client.get(url)
    stamp = later.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ").encode()
    assert b"DTSTAMP:" + stamp in again.content and again.content != first.content
    assert again["ETag"] == first["ETag"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    followup.due_at += timedelta(days=2)  # snoozed
    followup.save()
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.parametrize("count", [10, 100])
def test_the_feed_makes_a_fixed_number_of_queries(client, user, count, django_assert_num_queries):
    people = bulk_contacts(user, 3, organizations=[])
    bulk_meetings(user, count, contacts=people, start=timezone.now() + timedelta(days=count // 10 + 1))
    for i in range(count):
        make_followup(user, title=f"Follow {i}", contact=people[i % 3])
    url = feed_url(user)
    # The feed with its owner and Profile; meetings; their people; follow-ups.
    with django_assert_num_queries(4):
        cal = parse(client.get(url))
    assert len(list(cal.walk("VEVENT"))) == 2 * count


def test_the_feed_is_gone_with_the_account(client, user):
    url = feed_url(user)
    user.delete()
    assert client.get(url).status_code == 404


def test_the_by_token_lookup_refuses_odd_lengths():
    assert CalendarFeed.objects.by_token("") is None
    assert CalendarFeed.objects.by_token("a" * 101) is None
    assert re.fullmatch(r"[0-9a-f]{64}", hash_token("x"))
    assert date.today()  # noqa: the module imports what it uses
