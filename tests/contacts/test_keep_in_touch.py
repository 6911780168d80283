"""Keep in touch: a cadence per contact, one open reminder a cadence after the last
interaction, moved by every meeting, call or note, and rescheduled when done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact, Note
from contacts.services import sync_keep_in_touch
from followups.models import FollowUp, Status
from followups.services import sweep
from tests.conftest import make_user
from tests.engine import sweep_kinds
from tests.factories import bulk_contacts, make_contact
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_htmx_login_redirect,
    assert_login_redirect,
    assert_not_allowed,
    hx_trigger,
    text,
    written,
)

BULK = reverse("contacts:bulk-keep-in-touch")
CONTACTS = reverse("contacts:contact-list")
NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def note_url(contact: Contact) -> str:
    return reverse("contacts:log-note", args=[contact.pk])


def cadence_url(contact: Contact) -> str:
    return reverse("contacts:set-keep-in-touch", args=[contact.pk])


def reminders(**filters):
    return FollowUp.objects.filter(kind="keep_in_touch", **filters)


def open_reminders(**filters):
    return reminders(**filters).open()


def reminder_of(contact: Contact) -> FollowUp:
    return open_reminders(contact=contact).get()


def due_after(user, moment: datetime, days: int) -> datetime:
    return Profile.for_user(user).morning_after(moment, days)


def flash(response) -> list[str]:
    """The messages this response added (earlier, unread ones are dropped)."""
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime(DATETIME_LOCAL)


def contact_with_cadence(user, name="Sara Smith", days=30, last=None, **fields) -> Contact:
    """A contact with a cadence and its open reminder, as the app leaves them."""
    contact = make_contact(
        user, name, keep_in_touch_days=days, last_interaction_at=last, **fields
    )
    sync_keep_in_touch([contact.pk])
    return contact


# The rule ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rule_creates_one_reminder_per_contact_with_a_cadence_and_none_without(
    user, other_user
):
    last = datetime(2026, 2, 20, 18, 0, tzinfo=UTC)
    sara = make_contact(
        user, "Sara Smith", organization="Acme", keep_in_touch_days=30, last_interaction_at=last
    )
    make_contact(user, "John Public", last_interaction_at=last)  # no cadence
    theirs = make_contact(other_user, "Alan Other", keep_in_touch_days=60, last_interaction_at=last)

    assert sweep_kinds("keep_in_touch", now=NOW) == 2

    mine = reminder_of(sara)
    assert mine.user == user
    assert mine.title == "Keep in touch with Sara Smith"
    # The morning (09:00, the user's hour) 30 days after the last interaction.
    assert mine.due_at == datetime(2026, 3, 22, 9, 0, tzinfo=UTC)
    assert mine.draft.startswith("Hi Sara,")
    assert "we last spoke, on 20 February 2026" in mine.draft
    assert "How are things at Acme?" in mine.draft
    assert mine.draft.endswith("alice")
    assert reminder_of(theirs).user == other_user
    assert reminder_of(theirs).due_at == datetime(2026, 4, 21, 9, 0, tzinfo=UTC)
    assert reminders().count() == 2

    # Exactly once: the next sweeps create nothing.
    assert sweep_kinds("keep_in_touch", now=NOW) == 0
    assert sweep_kinds("keep_in_touch", now=NOW + timedelta(minutes=1)) == 0
    assert reminders().count() == 2


@pytest.mark.django_db
def test_without_any_interaction_the_clock_starts_when_the_contact_was_added(user):
    sara = make_contact(user, "Sara Smith", keep_in_touch_days=60)
    sweep_kinds("keep_in_touch", now=timezone.now())
    reminder = reminder_of(sara)
    assert reminder.due_at == due_after(user, sara.created_at, 60)
    assert "since we were last in touch" in reminder.draft
    assert "last spoke" not in reminder.draft


@pytest.mark.django_db
def test_due_at_the_users_morning_in_their_own_timezone(user):
    profile = Profile.for_user(user)
    profile.timezone, profile.morning_hour = "America/New_York", 8
    profile.save()
    # 02:00 UTC on 1 March is still 28 February in New York.
    sara = make_contact(
        user, keep_in_touch_days=30, last_interaction_at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    )
    sweep_kinds("keep_in_touch", now=NOW)
    due = reminder_of(sara).due_at.astimezone(profile.tzinfo)
    assert (due.date().isoformat(), due.hour) == ("2026-03-30", 8)


@pytest.mark.django_db
def test_the_unique_constraint_refuses_a_second_open_reminder(user):
    sara = contact_with_cadence(user)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            user=user, kind="keep_in_touch", contact=sara, due_at=NOW, title="again"
        )
    assert sync_keep_in_touch([sara.pk]).total == 0
    assert open_reminders().count() == 1


@pytest.mark.django_db
def test_the_sweep_query_count_holds(user, other_user, django_assert_num_queries):
    for owner in (user, other_user):
        Contact.objects.filter(
            pk__in=[c.pk for c in bulk_contacts(owner, 1, prefix=f"{owner} one")]
        ).update(keep_in_touch_days=30)
    # the subjects left for later (a recent problem); candidates; in the engine's
    # savepoint and sync's own: close, contacts, open, profiles, insert; then clearing
    # any problem recorded for these contacts.
    with django_assert_num_queries(12) as one:
        assert sweep_kinds("keep_in_touch", now=NOW) == 2
    for owner in (user, other_user):
        Contact.objects.filter(
            pk__in=[c.pk for c in bulk_contacts(owner, 99, prefix=f"{owner} many")]
        ).update(keep_in_touch_days=30)
    # 200 contacts to look at (the first two were just added, so their dates are
    # checked again): one round of queries. (Past services.BATCH, one more round.)
    with django_assert_num_queries(len(one)):
        assert sweep_kinds("keep_in_touch", now=NOW) == 198
    assert open_reminders().count() == 200


@pytest.mark.django_db
def test_the_sweep_repairs_writes_that_bypassed_the_app(user):
    """The admin or a script changed a contact without syncing: the sweep puts it right."""
    now = timezone.now()
    later = contact_with_cadence(user, "Sara Smith", last=now - timedelta(days=20))
    faster = contact_with_cadence(user, "John Public", days=90, last=now - timedelta(days=20))
    cleared = contact_with_cadence(user, "Alan Doe", last=now - timedelta(days=20))
    before = {c.pk: reminder_of(c).pk for c in (later, faster)}

    Contact.objects.filter(pk=later.pk).update(last_interaction_at=now - timedelta(hours=1))
    Contact.objects.filter(pk=faster.pk).update(keep_in_touch_days=30, updated_at=now)
    Contact.objects.filter(pk=cleared.pk).update(keep_in_touch_days=None, updated_at=now)

    assert sweep_kinds("keep_in_touch", now=now) == 3
    assert reminder_of(later).pk == before[later.pk]  # moved, not recreated
    assert reminder_of(later).due_at == due_after(user, now - timedelta(hours=1), 30)
    assert reminder_of(faster).due_at == due_after(user, now - timedelta(days=20), 30)
    assert reminders(contact=cleared).get().status == Status.SKIPPED
    assert sweep_kinds("keep_in_touch", now=now) == 0


@pytest.mark.django_db
def test_a_move_leaves_a_reminder_changed_meanwhile_alone(user):
    """The UPDATE is conditional on the due date read: a concurrent snooze wins."""
    from contacts import services

    now = timezone.now()
    sara = contact_with_cadence(user, last=now - timedelta(days=20))
    reminder = reminder_of(sara)
    row = {"pk": reminder.pk, "due_at": reminder.due_at}
    reminder.snooze(reminder.due_at + timedelta(days=3))  # after the sweep read the row
    assert services._move([(row, now + timedelta(days=40), "draft")]) == 0
    reminder.refresh_from_db()
    assert reminder.status == Status.SNOOZED
    assert reminder.due_at == row["due_at"] + timedelta(days=3)


# Interactions move it ---------------------------------------------------------------


def meeting_form(contact: Contact, starts_at: datetime) -> dict:
    return {
        "contacts": [contact.pk],
        "starts_at": local(starts_at),
        "kind": "coffee",
        "length_minutes": 15,
        "purpose": "catching up",
        "invited_by": "me",
        "paid_by": "me",
    }


@pytest.mark.django_db
def test_a_meeting_logged_before_the_due_date_moves_the_next_due_date(client_logged_in, user):
    """The issue's test: a logged meeting resets the keep-in-touch clock."""
    now = timezone.now()
    sara = contact_with_cadence(user, days=30, last=now - timedelta(days=20))
    reminder = reminder_of(sara)
    assert reminder.due_at == due_after(user, now - timedelta(days=20), 30)
    assert reminder.due_at > now  # not due yet: about 10 days to go

    met = (now - timedelta(hours=2)).replace(second=0, microsecond=0)
    response = client_logged_in.post(reverse("meetings:log-meeting"), meeting_form(sara, met))
    assert response.status_code == 302

    moved = reminder_of(sara)
    assert moved.pk == reminder.pk
    assert moved.due_at == due_after(user, met, 30)
    assert (moved.due_at - reminder.due_at).days >= 19
    assert f"on {timezone.localtime(met):%-d %B %Y}" in moved.draft
    assert open_reminders().count() == 1


@pytest.mark.django_db
def test_a_meeting_before_the_last_interaction_changes_nothing(client_logged_in, user):
    now = timezone.now()
    sara = contact_with_cadence(user, last=now - timedelta(days=2))
    due = reminder_of(sara).due_at
    old = (now - timedelta(days=10)).replace(second=0, microsecond=0)
    client_logged_in.post(reverse("meetings:log-meeting"), meeting_form(sara, old))
    assert reminder_of(sara).due_at == due


@pytest.mark.django_db
def test_a_logged_note_moves_the_due_date(client_logged_in, user):
    now = timezone.now()
    sara = contact_with_cadence(user, days=60, last=now - timedelta(days=50))
    before = reminder_of(sara)

    response = client_logged_in.post(note_url(sara), {"body": "Called Sara: new job at Acme"})
    assert response.status_code == 302
    assert response.url == sara.get_absolute_url()

    note = Note.objects.get()
    assert (note.user, note.contact, note.body) == (user, sara, "Called Sara: new job at Acme")
    assert now <= note.happened_at <= timezone.now()
    sara.refresh_from_db()
    assert sara.last_interaction_at == note.happened_at
    after = reminder_of(sara)
    assert after.pk == before.pk
    assert after.due_at == due_after(user, note.happened_at, 60)
    assert flash(response) == [
        f"Note logged. Keep in touch every 60 days: next reminder "
        f"{timezone.localtime(after.due_at):%a %-d %b %Y}."
    ]


@pytest.mark.django_db
def test_a_backdated_note_counts_from_when_it_happened(client_logged_in, user):
    now = timezone.now()
    sara = contact_with_cadence(user, days=30, last=now - timedelta(days=40))
    when = (now - timedelta(days=5)).replace(second=0, microsecond=0)
    client_logged_in.post(note_url(sara), {"body": "Emailed", "happened_at": local(when)})
    assert Note.objects.get().happened_at == when
    assert reminder_of(sara).due_at == due_after(user, when, 30)


@pytest.mark.django_db
def test_a_note_older_than_the_last_interaction_keeps_the_due_date(client_logged_in, user):
    now = timezone.now()
    sara = contact_with_cadence(user, last=now - timedelta(days=3))
    due = reminder_of(sara).due_at
    when = (now - timedelta(days=9)).replace(second=0, microsecond=0)
    client_logged_in.post(note_url(sara), {"body": "An old email", "happened_at": local(when)})
    assert Note.objects.count() == 1
    assert reminder_of(sara).due_at == due


@pytest.mark.django_db
def test_a_note_for_a_contact_without_cadence_creates_no_reminder(client_logged_in, user):
    sara = make_contact(user)
    client_logged_in.post(note_url(sara), {"body": "Said hello at the meetup"})
    sara.refresh_from_db()
    assert sara.last_interaction_at == Note.objects.get().happened_at
    assert not reminders().exists()


# Done, skipped, snoozed -------------------------------------------------------------


@pytest.mark.django_db
def test_completing_schedules_the_next_exactly_once(client, user):
    client.force_login(user)
    now = timezone.now()
    sara = contact_with_cadence(user, days=30, last=now - timedelta(days=31))
    first = reminder_of(sara)
    assert first.due_at < now  # overdue

    response = client.post(reverse("followups:mark-done", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Status.DONE

    sara.refresh_from_db()
    assert sara.last_interaction_at == first.completed_at  # doing it was a touch
    following = reminder_of(sara)
    assert following.pk != first.pk
    assert following.due_at == due_after(user, first.completed_at, 30)
    assert following.due_at > now + timedelta(days=29)

    # The sweep, twice: nothing more, nothing moved.
    sweep()
    sweep()
    assert open_reminders(contact=sara).count() == 1
    assert reminder_of(sara).pk == following.pk
    assert reminder_of(sara).due_at == following.due_at
    assert reminders(contact=sara).count() == 2


@pytest.mark.django_db
def test_completing_twice_still_leaves_one_open(user):
    sara = contact_with_cadence(user)
    first = reminder_of(sara)
    first.mark_done()
    first.mark_done()  # a second tab, a double click
    assert open_reminders(contact=sara).count() == 1


@pytest.mark.django_db
def test_a_skipped_reminder_comes_back_a_cadence_later_not_at_once(user):
    now = timezone.now()
    sara = contact_with_cadence(user, days=30, last=now - timedelta(days=45))
    first = reminder_of(sara)
    first.skip()
    sweep()
    sweep()
    following = reminder_of(sara)
    assert following.due_at == due_after(user, first.completed_at, 30)
    sara.refresh_from_db()
    assert sara.last_interaction_at == now - timedelta(days=45)  # skipping is no touch
    assert open_reminders().count() == 1


@pytest.mark.django_db
def test_a_snooze_is_not_undone_by_the_sweep_but_a_later_interaction_moves_it(user):
    now = timezone.now()
    sara = contact_with_cadence(user, days=30, last=now - timedelta(days=31))
    reminder = reminder_of(sara)
    snoozed_until = now + timedelta(days=7)
    reminder.snooze(snoozed_until)
    assert sweep_kinds("keep_in_touch", now=now) == 0
    assert reminder_of(sara).due_at == snoozed_until

    sara.touch(now)
    assert reminder_of(sara).due_at == due_after(user, now, 30)


# Changing the cadence ---------------------------------------------------------------


def contact_form(**overrides) -> dict:
    return {"name": "Sara Smith", "source": "knew", "organization_name": "", "tags": ""} | overrides


@pytest.mark.django_db
def test_a_new_contact_with_a_cadence_gets_its_reminder_at_once(client_logged_in, user):
    response = client_logged_in.post(
        reverse("contacts:create-contact"), contact_form(keep_in_touch_days="90")
    )
    assert response.status_code == 302
    sara = Contact.objects.get()
    assert sara.keep_in_touch_days == 90
    assert reminder_of(sara).due_at == due_after(user, sara.created_at, 90)


@pytest.mark.django_db
def test_editing_the_cadence_moves_and_clearing_it_closes_the_reminder(client_logged_in, user):
    now = timezone.now()
    sara = contact_with_cadence(user, days=90, last=now - timedelta(days=10))
    edit = reverse("contacts:edit-contact", args=[sara.pk])
    reminder = reminder_of(sara)

    client_logged_in.post(edit, contact_form(keep_in_touch_days="30"))
    assert reminder_of(sara).pk == reminder.pk
    assert reminder_of(sara).due_at == due_after(user, now - timedelta(days=10), 30)

    client_logged_in.post(edit, contact_form(keep_in_touch_days=""))
    sara.refresh_from_db()
    assert sara.keep_in_touch_days is None
    assert not open_reminders().exists()
    assert reminders().get().status == Status.SKIPPED
    assert sweep_kinds("keep_in_touch", now=timezone.now()) == 0  # and the sweep does not bring it back


@pytest.mark.django_db
def test_the_edit_form_offers_the_usual_cadences_and_keeps_an_unusual_one(client_logged_in, user):
    sara = make_contact(user, keep_in_touch_days=45)
    body = text(client_logged_in.get(reverse("contacts:edit-contact", args=[sara.pk])))
    assert '<option value="45" selected>Every 45 days</option>' in body
    assert '<option value="90">Every 90 days (quarterly)</option>' in body
    assert '<option value="">Not set: no reminders</option>' in body
    # Saving other fields keeps it.
    client_logged_in.post(
        reverse("contacts:edit-contact", args=[sara.pk]),
        contact_form(title="CTO", keep_in_touch_days="45"),
    )
    sara.refresh_from_db()
    assert (sara.title, sara.keep_in_touch_days) == ("CTO", 45)


@pytest.mark.django_db
def test_the_edit_form_refuses_a_cadence_not_offered(client_logged_in, user):
    sara = make_contact(user)
    response = client_logged_in.post(
        reverse("contacts:edit-contact", args=[sara.pk]), contact_form(keep_in_touch_days="7")
    )
    assert response.status_code == 422
    sara.refresh_from_db()
    assert sara.keep_in_touch_days is None


@pytest.mark.django_db
def test_setting_the_cadence_from_the_contact_page(client_logged_in, user):
    sara = make_contact(user, last_interaction_at=timezone.now() - timedelta(days=3))
    response = client_logged_in.post(cadence_url(sara), {"keep_in_touch_days": "60"})
    assert response.status_code == 302 and response.url == sara.get_absolute_url()
    sara.refresh_from_db()
    assert sara.keep_in_touch_days == 60
    due = reminder_of(sara).due_at
    assert due == due_after(user, sara.last_interaction_at, 60)
    assert flash(response) == [
        f"Keep in touch every 60 days: next reminder {timezone.localtime(due):%a %-d %b %Y}."
    ]

    response = client_logged_in.post(cadence_url(sara), {"keep_in_touch_days": ""})
    assert flash(response) == ["No keep-in-touch reminders for Sara."]
    assert not open_reminders().exists()


@pytest.mark.django_db
def test_setting_the_cadence_with_htmx_returns_the_section(client_logged_in, user):
    sara = make_contact(user)
    response = client_logged_in.post(cadence_url(sara), {"keep_in_touch_days": "30"}, headers=HTMX)
    body = assert_fragment(response, 'id="keep-in-touch"')
    assert "Every <strong>30 days</strong>" in body
    assert "Keep in touch every 30 days: next reminder" in body
    assert hx_trigger(response) == {"keepInTouchChanged": {"id": sara.pk}}
    assert '<option value="30" selected>' in body


@pytest.mark.django_db
def test_a_cadence_not_offered_is_422(client_logged_in, user):
    sara = make_contact(user)
    response = client_logged_in.post(cadence_url(sara), {"keep_in_touch_days": "3"}, headers=HTMX)
    assert_fragment(response, "Select a valid choice", status=422)
    response = client_logged_in.post(cadence_url(sara), {"keep_in_touch_days": "3"})
    assert_full_page(response, "Select a valid choice", status=422)
    sara.refresh_from_db()
    assert sara.keep_in_touch_days is None


# Bulk by tag ------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_sets_the_cadence_of_the_users_contacts_with_that_tag_only(
    client_logged_in, user, other_user
):
    mentors = [make_contact(user, f"Mentor {i}", tags=["mentor"]) for i in range(3)]
    alumni = make_contact(user, "Alum", tags=["alumni"])
    theirs = make_contact(other_user, "Their mentor", tags=["mentor"])

    response = client_logged_in.post(BULK, {"tag": "mentor", "keep_in_touch_days": "60"})
    assert response.status_code == 302 and response.url == CONTACTS
    assert flash(response) == [
        "Set every 60 days for 3 contacts tagged “mentor” (3 reminders scheduled)."
    ]
    assert sorted(
        Contact.objects.filter(keep_in_touch_days=60).values_list("name", flat=True)
    ) == ["Mentor 0", "Mentor 1", "Mentor 2"]
    for contact in mentors:
        assert reminder_of(contact).due_at == due_after(user, contact.created_at, 60)
    for contact in (alumni, theirs):
        contact.refresh_from_db()
        assert contact.keep_in_touch_days is None
    assert open_reminders().count() == 3

    # Again, faster: the same reminders move.
    response = client_logged_in.post(BULK, {"tag": "mentor", "keep_in_touch_days": "30"})
    assert flash(response) == [
        "Set every 30 days for 3 contacts tagged “mentor” (3 reminders moved)."
    ]
    assert open_reminders().count() == 3

    # And stop.
    response = client_logged_in.post(BULK, {"tag": "mentor", "keep_in_touch_days": ""})
    assert flash(response) == [
        "Stopped keep-in-touch reminders for 3 contacts tagged “mentor” (3 open reminders closed)."
    ]
    assert not open_reminders().exists()


@pytest.mark.django_db
def test_bulk_refuses_another_users_tag_with_422_and_keeps_what_was_picked(
    client_logged_in, user, other_user
):
    make_contact(user, "Mine", tags=["alumni"])
    make_contact(other_user, "Theirs", tags=["secret"])
    picked = {"tag": "secret", "keep_in_touch_days": "90"}

    response = client_logged_in.post(BULK, picked)
    body = assert_full_page(response, "Pick one of your tags, and how often", status=422)
    assert "Select a valid choice. secret is not one of the available choices." in body
    assert '<details class="bulk-keep-in-touch" id="bulk-keep-in-touch" open>' in body
    assert f'action="{BULK}"' in body and '<option value="alumni">alumni</option>' in body
    assert '<option value="90" selected>' in body  # the cadence picked stays picked
    assert f'href="{CONTACTS}"' in body  # the way back
    assert flash(response) == []

    response = client_logged_in.post(BULK, picked, headers=HTMX)
    fragment = assert_fragment(response, 'id="bulk-keep-in-touch"', status=422)
    assert "secret is not one of the available choices" in fragment
    assert '<option value="90" selected>' in fragment
    assert not Contact.objects.filter(keep_in_touch_days__isnull=False).exists()
    assert not reminders().exists()


@pytest.mark.django_db
def test_bulk_refuses_a_cadence_not_offered_with_422(client_logged_in, user):
    make_contact(user, "Mine", tags=["alumni"])
    response = client_logged_in.post(BULK, {"tag": "alumni", "keep_in_touch_days": "3"})
    body = assert_full_page(response, "Select a valid choice", status=422)
    assert '<option value="alumni" selected>alumni</option>' in body
    assert not Contact.objects.filter(keep_in_touch_days__isnull=False).exists()


@pytest.mark.django_db
def test_bulk_query_count_holds(client_logged_in, user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Each round has a reminder to move and one to create: the same queries, whatever the count.
    bulk_contacts(user, 1, prefix="First", tag="mentor")
    client_logged_in.post(BULK, {"tag": "mentor", "keep_in_touch_days": "60"})
    bulk_contacts(user, 1, prefix="Second", tag="mentor")
    with CaptureQueriesContext(connection) as one:
        response = client_logged_in.post(BULK, {"tag": "mentor", "keep_in_touch_days": "90"})
    assert flash(response) == [
        "Set every 90 days for 2 contacts tagged “mentor” (1 reminder scheduled, 1 reminder moved)."
    ]
    updates = [q for q in one.captured_queries if q["sql"].startswith('UPDATE "contacts_contact"')]
    assert len(updates) == 1  # one UPDATE sets the cadence of them all

    bulk_contacts(user, 198, prefix="More", tag="mentor")
    Contact.objects.filter(name__startswith="More").filter(name__lt="More 100").update(
        keep_in_touch_days=90
    )
    sync_keep_in_touch(Contact.objects.filter(name__startswith="More").values_list("pk", flat=True))
    with django_assert_num_queries(len(one)):
        response = client_logged_in.post(BULK, {"tag": "mentor", "keep_in_touch_days": "30"})
    assert flash(response) == [
        "Set every 30 days for 200 contacts tagged “mentor” "
        "(98 reminders scheduled, 102 reminders moved)."
    ]
    assert open_reminders().count() == 200


@pytest.mark.django_db
def test_the_contact_list_offers_the_bulk_form_with_the_users_tags(
    client_logged_in, user, other_user
):
    make_contact(user, "Mine", tags=["mentor", "alumni"])
    make_contact(other_user, "Theirs", tags=["secret"])
    body = text(client_logged_in.get(CONTACTS))
    assert f'action="{BULK}"' in body
    assert "Keep in touch with everyone tagged" in body
    assert '<option value="alumni">alumni</option>' in body
    assert '<option value="mentor">mentor</option>' in body
    assert "secret" not in body
    # A cadence is preselected; stopping is the last choice, never the default.
    assert '<option value="30" selected>Every 30 days (monthly)</option>' in body
    cadences = body[body.index('name="keep_in_touch_days"'):]
    assert cadences.index('value="30"') < cadences.index('value="180"') < cadences.index(
        '<option value="">Never: stop reminders</option>'
    )
    # The HTMX rows fragment does without it (and its query).
    rows = text(client_logged_in.get(CONTACTS, {"q": "Mine"}, headers=HTMX))
    assert "Keep in touch with everyone tagged" not in rows


@pytest.mark.django_db
def test_the_contact_list_without_tags_explains_the_bulk_form(client_logged_in, user):
    make_contact(user, "Mine")
    body = text(client_logged_in.get(CONTACTS))
    assert f'action="{BULK}"' not in body
    assert "Tag your contacts" in body


@pytest.mark.django_db
def test_bulk_login_required_and_post_only(client, user):
    assert_login_redirect(client.post(BULK, {"tag": "x"}), BULK)
    client.force_login(user)
    assert_not_allowed(client.get(BULK), "POST")


# The contact page -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_contact_page_shows_cadence_next_reminder_and_latest_notes(client_logged_in, user):
    now = timezone.now()
    sara = contact_with_cadence(user, days=60, last=now - timedelta(days=70))
    for i in range(7):
        Note.objects.create(
            user=user, contact=sara, body=f"note {i}", happened_at=now - timedelta(days=80 - i)
        )
    reminder = reminder_of(sara)
    body = text(client_logged_in.get(sara.get_absolute_url()))
    assert "Every <strong>60 days</strong>" in body
    due = written(reminder.due_at, "%a %-d %b{year}")
    assert f'<a href="{reminder.get_absolute_url()}">{due}</a>' in body
    assert "due now" in body  # 70 days since: overdue
    assert "Log a call, email or note" in body
    assert f'action="{note_url(sara)}"' in body
    # The five latest, newest first.
    shown = [f"note {i}" for i in range(7) if f"note {i}<" in body]
    assert shown == ["note 2", "note 3", "note 4", "note 5", "note 6"]
    assert body.index("note 6") < body.index("note 2")


@pytest.mark.django_db
def test_the_contact_page_without_a_cadence_says_so(client_logged_in, user):
    sara = make_contact(user)
    body = text(client_logged_in.get(sara.get_absolute_url()))
    assert "No cadence: netcrm will not remind you to keep in touch with Sara." in body
    assert "Latest notes" not in body
    # "When" starts empty (now, when it is sent), not the time the page was loaded.
    assert 'name="happened_at"' in body
    when = body[body.index('name="happened_at"') - 200:body.index('name="happened_at"') + 200]
    assert "value=" not in when.split("<input")[-1].split(">")[0]
    assert "initial-happened_at" not in body


@pytest.mark.django_db
def test_the_contact_page_query_count_holds_with_notes(
    client_logged_in, user, django_assert_num_queries
):
    from tests.helpers import count_queries

    sara = contact_with_cadence(user)
    Note.objects.create(user=user, contact=sara, body="one")
    one, _ = count_queries(client_logged_in, sara.get_absolute_url())
    Note.objects.bulk_create(Note(user=user, contact=sara, body=f"n{i}") for i in range(200))
    with django_assert_num_queries(one):
        client_logged_in.get(sara.get_absolute_url())


# Logging a note: the view -----------------------------------------------------------


@pytest.mark.django_db
def test_logging_a_note_with_htmx_returns_the_section(client_logged_in, user):
    sara = contact_with_cadence(user, days=30)
    response = client_logged_in.post(note_url(sara), {"body": "Coffee chat by phone"}, headers=HTMX)
    body = assert_fragment(response, 'id="keep-in-touch"')
    assert "Note logged. Keep in touch every 30 days: next reminder" in body
    assert "Coffee chat by phone" in body
    assert hx_trigger(response) == {"noteLogged": {"id": sara.pk}}


@pytest.mark.django_db
def test_an_empty_note_is_422_and_saves_nothing(client_logged_in, user):
    sara = make_contact(user)
    response = client_logged_in.post(note_url(sara), {"body": "  "}, headers=HTMX)
    assert_fragment(response, "Say what happened", status=422)
    response = client_logged_in.post(note_url(sara), {"body": ""})
    assert_full_page(response, "Please fix the marked fields.", status=422)
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_a_note_in_the_future_is_refused_and_keeps_what_was_typed(client_logged_in, user):
    sara = make_contact(user)
    when = local(timezone.now() + timedelta(days=2))
    response = client_logged_in.post(note_url(sara), {"body": "Lunch", "happened_at": when})
    body = assert_full_page(
        response, "That is still to come: log it once it has happened.", status=422
    )
    assert "Lunch</textarea>" in body
    assert not Note.objects.exists()
    sara.refresh_from_db()
    assert sara.last_interaction_at is None


@pytest.mark.django_db
def test_note_and_cadence_views_404_for_another_users_contact(client_logged_in, other_user):
    theirs = make_contact(other_user, keep_in_touch_days=30)
    assert client_logged_in.post(note_url(theirs), {"body": "hi"}).status_code == 404
    assert client_logged_in.post(cadence_url(theirs), {"keep_in_touch_days": ""}).status_code == 404
    assert not Note.objects.exists()
    theirs.refresh_from_db()
    assert theirs.keep_in_touch_days == 30


@pytest.mark.django_db
def test_note_and_cadence_views_need_a_login(client, user):
    sara = make_contact(user)
    for url, data in ((note_url(sara), {"body": "hi"}), (cadence_url(sara), {})):
        assert_login_redirect(client.post(url, data), url)
        assert_htmx_login_redirect(client.post(url, data, headers=HTMX), url)
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_note_and_cadence_views_take_post_only(client_logged_in, user):
    sara = make_contact(user)
    for url in (note_url(sara), cadence_url(sara)):
        assert_not_allowed(client_logged_in.get(url), "POST")


@pytest.mark.django_db
def test_logging_a_note_query_count_holds(client_logged_in, user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sara = contact_with_cadence(user)
    with CaptureQueriesContext(connection) as one:
        client_logged_in.post(note_url(sara), {"body": "first"}, headers=HTMX)
    Note.objects.bulk_create(Note(user=user, contact=sara, body=f"n{i}") for i in range(200))
    for i in range(20):
        contact_with_cadence(user, f"Other {i}")
    with django_assert_num_queries(len(one)):
        client_logged_in.post(note_url(sara), {"body": "second"}, headers=HTMX)


@pytest.mark.django_db
def test_another_user_with_the_same_cadence_is_unaffected_by_my_note(client_logged_in, user):
    other = make_user("bob")
    now = timezone.now()
    mine = contact_with_cadence(user, last=now - timedelta(days=20))
    theirs = contact_with_cadence(other, last=now - timedelta(days=20))
    due = reminder_of(theirs).due_at
    client_logged_in.post(note_url(mine), {"body": "hello"})
    assert reminder_of(theirs).due_at == due
    assert reminder_of(mine).due_at > due
