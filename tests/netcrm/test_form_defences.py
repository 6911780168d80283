"""The shared form layer (netcrm/lib/forms.py) against hostile input: the cases that
answered 500 (on PostgreSQL, or on both databases) or saved what they should have
refused. tests/netcrm/test_hostile_input.py drives every form at random."""

from __future__ import annotations

import importlib
import inspect
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Profile
from contacts.models import Contact
from jobs.models import Lead
from meetings.models import Meeting
from netcrm.lib.forms import CheckedFormMixin
from outreach.models import Outreach
from tests.factories import make_followup
from tests.helpers import HTMX, text
from tests.jobs.test_views import lead_form
from tests.meetings.test_views import meeting_form
from tests.outreach.test_views import ask_form

pytestmark = pytest.mark.django_db

LOG = reverse("meetings:log-meeting")


def in_timezone(user, name: str, morning_hour: int = 9) -> None:
    Profile.objects.filter(user=user).update(timezone=name, morning_hour=morning_hour)


# Dates ------------------------------------------------------------------------------


def test_a_meeting_in_year_9999_west_of_utc_is_refused_and_the_form_keeps_what_was_typed(
    client_logged_in, user
):
    in_timezone(user, "America/Los_Angeles")
    typed = meeting_form(starts_at="9999-12-31T23:59", notes="Long notes I typed")
    response = client_logged_in.post(LOG, typed, headers=HTMX)
    assert response.status_code == 422
    body = text(response)
    assert "Pick a date from 1900 to 2200." in body
    assert 'value="9999-12-31T23:59"' in body and "Long notes I typed" in body
    assert not Meeting.objects.exists()


def test_a_time_with_its_own_offset_is_held_to_the_range_too(client_logged_in, user):
    response = client_logged_in.post(
        LOG, meeting_form(starts_at="9999-12-31T23:59:59.999999-12:00")
    )
    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_a_time_in_range_where_it_was_typed_but_not_where_the_user_lives_is_refused(
    client_logged_in, user
):
    """At +14:00, 1 January 1900 is still 31 December 1899 in London: its page would
    show 1899, and its own form would refuse it unchanged."""
    in_timezone(user, "Europe/London")
    for when in ["1900-01-01T00:00:00+14:00", "2200-12-31T23:59:00-12:00"]:
        response = client_logged_in.post(LOG, meeting_form(starts_at=when))
        assert response.status_code == 422, when
    assert not Meeting.objects.exists()


def test_the_edges_of_the_range_are_accepted(client_logged_in, user):
    in_timezone(user, "Pacific/Kiritimati")
    for when in ["1900-01-01T00:00", "2200-12-31T23:59"]:
        response = client_logged_in.post(LOG, meeting_form(starts_at=when, new_contact_name=when))
        assert response.status_code == 302, when
    assert Meeting.objects.count() == 2


def test_the_form_says_which_dates_it_accepts(client_logged_in):
    body = text(client_logged_in.get(LOG))
    assert "Any date from 1900 to 2200." in body
    assert 'min="1900-01-01T00:00"' in body and 'max="2200-12-31T23:59"' in body


# A day or moment that has to have happened: accepted up to today (now) where the user
# is, and the hint and the picker say so. Kiritimati is a day ahead of UTC for most of
# it, Etc/GMT+12 a day behind: whatever the hour, the server's own date is wrong in one.


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_a_past_only_date_takes_any_day_up_to_today_where_the_user_is(
    client_logged_in, user, zone
):
    in_timezone(user, zone)
    today = timezone.localdate(timezone=ZoneInfo(zone))
    body = text(client_logged_in.get(reverse("jobs:add-lead")))
    assert f'max="{today}"' in body and 'min="1900-01-01"' in body
    assert "Any date up to today." in body
    assert "2200" not in body  # no date of the form goes that far

    tomorrow = str(today + timedelta(days=1))
    response = client_logged_in.post(reverse("jobs:add-lead"), lead_form(found_on=tomorrow))
    assert response.status_code == 422
    assert "That is still to come: when did you find it?" in text(response)
    response = client_logged_in.post(reverse("jobs:add-lead"), lead_form(found_on=str(today)))
    assert response.status_code == 302
    assert Lead.objects.get().found_on == today


def test_a_past_only_date_before_1900_says_what_it_takes(client_logged_in, user):
    response = client_logged_in.post(reverse("jobs:add-lead"), lead_form(found_on="1850-01-01"))
    assert response.status_code == 422
    assert "Pick a date from 1900 to today." in text(response)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_a_past_only_moment_takes_any_time_up_to_now_where_the_user_is(
    client_logged_in, user, zone
):
    in_timezone(user, zone)
    before = timezone.localtime(timezone.now(), ZoneInfo(zone))
    body = text(client_logged_in.get(reverse("outreach:add-outreach")))
    after = timezone.localtime(timezone.now(), ZoneInfo(zone))
    assert "Any time up to now." in body and "2200" not in body
    allowed = {f'max="{(t + timedelta(minutes=5)):%Y-%m-%dT%H:%M}"' for t in (before, after)}
    assert any(attr in body for attr in allowed), allowed

    later = f"{after + timedelta(minutes=15):%Y-%m-%dT%H:%M}"
    response = client_logged_in.post(reverse("outreach:add-outreach"), ask_form(user, asked_at=later))
    assert response.status_code == 422
    assert "That is still to come: when did you ask?" in text(response)
    latest = f"{before + timedelta(minutes=5):%Y-%m-%dT%H:%M}"  # the page's max, at the latest
    response = client_logged_in.post(reverse("outreach:add-outreach"), ask_form(user, asked_at=latest))
    assert response.status_code == 302
    assert Outreach.objects.count() == 1


def test_every_past_only_field_is_a_date_of_its_form():
    past_only = [(c, name) for c in project_forms() for name in getattr(c, "past_only", {})]
    assert len(past_only) >= 7, past_only  # found on, referred on, went (twice), asked, noted, received
    for form_class, name in past_only:
        field = form_class.base_fields.get(name)
        assert isinstance(field, (forms.DateField, forms.DateTimeField)), (form_class, name)


def test_snoozing_past_the_range_is_refused(client_logged_in, user):
    in_timezone(user, "Etc/GMT+12", morning_hour=23)
    followup = make_followup(user)
    url = reverse("followups:snooze", args=[followup.pk])
    response = client_logged_in.post(url, {"until": "9999-12-31"}, headers=HTMX)
    assert response.status_code == 422
    assert client_logged_in.post(url, {"until": "9999-12-31"}).status_code == 422
    followup.refresh_from_db()
    assert followup.due_at.year < 2200


# Text no column can hold -------------------------------------------------------------


def test_nul_in_a_picked_question_is_refused(client_logged_in, user):
    """The library picker takes any one-line question, and skipped Django's NUL check."""
    response = client_logged_in.post(LOG, meeting_form(add_questions=["How\x00 did you start?"]))
    assert response.status_code == 422
    assert "control character" in text(response)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("field", ["name", "notes", "links"])
def test_control_characters_are_refused_in_text(client_logged_in, user, field):
    data = {"name": "Sara Smith", "source": "knew", field: "Sara\x01 \x1b[31mSmith"}
    response = client_logged_in.post(reverse("contacts:create-contact"), data)
    assert response.status_code == 422
    assert escape(data[field]) in text(response)  # what was typed is shown back
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "tags", ["a" * 91, "a" * 101, "ﷺ" * 60, "ok, bad\x00tag", ", ".join(f"t{i}" for i in range(51))]
)
def test_a_tag_that_does_not_fit_is_refused(client_logged_in, user, tags):
    data = {"name": "Sara Smith", "source": "knew", "tags": tags}
    response = client_logged_in.post(reverse("contacts:create-contact"), data)
    assert response.status_code == 422
    assert escape(tags) in text(response)
    assert not Contact.objects.exists()


def test_a_tag_of_the_longest_length_is_kept(client_logged_in, user):
    data = {"name": "Sara Smith", "source": "knew", "tags": "a" * 90}
    assert client_logged_in.post(reverse("contacts:create-contact"), data).status_code == 302
    assert list(Contact.objects.get().tags.names()) == ["a" * 90]


# Every form takes part ---------------------------------------------------------------


def project_forms() -> list[type]:
    """Every form class defined in the project's apps (forms.py and views.py)."""
    found = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or ".venv" in config.path:
            continue
        for module_name in ("forms", "views"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


def test_every_form_uses_the_shared_checks():
    found = project_forms()
    assert len(found) >= 15, found
    unchecked = [c for c in found if not issubclass(c, CheckedFormMixin)]
    assert unchecked == []
