"""Rows saved with a date out of range, before the forms refused one (a meeting typed as
9999-12-31 23:59 west of UTC is year 10000 in UTC), answered 500 on every page that
showed them. The data migration moves them back into 1900-2200; these tests write
such rows with raw SQL (as an old release left them) on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact, Note
from followups.models import FollowUp
from meetings.models import Meeting
from reciprocity.models import InboundRequest
from referrals.models import Referral
from tests.factories import make_contact, make_followup, make_meeting

pytestmark = pytest.mark.django_db

repair = import_module("followups.migrations.0005_clamp_out_of_range_dates")

LAST_MOMENT = datetime(2200, 12, 31, tzinfo=UTC)
FIRST_MOMENT = datetime(1900, 1, 1, 12, tzinfo=UTC)
YEAR_10000 = "10000-01-01 04:59:00"  # 9999-12-31 23:59 typed in New York
YEAR_1 = "0001-01-01 00:00:00"


def run_repair() -> None:
    repair.clamp_out_of_range_dates(apps, connection.schema_editor())


def store(model, pk: int, field: str, text: str) -> None:
    """Write `text` into a row's column as an old release could have left it."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = '{text}' WHERE id = %s", [pk])


def value_of(model, pk: int, field: str):
    return model.objects.filter(pk=pk).values_list(field, flat=True).get()


@dataclass
class World:
    sara: Contact
    meeting: Meeting
    note: Note
    referral: Referral
    request: InboundRequest
    followup: FollowUp


@pytest.fixture
def world(user) -> World:
    Profile.objects.filter(user=user).update(timezone="America/New_York")
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    meeting = make_meeting(user, [sara], purpose="hiring in data teams")
    note = sara.log_note("Called Sara")
    return World(
        sara=sara,
        meeting=meeting,
        note=note or Note.objects.get(contact=sara),
        referral=Referral.objects.create(user=user, referrer=sara, referred=john),
        request=InboundRequest.objects.create(user=user, contact=john, details="15 minutes?"),
        followup=make_followup(user, contact=sara, meeting=meeting),
    )


def test_a_meeting_in_year_10000_breaks_its_pages_until_the_repair_moves_it(
    client_logged_in, world
):
    pages = [
        world.meeting.get_absolute_url(), world.sara.get_absolute_url(),
        reverse("meetings:meeting-list"), reverse("home:dashboard"),
    ]
    store(Meeting, world.meeting.pk, "starts_at", YEAR_10000)
    with pytest.raises(Exception):  # noqa: B017 (SQLite: no parse; psycopg: DataError)
        client_logged_in.get(world.meeting.get_absolute_url())

    run_repair()

    assert value_of(Meeting, world.meeting.pk, "starts_at") == LAST_MOMENT
    for page in pages:
        response = client_logged_in.get(page)
        assert response.status_code == 200, page
        assert "Sara Smith" in response.text, page
    # In the user's New York time: within 2200, as the edit form wants it.
    page = client_logged_in.get(world.meeting.get_absolute_url()).text
    assert "Tuesday 30 December 2200, 19:00" in page


def test_year_one_overflowed_west_of_utc_and_is_moved_to_1900(client_logged_in, world):
    store(Meeting, world.meeting.pk, "starts_at", YEAR_1)
    with pytest.raises(OverflowError):
        client_logged_in.get(world.meeting.get_absolute_url())

    run_repair()

    assert value_of(Meeting, world.meeting.pk, "starts_at") == FIRST_MOMENT
    response = client_logged_in.get(world.meeting.get_absolute_url())
    assert response.status_code == 200 and "Monday 1 January 1900, 07:00" in response.text


@pytest.mark.parametrize("model, field, text, moved_to, page, shown", [
    (Note, "happened_at", YEAR_10000, LAST_MOMENT, lambda w: w.sara.get_absolute_url(),
     "30 Dec 2200, 19:00"),
    (Contact, "last_interaction_at", YEAR_10000, LAST_MOMENT,
     lambda w: w.sara.get_absolute_url(), "<dd>30 Dec 2200"),
    (InboundRequest, "received_at", YEAR_10000, LAST_MOMENT,
     lambda w: reverse("reciprocity:request-detail", args=[w.request.pk]), "30 Dec 2200, 19:00"),
    (InboundRequest, "received_at", YEAR_1, FIRST_MOMENT,
     lambda w: reverse("reciprocity:request-list"), "1 Jan 1900, 07:00"),
    (FollowUp, "due_at", YEAR_10000, LAST_MOMENT, lambda w: w.followup.get_absolute_url(),
     "due Tue 30 Dec 2200, 19:00"),
    (Referral, "referred_on", "10000-01-01", date(2200, 12, 31),
     lambda w: reverse("referrals:edit-referral", args=[w.referral.pk]), 'value="2200-12-31"'),
    (Referral, "referred_on", "0001-01-01", date(1900, 1, 1),
     lambda w: reverse("referrals:edit-referral", args=[w.referral.pk]), 'value="1900-01-01"'),
], ids=lambda v: getattr(v, "__name__", None) if isinstance(v, type) else None)
def test_every_date_column_is_repaired_and_its_page_shows_it(
    client_logged_in, world, model, field, text, moved_to, page, shown
):
    row = {
        Note: world.note, Contact: world.sara, InboundRequest: world.request,
        FollowUp: world.followup, Referral: world.referral,
    }[model]
    store(model, row.pk, field, text)

    run_repair()

    assert value_of(model, row.pk, field) == moved_to
    response = client_logged_in.get(page(world))
    assert response.status_code == 200
    assert shown in response.text


def test_dates_any_form_accepted_are_left_alone(user, world):
    """A time typed as 2200-12-31 23:59 at UTC-12, or 1900-01-01 00:00 at UTC+14, was
    accepted and reads fine: it stays, as does everything ordinary."""
    other = make_meeting(user, [world.sara])
    store(Meeting, world.meeting.pk, "starts_at", "2201-01-01 11:59:00")
    store(Meeting, other.pk, "starts_at", "1899-12-31 10:00:00")
    store(Referral, world.referral.pk, "referred_on", "2200-12-31")
    ordinary = {
        (model, row.pk, field): value_of(model, row.pk, field)
        for model, row, field in [
            (Note, world.note, "happened_at"), (FollowUp, world.followup, "due_at"),
            (InboundRequest, world.request, "received_at"), (Contact, world.sara, "created_at"),
            (Contact, world.sara, "last_interaction_at"),
        ]
    }

    run_repair()

    assert value_of(Meeting, world.meeting.pk, "starts_at") == datetime(
        2201, 1, 1, 11, 59, tzinfo=UTC
    )
    assert value_of(Meeting, other.pk, "starts_at") == datetime(1899, 12, 31, 10, tzinfo=UTC)
    assert value_of(Referral, world.referral.pk, "referred_on") == date(2200, 12, 31)
    for (model, pk, field), before in ordinary.items():
        assert value_of(model, pk, field) == before, (model, field)
    assert timezone.now() - value_of(Note, world.note.pk, "happened_at") < timedelta(hours=1)


def test_running_it_again_changes_nothing(world):
    store(Meeting, world.meeting.pk, "starts_at", YEAR_10000)
    run_repair()
    run_repair()
    assert value_of(Meeting, world.meeting.pk, "starts_at") == LAST_MOMENT


def test_every_date_column_of_the_domain_apps_is_checked():
    columns = {(table, column) for table, column, _ in repair.date_columns(apps)}
    assert {
        ("meetings_meeting", "starts_at"), ("contacts_note", "happened_at"),
        ("contacts_contact", "last_interaction_at"), ("referrals_referral", "referred_on"),
        ("reciprocity_inboundrequest", "received_at"), ("followups_followup", "due_at"),
        ("followups_followup", "completed_at"), ("followups_digestlog", "day"),
    } <= columns
