"""How the app connects to its database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_settings(url: str, **more_env: str) -> str:
    """The default database's settings for this DATABASE_URL (and environment), as
    printed by a fresh process."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}))"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "netcrm.settings",
           **more_env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    ).stdout


def test_postgresql_connections_turn_jit_off_and_cost_index_reads_as_on_an_ssd():
    given = database_settings("postgres://someone@db.example:5432/netcrm")
    assert "-c jit=off" in given and "-c random_page_cost=1.1" in given
    # Options the URL gives are kept.
    given = database_settings(
        "postgres://someone@db.example:5432/netcrm?options=-c%20statement_timeout%3D5000"
    )
    assert "statement_timeout=5000" in given and "-c jit=off" in given


def test_sqlite_has_no_postgresql_options():
    assert "jit" not in database_settings("sqlite:////tmp/netcrm-settings-test.sqlite3")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own settings")
def test_sqlite_connections_write_ahead_and_read_through_a_memory_map(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA mmap_size")
        assert cursor.fetchone()[0] == 256 * 1024 * 1024


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
def test_the_apps_connection_has_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_postgresql_prepares_statements_unless_told_not_to():
    given = database_settings("postgres://someone@db.example:5432/netcrm")
    assert "'server_side_binding': True" in given and "'prepare_threshold': 2" in given
    assert "-c plan_cache_mode=force_custom_plan" in given
    off = database_settings("postgres://someone@db.example:5432/netcrm", DB_PREPARE_AFTER="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    assert "plan_cache_mode" not in off and "-c jit=off" in off


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_a_query_run_twice_is_prepared_and_planned_for_its_own_values(user):
    from contacts.models import Contact

    for _ in range(3):
        list(Contact.objects.filter(user=user, name__startswith="A"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "contacts_contact"%'],
        )
        assert cursor.fetchone()[0] >= 1
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"


def psycopg_connection():
    """A connection of its own to the suite's database, in autocommit."""
    import psycopg

    given = connection.settings_dict
    return psycopg.connect(
        dbname=given["NAME"], user=given["USER"], password=given["PASSWORD"],
        host=given["HOST"], port=given["PORT"] or None, autocommit=True,
    )


def on_a_kept_postgresql_connection(test):
    """A PostgreSQL test of the app's own connection, kept between requests (committed
    data: no transaction of the test's around it)."""
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's")(test)


def ran(sql: str) -> int:
    """Runs `sql` on the app's connection; the pid of the backend that ran it."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
    return connection.connection.info.backend_pid


def backend_query(pid: int) -> str:
    """What PostgreSQL says the backend `pid` ran last."""
    with psycopg_connection() as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
        return row[0] if row else ""


@on_a_kept_postgresql_connection
def test_the_health_check_of_a_kept_connection_sends_nothing():
    pid = ran("SELECT 42 AS the_last_query")
    assert connection.is_usable()
    assert "the_last_query" in backend_query(pid)  # no SELECT 1 went after it


@on_a_kept_postgresql_connection
def test_the_health_check_takes_a_socket_numbered_past_1024():
    """select() cannot take a file descriptor from 1024 up; a process with many files
    open (the suite's, once) gets its connection's socket numbered there."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip("this machine allows fewer than 1,100 open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1100), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1030)]
    try:
        connection.close()
        ran("SELECT 1")
        assert connection.connection.fileno() >= 1024
        assert connection.is_usable()
    finally:
        connection.close()
        for fd in filler:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@on_a_kept_postgresql_connection
def test_a_connection_the_server_ended_is_replaced_before_the_next_request_uses_it():
    from tests.conftest import wait_for

    pid = ran("SELECT 1")
    with psycopg_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_for(lambda: not connection.is_usable())
    connection.close_if_unusable_or_obsolete()  # what Django does as a request starts
    with connection.cursor() as cursor:  # the health check opens a new connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
