"""A user who changes their timezone or morning hour in their settings: their open
follow-ups keep the day and the time of day they were due at, on the new clock."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Profile
from followups.models import FollowUp, Status
from tests.factories import make_followup

pytestmark = pytest.mark.django_db

SETTINGS = reverse("accounts:settings")
DASHBOARD = reverse("home:dashboard")
UTC, PAGO_PAGO, KIRITIMATI = ZoneInfo("UTC"), ZoneInfo("Pacific/Pago_Pago"), ZoneInfo("Pacific/Kiritimati")
FRIDAY = date(2031, 5, 9)  # far ahead: due in the future whatever the day the test runs


def save_settings(client, **changes):
    """POST the settings form as the page shows it (every field), with `changes`."""
    form = client.get(SETTINGS).context["form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(SETTINGS, data | changes)


@pytest.fixture
def clock(user) -> Profile:
    profile = Profile.for_user(user)
    profile.timezone, profile.morning_hour = "UTC", 9
    profile.save()
    return profile


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = UTC) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def due(followup: FollowUp) -> datetime:
    return FollowUp.objects.get(pk=followup.pk).due_at


def test_a_new_timezone_keeps_each_open_follow_up_on_its_day_and_hour(
    client_logged_in, user, other_user, clock
):
    morning = make_followup(user, title="Thank Sara", due_at=at(FRIDAY, 9))
    snoozed = make_followup(user, title="Call John", due_at=at(FRIDAY, 9), status=Status.SNOOZED)
    typed = make_followup(user, title="Send the article", due_at=at(FRIDAY, 14, 30))
    done = make_followup(user, title="Done already", due_at=at(FRIDAY, 9), status=Status.DONE)
    theirs = make_followup(other_user, title="Not mine", due_at=at(FRIDAY, 9))

    assert save_settings(client_logged_in, timezone="Pacific/Pago_Pago").status_code == 302

    # 9:00 on Friday in Pago Pago (it was 22:00 on Thursday there), and 14:30 on Friday.
    assert due(morning) == due(snoozed) == at(FRIDAY, 9, tz=PAGO_PAGO)
    assert due(typed) == at(FRIDAY, 14, 30, tz=PAGO_PAGO)
    assert due(done) == due(theirs) == at(FRIDAY, 9)  # closed, or someone else's: untouched

    save_settings(client_logged_in, timezone="Pacific/Kiritimati")
    assert due(morning) == at(FRIDAY, 9, tz=KIRITIMATI)
    assert due(typed) == at(FRIDAY, 14, 30, tz=KIRITIMATI)


def test_a_new_morning_hour_moves_what_fell_due_at_the_old_one(client_logged_in, user, clock):
    morning = make_followup(user, title="Thank Sara", due_at=at(FRIDAY, 9))
    typed = make_followup(user, title="Send the article", due_at=at(FRIDAY, 14, 30))

    save_settings(client_logged_in, morning_hour=7)

    assert due(morning) == at(FRIDAY, 7)
    assert due(typed) == at(FRIDAY, 14, 30)


def test_tomorrow_morning_stays_out_of_today_after_moving_west(client_logged_in, user, clock):
    # Due tomorrow morning, as Pago Pago counts days: at 9:00 UTC, which is today at
    # 22:00 there. Once the user is in Pago Pago, it must not come up today.
    tomorrow = date.fromordinal(datetime.now(PAGO_PAGO).date().toordinal() + 1)
    make_followup(user, title="Prepare for coffee", due_at=at(tomorrow, 9))
    save_settings(client_logged_in, timezone="Pacific/Pago_Pago")

    counts = client_logged_in.get(DASHBOARD).context["counts"]

    assert counts["today"] == 0 and counts["overdue"] == 0


def test_the_follow_ups_move_in_one_update_a_shift_not_one_a_row(
    user, clock, django_assert_num_queries
):
    # 1,200 at the morning hour or at 14:30, on days with the same two offsets (UTC and
    # Pago Pago keep no daylight saving): one shift, so one read and one UPDATE, however
    # many there are (they were written 500 at a time, three UPDATEs here).
    first = make_followup(user, title="Thank 0", due_at=at(FRIDAY, 9))
    FollowUp.objects.bulk_create(
        FollowUp(
            user=user, kind=first.kind, title=f"Thank {n}",
            due_at=at(date.fromordinal(FRIDAY.toordinal() + n % 300), 9 if n % 2 else 14, 30 * (n % 2 == 0)),
        )
        for n in range(1, 1200)
    )
    now = Profile(timezone="Pacific/Pago_Pago", morning_hour=9)

    with django_assert_num_queries(2):
        moved = FollowUp.objects.for_user(user).open().keep_local_times(clock, now)

    assert moved == 1200
    assert {f.due_at.astimezone(PAGO_PAGO).time() for f in FollowUp.objects.for_user(user)} == {
        time(9), time(14, 30)
    }
