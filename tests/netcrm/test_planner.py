"""What the query planner is given (netcrm/lib/planner.py): SQLite's statistics, refreshed by
beat, and `Among`."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from contacts.models import Contact
from netcrm.celery import app, sweep_at_start
from netcrm.lib import planner
from netcrm.lib.planner import Among
from netcrm.tasks import refresh_planner_statistics
from portability import backup
from tests.conftest import run_task, wait_for
from tests.factories import bulk_contacts, make_contact, make_organization
from tests.planner_stats import analyzed_tables, forget_statistics, rows_counted

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")
elsewhere = pytest.mark.skipif(connection.vendor == "sqlite", reason="not SQLite")


@on_sqlite
def test_the_worker_gives_sqlite_statistics_of_every_table_holding_rows(
    celery_worker, user
):
    forget_statistics()
    organization = make_organization(user)
    bulk_contacts(user, 50, organizations=[organization])
    assert "contacts_contact" not in analyzed_tables()

    seconds = run_task(refresh_planner_statistics)

    assert isinstance(seconds, float) and seconds >= 0
    tables = analyzed_tables()
    assert {"contacts_contact", "contacts_organization", "auth_user"} <= tables
    assert "meetings_meeting" not in tables  # empty: no statistics, as before
    assert rows_counted() == "50"  # 50 rows, all of one user


@on_sqlite
def test_refreshing_again_follows_the_data(db, user):
    organization = make_organization(user)
    bulk_contacts(user, 10, organizations=[organization])
    planner.refresh()
    bulk_contacts(user, 90, prefix="Other", organizations=[organization])
    assert rows_counted() == "10"
    planner.refresh()
    assert rows_counted() == "100"


@elsewhere
def test_postgresql_gathers_its_own(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert planner.refresh() is None
        assert refresh_planner_statistics() is None


def test_beat_refreshes_them_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-planner-statistics"]
    assert entry == {"task": "netcrm.tasks.refresh_planner_statistics", "schedule": 3600.0}


def test_every_task_beat_sends_is_one_the_worker_knows():
    app.loader.import_default_modules()  # what a worker does at start (autodiscover)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_beat_sends_the_sweep_and_the_statistics_as_it_starts():
    sent = []

    class Beat:  # what beat_init's sender offers: its app
        class app:  # noqa: N801
            send_task = staticmethod(sent.append)

    sweep_at_start(sender=Beat)
    assert sent == ["followups.tasks.sweep_followups", "netcrm.tasks.refresh_planner_statistics"]
    assert all(name in app.tasks for name in sent)


@on_sqlite
def test_a_restored_backup_gets_statistics_at_once(celery_worker, client, user, other_user):
    forget_statistics()
    for name in ("Sara Smith", "John Public"):
        make_contact(other_user, name)
    client.force_login(user)
    dump = backup.backup_json(other_user).encode()
    response = client.post(
        reverse("portability:restore"), {"backup": SimpleUploadedFile("b.json", dump)}
    )
    assert response.status_code == 302
    assert wait_for(lambda: rows_counted() == "4")  # both accounts' two contacts


def test_among_selects_the_rows_in_would_with_the_ids_read_first_on_postgresql(db, user):
    people = bulk_contacts(user, 8)
    others = bulk_contacts(user, 3, prefix="Other")
    some = Contact.objects.filter(name__in=["Person 001", "Person 004"]).values("pk")  # ordered
    also = Contact.objects.filter(name__startswith="Other").values("pk")
    unioned = some.order_by().union(also.order_by(), all=True)

    chosen = Contact.objects.filter(Among("pk", some))
    assert set(chosen) == {people[1], people[4]} == set(Contact.objects.filter(pk__in=some))
    assert set(Contact.objects.filter(Among("pk", unioned))) == {people[1], people[4], *others}
    assert set(Contact.objects.exclude(Among("pk", unioned))) == set(people) - {people[1], people[4]}
    sql = str(chosen.query)
    assert ("= ANY(ARRAY(SELECT" in sql) == (connection.vendor == "postgresql"), sql
    assert "ORDER BY" not in str(chosen.order_by().query)  # the ids in any order
