"""Generations (netcrm/lib/generations.py): every write to a watched table, however
it is made, changes the token of the user it is made for, or the global one; reads
and other tables change nothing."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import connection, transaction
from django.urls import reverse

from contacts.models import Contact
from followups.models import FollowUp, Heartbeat, Status
from home.views import PANEL
from netcrm.lib import generations
from tests.factories import make_contact, make_followup, make_meeting

pytestmark = pytest.mark.django_db


def tokens(user) -> tuple[str, str]:
    found = generations.current(user.pk)
    assert found is not None
    return found


def test_a_users_own_write_changes_their_token_only(client_logged_in, user, other_user):
    followup = make_followup(user)
    mine, others, everyone = tokens(user)[0], tokens(other_user)[0], tokens(user)[1]
    response = client_logged_in.post(reverse("followups:mark-done", args=[followup.pk]))
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=followup.pk).status == Status.DONE
    assert tokens(user)[0] != mine
    assert tokens(other_user)[0] == others
    assert tokens(user)[1] == everyone


WRITES = {
    "save": lambda user, c, f: FollowUp.objects.filter(pk=f.pk).first().save(),
    "queryset update": lambda user, c, f: FollowUp.objects.filter(user=user).update(title="X"),
    "bulk create": lambda user, c, f: FollowUp.objects.bulk_create(
        [FollowUp(user=user, kind="custom", title="Y", due_at=f.due_at)]),
    "delete with cascade": lambda user, c, f: Contact.objects.filter(pk=c.pk).delete(),
    "many-to-many add": lambda user, c, f: make_meeting(user).contacts.add(c),
    "raw SQL": lambda user, c, f: connection.cursor().execute(
        f"UPDATE {FollowUp._meta.db_table} SET status = %s WHERE id = %s", [Status.DONE, f.pk]),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_kind_of_write_outside_a_request_changes_the_global_token(user, write):
    contact = make_contact(user)
    followup = make_followup(user, contact=contact)
    before = tokens(user)
    WRITES[write](user, contact, followup)
    assert tokens(user)[1] != before[1]


def test_a_write_acting_for_a_user_changes_that_users_token(user, other_user):
    before, others = tokens(user), tokens(other_user)
    with generations.acting_for(user.pk):
        make_followup(user)
    assert tokens(user)[0] != before[0]
    assert tokens(user)[1] == before[1]
    assert tokens(other_user) == others


def test_reads_locks_and_other_tables_change_nothing(user):
    followup = make_followup(user)
    before = tokens(user)
    list(FollowUp.objects.filter(user=user))
    with transaction.atomic():
        FollowUp.objects.select_for_update().filter(pk=followup.pk).first()
    Heartbeat.beat("sweep")  # written every minute: not what a page shows
    SessionStore().save()  # nor are sessions
    assert tokens(user) == before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_changes_it_again_when_it_commits(user):
    with transaction.atomic():
        make_followup(user)
        make_followup(user)
        during = tokens(user)[1]
        ours = [f for _, f, _ in connection.run_on_commit if hasattr(f, "generation_scopes")]
        assert len(ours) == 1  # one callback a transaction, however many statements
    after = tokens(user)[1]
    assert after != during  # a page rendered before the commit is not kept under it


def test_a_part_changes_with_its_own_tables_and_the_whole_with_every_table(user):
    # The dashboard's panel (meetings, contacts, referrals, the goal, the profile) has
    # a generation of its own: a follow-up written changes the whole's alone.
    contact = make_contact(user)
    followup = make_followup(user, contact=contact)
    whole, panel = tokens(user), generations.current(user.pk, PANEL)
    with generations.acting_for(user.pk):
        FollowUp.objects.filter(pk=followup.pk).update(title="Call Sara")
    assert tokens(user)[0] != whole[0]
    assert generations.current(user.pk, PANEL) == panel
    whole = tokens(user)
    with generations.acting_for(user.pk):
        make_meeting(user, [contact])
    assert tokens(user)[0] != whole[0]
    assert generations.current(user.pk, PANEL)[0] != panel[0]
    assert generations.current(user.pk, PANEL)[1] == panel[1]  # the global part: no
    Contact.objects.filter(pk=contact.pk).update(name="Sara Jones")  # as the worker
    assert generations.current(user.pk, PANEL)[1] != panel[1]


@pytest.mark.django_db(transaction=True)
def test_a_part_changes_again_when_the_transaction_commits(user):
    with transaction.atomic(), generations.acting_for(user.pk):
        make_contact(user)
        during = generations.current(user.pk, PANEL)[0]
    assert generations.current(user.pk, PANEL)[0] != during


def test_lost_tokens_are_made_afresh(user):
    before = tokens(user)
    caches["generations"].clear()  # Redis restarted: it keeps nothing on disk
    after = tokens(user)
    assert after[0] != before[0] and after[1] != before[1]


@pytest.fixture
def redis_down(settings, tmp_path):
    settings.CACHES = settings.CACHES | {
        "generations": settings.CACHES["generations"]
        | {"LOCATION": f"unix://{tmp_path}/nobody-listens.sock"}
    }


def test_without_redis_writes_stand_and_there_are_no_tokens(user, redis_down,
                                                            caplog):
    followup = make_followup(user, title="Saved anyway")
    assert FollowUp.objects.get(pk=followup.pk).title == "Saved anyway"
    assert "Redis cannot be reached (changing all's generation" in caplog.text
    assert generations.current(user.pk) is None


def test_after_a_failure_redis_is_left_alone_for_a_while(user, redis_down,
                                                        settings, redis_url, caplog):
    assert generations.current(user.pk) is None
    settings.CACHES = settings.CACHES | {  # Redis is back at once
        "generations": settings.CACHES["generations"] | {"LOCATION": redis_url}
    }
    make_followup(user)
    assert generations.current(user.pk) is None  # not tried again within BACK_OFF
    assert caplog.text.count("Redis cannot be reached") == 1
    generations._down_until = 0.0  # BACK_OFF later
    assert generations.current(user.pk) is not None


def test_a_recursive_read_is_a_read_and_a_recursive_write_a_write(user):
    contact = make_contact(user)
    followup = make_followup(user, contact=contact)
    before = tokens(user)
    table = FollowUp._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"WITH chosen AS (SELECT id FROM {table} WHERE user_id = %s) "
                       f"SELECT count(*) FROM chosen", [user.pk])
    assert tokens(user) == before
    with connection.cursor() as cursor:
        cursor.execute(f"WITH chosen AS (SELECT id FROM {table} WHERE user_id = %s) "
                       f"UPDATE {table} SET title = 'Z' WHERE id IN (SELECT id FROM chosen)",
                       [user.pk])
    assert FollowUp.objects.get(pk=followup.pk).title == "Z"
    assert tokens(user)[1] != before[1]


def test_kept_in_process_until_the_generation_changes_or_it_no_longer_holds(user, other_user):
    made = []

    def compute():
        made.append(len(made))
        return {"n": len(made)}

    def kept(holds=None):
        return generations.kept_in_process(user.pk, PANEL, "test-kept", compute, holds)

    assert kept() == kept() == {"n": 1}
    generations.bump(other_user.pk, f"{other_user.pk}:{PANEL}")  # someone else's write
    assert kept() == {"n": 1}
    generations.bump(f"{user.pk}:{PANEL}")
    assert kept() == {"n": 2}
    assert kept(holds=lambda answer: answer["n"] > 2) == {"n": 3}  # no longer holds
    assert kept(holds=lambda answer: answer["n"] > 2) == {"n": 3}
    generations._down_until = float("inf")  # Redis cannot be reached: afresh every time
    try:
        assert kept() == {"n": 4} and kept() == {"n": 5}
    finally:
        generations._down_until = 0.0
