"""The meetings list's rows come from the fragment cache (meetings/templatetags/
meeting_rows.py): rendered once, served again while what they show is the same, and
any change to what a row shows (when, kind, purpose, the people and their names, the
referrals given, the time zone) shows at the next visit."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from meetings.models import Meeting
from referrals.models import Referral
from tests.factories import make_contact, make_meeting
from tests.helpers import watch, written

pytestmark = pytest.mark.django_db

MEETINGS = reverse("meetings:meeting-list")
ROW = "meetings/_row.html"


def row_html(response, meeting) -> str:
    match = re.search(rf'<tr>\s*<td class="primary"><a href="/meetings/{meeting.pk}/".*?</tr>',
                      response.content.decode(), re.S)
    assert match, f"no row for meeting {meeting.pk}"
    return match.group(0)


def test_a_row_is_rendered_once_then_served_from_the_cache(client_logged_in, user):
    meeting = make_meeting(user, [make_contact(user, "Sara Smith")], purpose="Hiring at Acme")
    first = client_logged_in.get(MEETINGS)
    assert ROW in [t.name for t in first.templates]
    second = client_logged_in.get(MEETINGS)
    assert ROW not in [t.name for t in second.templates]
    assert row_html(second, meeting) == row_html(first, meeting)
    assert "Sara Smith" in row_html(second, meeting)


def test_every_change_to_what_a_row_shows_shows_at_once(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    march = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("UTC"))
    meeting = make_meeting(user, [sara], starts_at=march)
    changed = watch(lambda: row_html(client_logged_in.get(MEETINGS), meeting))

    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at + timedelta(days=1))
    changed(written(date(2026, 3, 5), "%a %-d %b{year}"))
    Meeting.objects.filter(pk=meeting.pk).update(kind="call")
    changed("Call with Sara Smith")
    Meeting.objects.filter(pk=meeting.pk).update(purpose="How Acme hires")
    changed("How Acme hires")
    sara.name = "Sara Jones"
    sara.save()
    changed("Sara Jones")
    meeting.contacts.add(make_contact(user, "John Public"))
    changed("John Public")
    Referral.objects.create(user=user, referrer=sara, referred=make_contact(user, "Alan"),
                            meeting=meeting)
    changed("1 referral given")
    Profile.objects.filter(user=user).update(timezone="Asia/Tokyo")  # 19:00 there
    changed("19:00")


def test_a_row_kept_over_new_year_gets_its_year(client_logged_in, user, monkeypatch):
    """A meeting of this year shows no year; once the year turns, the kept row says it."""
    this_year = timezone.localdate().year
    meeting = make_meeting(user, [make_contact(user, "Sara Smith")],
                           starts_at=datetime(this_year, 3, 4, 10, 0, tzinfo=ZoneInfo("UTC")))
    assert f"4 Mar {this_year}" not in row_html(client_logged_in.get(MEETINGS), meeting)
    new_year = datetime(this_year + 1, 1, 2, 12, 0, tzinfo=ZoneInfo("UTC"))
    monkeypatch.setattr(timezone, "now", lambda: new_year)
    assert f"4 Mar {this_year}" in row_html(client_logged_in.get(MEETINGS), meeting)
