"""The contacts list's rows come from the fragment cache (contacts/templatetags/
contact_rows.py): rendered once, served again while what they show is the same, and
any change to what a row shows (name, title, organization, last meeting, next
follow-up, tags, the time zone) shows at the next visit."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from tests.factories import make_contact, make_followup, make_meeting
from tests.helpers import watch, written

pytestmark = pytest.mark.django_db

CONTACTS = reverse("contacts:contact-list")
ROW = "contacts/_row.html"


def row_html(response, contact) -> str:
    html = response.content.decode()
    match = re.search(rf'<tr>\s*<td class="primary"><a href="/contacts/{contact.pk}/">.*?</tr>',
                      html, re.S)
    assert match, f"no row for {contact.name}"
    return match.group(0)


def test_a_row_is_rendered_once_then_served_from_the_cache(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme", tags=["mentor"], title="CTO")
    first = client_logged_in.get(CONTACTS)
    assert ROW in [t.name for t in first.templates]
    second = client_logged_in.get(CONTACTS)
    assert ROW not in [t.name for t in second.templates]
    assert row_html(second, sara) == row_html(first, sara)
    assert "Sara Smith" in row_html(second, sara) and "mentor" in row_html(second, sara)


def test_every_change_to_what_a_row_shows_shows_at_once(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme", tags=["mentor"], title="CTO")
    changed = watch(lambda: row_html(client_logged_in.get(CONTACTS), sara))

    sara.name = "Sara Jones"
    sara.save()
    changed("Sara Jones")
    sara.title = "VP of Data"
    sara.save()
    changed("VP of Data")
    sara.organization.name = "Acme Robotics"
    sara.organization.save()
    changed("Acme Robotics")
    make_meeting(user, [sara], starts_at=timezone.now() - timedelta(days=3))
    changed("met ")
    make_followup(user, contact=sara, due_at=timezone.now() + timedelta(days=2))
    changed("next ")
    sara.tags.add("alumni")
    changed("alumni")


def test_the_dates_follow_the_users_time_zone(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    late = datetime(2026, 3, 4, 23, 30, tzinfo=ZoneInfo("UTC"))
    make_meeting(user, [sara], starts_at=late)
    row = row_html(client_logged_in.get(CONTACTS), sara)
    assert written(date(2026, 3, 4), "%-d %b{year}") in row
    Profile.objects.filter(user=user).update(timezone="Asia/Tokyo")  # 08:30 the next day
    row = row_html(client_logged_in.get(CONTACTS), sara)
    assert written(date(2026, 3, 5), "%-d %b{year}") in row
