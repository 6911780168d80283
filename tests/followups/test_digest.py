"""The morning digest: one email per user per local day, at their local digest time.

Service tests freeze "now" by passing it in; the beat task and the sender are also
run by a real Celery worker on a real Redis, with the real clock.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followups import digest
from followups.models import DigestLog, Status
from followups.tasks import send_digest, send_due_digests
from tests.conftest import make_user, run_task, wait_for
from tests.factories import bulk_followups, make_contact, make_followup

UTC = ZoneInfo("UTC")
AUCKLAND = "Pacific/Auckland"
LOS_ANGELES = "America/Los_Angeles"
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.MAILERS = LOCMEM
    settings.SITE_URL = ""


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(name: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(name))


def digest_user(username: str, zone: str, at: time = time(7, 0), *, due: bool = True, **profile):
    """A user in `zone` whose digest is at `at`, with one long-overdue follow-up
    (so every digest of theirs has something to send) unless due=False."""
    user = make_user(username)
    user.profile.timezone = zone
    user.profile.digest_time = at
    for name, value in profile.items():
        setattr(user.profile, name, value)
    user.profile.save()
    if due:
        make_followup(user, due_at=utc(2020, 1, 1, 9), title=f"Write to {username}'s old friend")
    return user


def tick(now: datetime) -> list[str]:
    """One beat run at `now` with its messages delivered at once: who got an email."""
    before = len(mail.outbox)
    for log_id, claim in digest.claim_due_digests(now):
        digest.send_digest(log_id, claim, now=now)
    return [m.to[0].split("@")[0] for m in mail.outbox[before:]]


# Far timezones ----------------------------------------------------------------------


@pytest.mark.django_db
def test_each_user_gets_theirs_at_their_own_local_morning():
    digest_user("kiri", AUCKLAND)
    digest_user("lee", LOS_ANGELES)

    # 06:55 in Los Angeles (14 January), 03:55 the next day in Auckland: nobody yet.
    assert tick(utc(2026, 1, 14, 14, 55)) == []
    # 07:05 in Los Angeles; 04:05 in Auckland.
    assert tick(utc(2026, 1, 14, 15, 5)) == ["lee"]
    # 06:55 in Auckland: still nothing.
    assert tick(utc(2026, 1, 14, 17, 55)) == []
    # 07:05 on 15 January in Auckland (10:05 on the 14th in LA, sent already): Auckland only.
    assert tick(utc(2026, 1, 14, 18, 5)) == ["kiri"]
    assert tick(utc(2026, 1, 14, 18, 6)) == []
    # Later, 07:05 on 15 January in Los Angeles: LA's, and only LA's.
    assert tick(utc(2026, 1, 15, 15, 5)) == ["lee"]

    days = sorted(DigestLog.objects.values_list("user__username", "day"))
    assert days == [
        ("kiri", date(2026, 1, 15)),
        ("lee", date(2026, 1, 14)),
        ("lee", date(2026, 1, 15)),
    ]
    assert "Thursday 15 January" in mail.outbox[1].body  # Auckland's local day


@pytest.mark.parametrize(
    "start",
    [
        # Neither is past 07:00 locally at the start (LA 04:00, Auckland 01:00 next day).
        utc(2026, 1, 14, 12),
        # Across Auckland's end of daylight saving (5 April) and LA's start (8 March).
        utc(2026, 4, 3, 12),
        utc(2026, 3, 7, 12),
    ],
)
@pytest.mark.django_db
def test_two_days_of_beats_every_quarter_hour_send_one_a_day_at_07_local(start):
    digest_user("kiri", AUCKLAND)
    digest_user("lee", LOS_ANGELES)
    sent = []
    now = start
    while now < start + timedelta(days=2):
        for who in tick(now):
            sent.append((who, now.astimezone(ZoneInfo(AUCKLAND if who == "kiri" else LOS_ANGELES))))
        now += timedelta(minutes=15)

    for who in ("kiri", "lee"):
        times = [moment for name, moment in sent if name == who]
        assert [moment.time() for moment in times] == [time(7, 0), time(7, 0)], sent
        assert times[1].date() - times[0].date() == timedelta(days=1)
    assert DigestLog.objects.filter(sent_at__isnull=False, followup_count=1).count() == 4


# Who gets one -----------------------------------------------------------------------


@pytest.mark.django_db
def test_no_digest_when_turned_off_without_email_or_inactive():
    digest_user("on", AUCKLAND)
    digest_user("off", AUCKLAND, digest_enabled=False)
    nomail = digest_user("nomail", AUCKLAND)
    nomail.email = ""
    nomail.save()
    gone = digest_user("gone", AUCKLAND)
    gone.is_active = False
    gone.save()

    assert tick(local(AUCKLAND, 2026, 1, 15, 7, 5)) == ["on"]
    assert list(DigestLog.objects.values_list("user__username", flat=True)) == ["on"]
    assert tick(local(AUCKLAND, 2026, 1, 15, 23, 0)) == []


@pytest.mark.django_db
def test_turned_off_between_claim_and_send_sends_nothing_until_turned_back_on_that_day():
    user = digest_user("kiri", AUCKLAND)
    now = local(AUCKLAND, 2026, 1, 15, 7, 0)
    [(log_id, claim)] = digest.claim_due_digests(now)
    user.profile.digest_enabled = False
    user.profile.save()
    assert digest.send_digest(log_id, claim, now=now) == 0
    assert mail.outbox == []
    assert tick(now + timedelta(minutes=30)) == []  # off: the open claim is left alone

    user.profile.digest_enabled = True
    user.profile.save()
    assert tick(now + timedelta(minutes=31)) == ["kiri"]  # the recovery sends it, once
    assert tick(now + timedelta(minutes=60)) == []


@pytest.mark.django_db
def test_a_day_with_nothing_due_sends_no_email_and_is_recorded_once(other_user):
    user = digest_user("kiri", AUCKLAND, due=False)
    today = local(AUCKLAND, 2026, 1, 15, 7, 5)
    # Nothing open is due: done, skipped, tomorrow's; and another user's.
    make_followup(user, due_at=today - timedelta(hours=1), status=Status.DONE)
    make_followup(user, due_at=today - timedelta(hours=1), status=Status.SKIPPED)
    make_followup(user, due_at=local(AUCKLAND, 2026, 1, 16, 0, 0))
    make_followup(other_user, due_at=today - timedelta(hours=1))

    assert tick(today) == ["mallory"]  # (UTC, 07:00 default: past 18:00 there): theirs only
    log = DigestLog.objects.get(user=user)
    assert (log.day, log.sent_at, log.followup_count) == (date(2026, 1, 15), today, 0)
    # Something falling due later that day does not turn into a second, late digest.
    make_followup(user, due_at=today + timedelta(hours=2))
    assert tick(today + timedelta(hours=3)) == []
    assert DigestLog.objects.filter(user=user).count() == 1


# Downtime and crashes ---------------------------------------------------------------


@pytest.mark.django_db
def test_catch_up_after_downtime_sends_today_once_and_never_yesterday():
    digest_user("kiri", AUCKLAND)
    # Beat down from 06:00 on 14 January to 11:00 on 15 January (Auckland time).
    assert tick(local(AUCKLAND, 2026, 1, 14, 6, 0)) == []
    assert tick(local(AUCKLAND, 2026, 1, 15, 11, 0)) == ["kiri"]
    assert tick(local(AUCKLAND, 2026, 1, 15, 11, 1)) == []
    assert tick(local(AUCKLAND, 2026, 1, 15, 23, 59)) == []
    assert list(DigestLog.objects.values_list("day", flat=True)) == [date(2026, 1, 15)]


@pytest.mark.django_db
def test_a_stale_claim_is_recovered_and_sent_once():
    digest_user("kiri", AUCKLAND)
    claimed = local(AUCKLAND, 2026, 1, 15, 7, 0)
    [(log_id, first_claim)] = digest.claim_due_digests(claimed)  # ...and the message is lost

    assert digest.claim_due_digests(claimed + timedelta(minutes=9)) == []  # not stale yet
    later = claimed + timedelta(minutes=11)
    assert digest.claim_due_digests(later) == [(log_id, later)]
    assert digest.claim_due_digests(later) == []  # one recovery, however many beats

    # The lost message turns up after all: its claim was taken over, it sends nothing.
    assert digest.send_digest(log_id, first_claim, now=later) == 0
    assert digest.send_digest(log_id, later, now=later) == 1
    assert digest.send_digest(log_id, later, now=later) == 0  # delivered twice: still one
    assert digest.send_digest(log_id, first_claim, now=later) == 0
    assert len(mail.outbox) == 1
    assert tick(later + timedelta(minutes=30)) == []
    log = DigestLog.objects.get()
    assert log.sent_at == later and log.followup_count == 1


@pytest.mark.django_db
def test_a_failed_send_is_retried_by_the_recovery_and_sent_once(settings):
    digest_user("kiri", AUCKLAND)
    now = local(AUCKLAND, 2026, 1, 15, 7, 0)
    # The mail server is down: nobody listens on the discard port.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    [(log_id, claim)] = digest.claim_due_digests(now)
    with pytest.raises(OSError):
        digest.send_digest(log_id, claim, now=now)
    assert DigestLog.objects.get().sent_at is None

    settings.MAILERS = LOCMEM
    assert tick(now + timedelta(minutes=5)) == []  # the sender's claim is still fresh
    assert tick(now + timedelta(minutes=11)) == ["kiri"]
    assert tick(now + timedelta(minutes=30)) == []


@pytest.mark.django_db
def test_a_claim_left_unsent_is_never_sent_once_its_day_is_over():
    digest_user("kiri", AUCKLAND, at=time(23, 50))
    evening = local(AUCKLAND, 2026, 1, 14, 23, 50)
    [(log_id, claim)] = digest.claim_due_digests(evening)  # the message is lost
    after_midnight = local(AUCKLAND, 2026, 1, 15, 0, 10)
    assert digest.claim_due_digests(after_midnight) == []
    assert digest.send_digest(log_id, claim, now=after_midnight) == 0  # a late delivery
    assert mail.outbox == []
    log = DigestLog.objects.get()
    assert log.day == date(2026, 1, 14) and log.sent_at is None
    assert tick(local(AUCKLAND, 2026, 1, 15, 23, 50)) == ["kiri"]  # the 15th's, on time


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_one_digest_per_user():
    users = [digest_user(f"user{i}", zone) for i, zone in enumerate([AUCKLAND, LOS_ANGELES] * 3)]
    now = utc(2026, 1, 15, 18, 30)  # 07:30 in Auckland (16th), 10:30 in LA (15th)
    barrier = threading.Barrier(2)
    claims: list[list] = [[], []]
    errors = []

    def beat(n: int) -> None:
        try:
            barrier.wait()
            claims[n] = digest.claim_due_digests(now)
            barrier.wait()
            # Each delivers every message, its own and the other's: duplicates included.
            for log_id, claim in claims[0] + claims[1]:
                digest.send_digest(log_id, claim, now=now)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=beat, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(claims[0]) + len(claims[1]) == len(users)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert DigestLog.objects.filter(sent_at=now).count() == len(users)


# The email --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_email_lists_the_queue_in_the_users_local_time(settings, other_user):
    settings.SITE_URL = "https://crm.example.com/"
    user = digest_user("kiri", AUCKLAND, due=False)
    user.first_name = "Kiri"
    user.save()
    sara = make_contact(user, "Sara O'Brien", organization="Acme & Sons")
    overdue = make_followup(
        user, due_at=local(AUCKLAND, 2026, 1, 14, 9, 0), title="Call John, mention Sara",
        kind="referral_call",
    )
    today = make_followup(
        user, due_at=local(AUCKLAND, 2026, 1, 15, 9, 30), title="Thank Sara O'Brien",
        kind="thank_you", contact=sara,
        draft="Hi Sara,\n\nThank you for <coffee> on Tuesday." + " Really." * 60,
    )
    snoozed = make_followup(
        user, due_at=local(AUCKLAND, 2026, 1, 15, 23, 59), title="Send the article",
        status=Status.SNOOZED,
    )
    make_followup(user, due_at=local(AUCKLAND, 2026, 1, 16, 0, 0), title="Tomorrow's task")
    make_followup(
        user, due_at=local(AUCKLAND, 2026, 1, 15, 8), title="Done already", status=Status.DONE
    )
    make_followup(other_user, due_at=local(AUCKLAND, 2026, 1, 15, 8), title="Mallory's secret")

    # Mallory (UTC, digest at 07:00 by default) is past 18:00 there: theirs goes out too.
    assert sorted(tick(local(AUCKLAND, 2026, 1, 15, 7, 0))) == ["kiri", "mallory"]
    [email] = [m for m in mail.outbox if m.to == [user.email]]
    [theirs] = [m for m in mail.outbox if m.to == [other_user.email]]
    assert "Mallory's secret" in theirs.body
    assert "Sara" not in theirs.body and "Sara" not in theirs.alternatives[0][0]
    assert email.subject == "Today: 3 follow-ups (1 overdue)"
    assert email.to == [user.email]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    text = email.body

    # Plain text: not HTML-escaped; times are Auckland's (09:30 there is 20:30 UTC).
    assert text.startswith("Hi Kiri,")
    assert "Thursday 15 January" in text
    assert text.index("OVERDUE") < text.index("Call John, mention Sara") < text.index("TODAY")
    assert "Referral call · due Wed 14 Jan, 09:00" in text
    assert "Thank Sara O'Brien\n  Thank-you note · due 09:30 · Sara O'Brien (Acme & Sons)" in text
    assert "Draft: Hi Sara, Thank you for <coffee> on Tuesday. Really." in text
    assert "Send the article\n  Custom · due 23:59 · snoozed" in text
    assert "20:30" not in text
    assert f"https://crm.example.com/followups/{today.pk}/" in text
    assert "Open your queue: https://crm.example.com/" in text
    assert "https://crm.example.com/accounts/settings/" in text

    # HTML: the same queue, escaped.
    assert "<h2>Overdue</h2>" in html and "<h2>Today</h2>" in html
    link = f'<a href="https://crm.example.com/followups/{overdue.pk}/">Call John, mention Sara</a>'
    assert link in html
    assert "Thank Sara O&#x27;Brien" in html and "Acme &amp; Sons" in html
    assert "&lt;coffee&gt;" in html and "<coffee>" not in html
    assert "due 09:30" in html and "due 23:59" in html and "20:30" not in html
    assert f"/followups/{snoozed.pk}/" in html

    for part in (text, html):
        assert "Tomorrow" not in part and "Done already" not in part
        assert "Mallory" not in part  # another user's follow-ups never appear
    assert DigestLog.objects.get(user=user).followup_count == 3


@pytest.mark.django_db
def test_the_email_lists_the_first_fifty_and_counts_the_rest(settings):
    settings.SITE_URL = ""
    user = digest_user("kiri", AUCKLAND, due=False)
    bulk_followups(user, [local(AUCKLAND, 2026, 1, 15, 6, 0)] * 60, title="Reply")
    assert tick(local(AUCKLAND, 2026, 1, 15, 7, 0)) == ["kiri"]
    [email] = mail.outbox
    assert email.subject == "Today: 60 follow-ups"
    assert email.body.count("\n- Reply ") == 50
    assert "…and 10 more on your dashboard." in email.body
    assert "Open your queue: /\n" in email.body  # no SITE_URL: links are paths


@pytest.mark.parametrize("rows", [1, 200])
@pytest.mark.django_db
def test_sending_takes_the_same_queries_whatever_the_queue(rows, django_assert_max_num_queries):
    user = digest_user("kiri", AUCKLAND, due=False)
    contacts = [make_contact(user, f"Person {i}", organization="Acme") for i in range(3)]
    bulk_followups(user, [local(AUCKLAND, 2026, 1, 15, 6, 0)] * rows, contacts=contacts)
    now = local(AUCKLAND, 2026, 1, 15, 7, 0)
    [(log_id, claim)] = digest.claim_due_digests(now)
    with django_assert_max_num_queries(5):
        assert digest.send_digest(log_id, claim, now=now) == 1
    assert mail.outbox[0].subject == f"Today: {rows} follow-up{'s' if rows > 1 else ''}"


@pytest.mark.parametrize("users", [1, 100])
@pytest.mark.django_db
def test_finding_due_users_takes_the_same_queries_whatever_the_number(
    users, django_assert_max_num_queries
):
    for i in range(users):
        zone = [AUCKLAND, LOS_ANGELES, "Asia/Tokyo"][i % 3]
        digest_user(f"user{i}", zone, at=time(23, 59), due=False)
    with django_assert_max_num_queries(3):
        assert digest.claim_due_digests(utc(2026, 1, 15, 12)) == []


@pytest.mark.django_db
def test_claiming_and_reclaiming_take_the_same_queries_for_3_or_30_users():
    now = utc(2026, 1, 15, 12)  # 01:00 in Auckland (16th), 04:00 in LA, 21:00 in Tokyo
    zones = [AUCKLAND, LOS_ANGELES, "Asia/Tokyo"]

    def claims_and_queries(users: list, at: datetime) -> tuple[list, int]:
        with CaptureQueriesContext(connection) as captured:
            claims = digest.claim_due_digests(at)
        return claims, len(captured)

    few = [digest_user(f"few{i}", zones[i % 3], at=time(0, 0)) for i in range(3)]
    claims, few_claiming = claims_and_queries(few, now)
    assert {DigestLog.objects.get(pk=pk).user for pk, _ in claims} == set(few)
    later = now + timedelta(minutes=11)  # every claim unsent and stale by now
    reclaimed, few_reclaiming = claims_and_queries(few, later)
    assert sorted(reclaimed) == sorted((pk, later) for pk, _ in claims)
    DigestLog.objects.all().delete()

    many = few + [digest_user(f"many{i}", zones[i % 3], at=time(0, 0)) for i in range(27)]
    claims, many_claiming = claims_and_queries(many, now)
    assert len(claims) == 30 and DigestLog.objects.count() == 30
    assert digest.claim_due_digests(now) == []  # each claim handed out once
    reclaimed, many_reclaiming = claims_and_queries(many, later)
    assert len(reclaimed) == 30
    assert (few_claiming, few_reclaiming) == (many_claiming, many_reclaiming)


# With the real worker ---------------------------------------------------------------


def daytime_zones(count: int) -> list[str]:
    """Timezones where it is now between 01:00 and 22:00, so a digest time of 00:00
    has passed and local midnight is not about to start a new day mid-test."""
    names = [
        AUCKLAND, "Asia/Tokyo", "Europe/Berlin",
        "America/New_York", LOS_ANGELES, "Pacific/Honolulu",
    ]
    now = timezone.now()
    found = [n for n in names if 1 <= now.astimezone(ZoneInfo(n)).hour < 22]
    assert len(found) >= count
    return found[:count]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_one_digest_per_user_however_often_beat_runs(celery_worker):
    first, second = daytime_zones(2)
    kiri = digest_user("kiri", first, time(0, 0))
    lee = digest_user("lee", second, time(0, 0))
    digest_user("off", first, time(0, 0), digest_enabled=False)

    assert run_task(send_due_digests) == 2
    assert run_task(send_due_digests) == 0  # twice back to back: nothing more claimed
    # FIFO: once this third run returns, the send messages enqueued before it have run.
    assert run_task(send_due_digests) == 0
    wait_for(lambda: len(mail.outbox) >= 2)
    assert sorted(m.to[0] for m in mail.outbox) == [kiri.email, lee.email]
    assert all(m.subject == "Today: 1 follow-up (1 overdue)" for m in mail.outbox)
    logs = DigestLog.objects.order_by("user__username")
    assert [(log.user, log.followup_count) for log in logs] == [(kiri, 1), (lee, 1)]
    assert all(log.sent_at for log in logs)
    assert run_task(send_due_digests) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_recovers_a_claim_whose_message_was_lost(celery_worker):
    [zone] = daytime_zones(1)
    digest_user("kiri", zone, time(0, 0))
    # A beat eleven minutes ago claimed the digest; its message never arrived.
    [(log_id, claim)] = digest.claim_due_digests(timezone.now() - timedelta(minutes=11))

    assert run_task(send_due_digests) == 1
    assert run_task(send_due_digests) == 0
    wait_for(lambda: DigestLog.objects.filter(pk=log_id, sent_at__isnull=False).exists())
    assert len(mail.outbox) == 1
    # The lost message, delivered at last, sends nothing.
    assert run_task(send_digest, log_id, claim.isoformat()) == 0
    assert len(mail.outbox) == 1


# Settings ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_says_where_the_digest_goes(client_logged_in, user):
    url = reverse("accounts:settings")
    assert f"Your morning digest goes to {user.email}." in client_logged_in.get(url).text
    user.email = ""
    user.save()
    assert "no email address, so no morning digest" in client_logged_in.get(url).text
