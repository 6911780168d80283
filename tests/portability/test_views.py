"""The Your data page, restoring from an upload, and leaving."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from taggit.models import TaggedItem

from contacts.models import Contact
from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME
from portability import backup, departures, restores
from portability.models import CalendarFeed, Restore, RestoreStatus
from tests.conftest import make_user
from tests.factories import make_contact, make_followup, make_meeting

pytestmark = pytest.mark.django_db

DATA = reverse("portability:data")
RESTORE = reverse("portability:restore")
LEAVE = reverse("portability:leave")


def upload(content: bytes | str, name: str = "backup.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def test_settings_links_to_your_data(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{DATA}"' in page


def test_the_data_page(client, user, other_user, django_assert_max_num_queries):
    assert client.get(DATA).status_code == 302
    make_contact(user, "Sara Smith")
    make_contact(other_user, "Mallory's friend")
    client.force_login(user)
    with django_assert_max_num_queries(40):
        response = client.get(DATA)
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for name in ("export-csv", "export-vcard", "export-backup"):
        assert reverse(f"portability:{name}") in page
    assert "1 contact" in page and "Mallory" not in page
    assert "Turn on the calendar feed" in page
    assert RESTORE not in page  # not empty: no restore form
    assert "sign up for a new account" in page
    assert reverse("portability:leave") in page
    assert client.post(DATA).status_code == 405


def test_an_empty_account_is_offered_the_restore_form(client, user):
    client.force_login(user)
    page = client.get(DATA).content.decode()
    assert f'action="{RESTORE}"' in page and 'type="file"' in page


def send(client, content, capture, **data) -> tuple:
    """POST a backup to the restore page: (the response, the Restore it made or None),
    the worker's message captured, not sent."""
    with capture() as callbacks:
        response = client.post(RESTORE, {"backup": upload(content), **data})
    made = Restore.objects.order_by("-pk").first()
    assert len(callbacks) == (1 if response.status_code == 302 else 0)
    return response, made


def test_restore_from_an_upload(client, user, other_user, django_capture_on_commit_callbacks):
    sara = make_contact(other_user, "Sara Smith", organization="Acme", tags=["data"])
    make_meeting(other_user, [sara], purpose="hiring")
    dump = backup.backup_json(other_user)
    client.force_login(user)
    response, made = send(client, dump, django_capture_on_commit_callbacks)
    # The page follows the worker: nothing restored in the request.
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.user == user and made.status == RestoreStatus.QUEUED
    assert made.size == len(dump.encode())
    assert not Contact.objects.for_user(user).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker to start" in page and 'hx-trigger="every 2s"' in page
    data_page = client.get(DATA).content.decode()
    assert made.get_absolute_url() in data_page and 'type="file"' not in data_page

    assert restores.run(made.pk) is True
    made.refresh_from_db()
    assert made.status == RestoreStatus.DONE and made.payload == b"" and made.finished_at
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Restored 1 organization, 1 contact, 1 meeting" in page
    assert 'hx-trigger' not in page  # done: the page stops asking
    restored = Contact.objects.for_user(user).get()
    assert restored.pk != sara.pk and list(restored.tags.names()) == ["data"]
    assert restored.meetings.get().user == user
    # The other account is untouched.
    assert Contact.objects.for_user(other_user).get() == sara
    # The message delivered again restores nothing more.
    assert restores.run(made.pk) is False
    assert Contact.objects.for_user(user).count() == 1


def test_the_progress_fragment_htmx_asks_for(
    client, user, other_user, django_capture_on_commit_callbacks
):
    make_contact(other_user, "Sara Smith")
    client.force_login(user)
    _, made = send(client, backup.backup_json(other_user), django_capture_on_commit_callbacks)
    Restore.objects.filter(pk=made.pk).update(status=RestoreStatus.RUNNING)
    fragment = client.get(made.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<article id="restore-status"')
    assert "Restoring your backup" in fragment and 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment


@pytest.mark.parametrize("content, reason", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text"),
    (b"name,email\nSara,sara@example.com\n", "not valid JSON"),
    # JSON, but not an object: no backup, and no claim that the JSON is broken.
    (b"[1, 2, 3]", "“Download a full backup” gives"),
    (b'  "a backup"', "“Download a full backup” gives"),
    (b"null", "“Download a full backup” gives"),
    (b"nonsense", "not valid JSON"),
])
def test_what_the_page_can_tell_is_a_422_with_the_reason(client, user, content, reason,
                                                        django_capture_on_commit_callbacks):
    client.force_login(user)
    response, made = send(client, content, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert made is None and backup.is_empty(user)


@pytest.mark.parametrize("content, reason", [
    (b"{}", "not a netcrm backup"),
    (b'{"format": "netcrm-backup"' + b"x" * 5000, "not valid JSON"),
    (b'{"format": "netcrm-backup", "version": 2, "data": {}}', "version 2"),
    (b'{"format": "netcrm-backup", "version": 1, "data": {"contacts.contact": [{"pk": 1, '
     b'"fields": {"name": "' + b"x" * 300 + b'"}}]}}', "longer than"),
])
def test_what_the_worker_finds_wrong_is_said_on_the_restore_page(
    client, user, content, reason, django_capture_on_commit_callbacks
):
    client.force_login(user)
    response, made = send(client, content, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert restores.run(made.pk) is False
    made.refresh_from_db()
    assert made.status == RestoreStatus.FAILED and reason in made.error and made.payload == b""
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Nothing was restored." in page and reason in page
    # Still empty: the form again, to choose the file again or another.
    assert f'action="{RESTORE}"' in page and 'type="file"' in page
    assert backup.is_empty(user) and not Contact.objects.for_user(user).exists()


@pytest.mark.parametrize("name", ["a\x00b.json", "x" * 100_000 + ".json"])
def test_an_odd_file_name_is_kept_in_its_column(client, user, name,
                                                django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks():
        response = client.post(RESTORE, {"backup": SimpleUploadedFile(name, b'{"a": "\x00"}')})
    made = Restore.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert "\x00" not in made.filename and 0 < len(made.filename) <= 200
    assert restores.run(made.pk) is False  # a NUL in the JSON: not a backup, said so
    made.refresh_from_db()
    assert made.status == RestoreStatus.FAILED and "not a netcrm backup" in made.error


def test_a_file_cut_in_the_middle_of_a_character_at_the_head_is_still_text(user):
    head = ('{"format": "netcrm-backup", "name": "' + "é" * 3000).encode()
    restores.check_head(head)  # the 4,096th byte falls inside an "é": no complaint
    with pytest.raises(backup.BackupError, match="not a text"):
        restores.check_head(b"{" + b"\xff" * 100)


def test_an_empty_file_is_a_422(client, user):
    client.force_login(user)
    response = client.post(RESTORE, {"backup": upload(b"")})
    assert response.status_code == 422
    assert "The submitted file is empty: it is no netcrm backup" in response.content.decode()


def test_no_file_is_a_422(client, user):
    client.force_login(user)
    response = client.post(RESTORE, {"backup": "not a file"})
    assert response.status_code == 422
    assert "Choose the backup file to restore" in response.content.decode()


def test_too_large_a_file_is_a_422(client, user, settings):
    settings.RESTORE_MAX_MB = 0
    client.force_login(user)
    response = client.post(RESTORE, {"backup": upload("{}")})
    assert response.status_code == 422 and "larger than 0 MB" in response.content.decode()
    assert not Restore.objects.exists()


def test_a_second_tap_on_restore_restores_nothing_more_and_answers_the_same(
    client, user, other_user, django_capture_on_commit_callbacks
):
    """Without its key the second POST (the upload takes a while: a second tap comes
    easily) would have started a second restore."""
    make_contact(other_user, "Sara Smith")
    dump = backup.backup_json(other_user)
    client.force_login(user)
    page = client.get(DATA).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page).group(1)
    first, made = send(client, dump, django_capture_on_commit_callbacks, submission_key=key)
    with django_capture_on_commit_callbacks() as callbacks:
        second = client.post(RESTORE, {"backup": upload(dump), "submission_key": key})
    assert first.status_code == second.status_code == 302 and not callbacks
    assert first["Location"] == second["Location"] == made.get_absolute_url()
    assert Restore.objects.count() == 1
    assert restores.run(made.pk) is True
    assert list(Contact.objects.for_user(user).values_list("name", flat=True)) == ["Sara Smith"]
    followed = client.get(second["Location"]).content.decode()
    assert "Restored 1 contact" in followed and "has data of its own" not in followed


def test_a_restore_under_way_is_not_started_twice(client, user, other_user,
                                                  django_capture_on_commit_callbacks):
    make_contact(other_user, "Sara Smith")
    dump = backup.backup_json(other_user)
    client.force_login(user)
    _, made = send(client, dump, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks() as callbacks:  # another tab, no key
        again = client.post(RESTORE, {"backup": upload(dump)})
    assert again.status_code == 302 and again["Location"] == made.get_absolute_url()
    assert not callbacks
    assert Restore.objects.count() == 1


def test_restore_into_an_account_with_data_is_a_422(client, user, other_user):
    make_contact(other_user, "Sara Smith")
    make_contact(user, "Mine already")
    client.force_login(user)
    response = client.post(RESTORE, {"backup": upload(backup.backup_json(other_user))})
    assert response.status_code == 422
    assert "has data of its own" in response.content.decode()
    assert list(Contact.objects.for_user(user).values_list("name", flat=True)) == ["Mine already"]
    assert not Restore.objects.exists()


def test_data_added_while_the_restore_waited_is_kept_and_nothing_restored(
    client, user, other_user, django_capture_on_commit_callbacks
):
    make_contact(other_user, "Sara Smith")
    client.force_login(user)
    _, made = send(client, backup.backup_json(other_user), django_capture_on_commit_callbacks)
    make_contact(user, "Added meanwhile")
    assert restores.run(made.pk) is False
    made.refresh_from_db()
    assert made.status == RestoreStatus.FAILED and "has data of its own" in made.error
    names = list(Contact.objects.for_user(user).values_list("name", flat=True))
    assert names == ["Added meanwhile"]
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Back to your data" in page and 'type="file"' not in page


def test_a_restore_that_breaks_writes_nothing_and_says_so(
    client, user, other_user, monkeypatch, django_capture_on_commit_callbacks
):
    """A fault injected halfway (after the first rows went in): the transaction takes
    them back, the page says what happened, and the error goes on to the log."""
    make_contact(other_user, "Sara Smith")
    make_meeting(other_user, [make_contact(other_user, "John Public")])
    client.force_login(user)
    _, made = send(client, backup.backup_json(other_user), django_capture_on_commit_callbacks)
    real_flush = backup._Restorer.flush
    seen_before_the_fault = []

    def breaking(self, *args, **kwargs):
        real_flush(self, *args, **kwargs)
        if Contact.objects.for_user(user).exists():
            seen_before_the_fault.append(True)
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(backup._Restorer, "flush", breaking)
    with pytest.raises(RuntimeError):
        restores.run(made.pk)
    made.refresh_from_db()
    assert made.status == RestoreStatus.FAILED and made.error == restores.BROKE
    assert seen_before_the_fault and backup.is_empty(user)
    page = client.get(made.get_absolute_url()).content.decode()
    assert "went wrong on the server" in page


def test_a_restore_stopped_for_taking_too_long_says_so(
    client, user, other_user, monkeypatch, django_capture_on_commit_callbacks
):
    make_contact(other_user, "Sara Smith")
    client.force_login(user)
    _, made = send(client, backup.backup_json(other_user), django_capture_on_commit_callbacks)

    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(backup._Restorer, "run", too_long)
    assert restores.run(made.pk) is False
    made.refresh_from_db()
    assert made.status == RestoreStatus.FAILED and "longer than the server allows" in made.error
    assert backup.is_empty(user)


def test_the_restore_page_is_its_owners_alone(client, user, other_user,
                                             django_capture_on_commit_callbacks):
    make_contact(other_user, "Sara Smith")
    client.force_login(user)
    _, made = send(client, backup.backup_json(other_user), django_capture_on_commit_callbacks)
    client.force_login(other_user)
    assert client.get(made.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(made.get_absolute_url()).status_code == 302


def test_restore_needs_login_and_post(client, user):
    assert client.post(RESTORE).status_code == 302
    client.force_login(user)
    assert client.get(RESTORE).status_code == 405


# --- Leaving ---------------------------------------------------------------------------


def owned_rows(user) -> dict[str, int]:
    """Every row of every model that holds a user's data, by model (LEFT_OUT ones too)."""
    counts = {}
    parents = {}
    for model in backup.all_owned_models():
        rows = backup.owned_rows(model, user, parents)
        parents[model] = rows
        counts[model._meta.label_lower] = rows.count()
    return counts


def test_the_leaving_page_offers_the_backup_first(client, user):
    make_contact(user, "Sara Smith")
    assert client.get(LEAVE).status_code == 302
    client.force_login(user)
    page = client.get(LEAVE).content.decode()
    backup_link = page.index(reverse("portability:export-backup"))
    password = page.index('name="password"')
    assert backup_link < password
    assert "1 contact" in page
    assert client.put(LEAVE).status_code == 405


def test_a_wrong_password_deletes_nothing(client, user):
    make_contact(user, "Sara Smith")
    client.force_login(user)
    response = client.post(LEAVE, {"password": "wrong"})
    assert response.status_code == 422
    assert "That is not your password" in response.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert client.post(LEAVE, {}).status_code == 422


def test_leaving_deletes_every_owned_row_and_nothing_else(django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=StringIO())
    demo = get_user_model().objects.get(username=DEMO_USERNAME)
    token = CalendarFeed.issue(demo)
    other = make_user("staying")
    sara = make_contact(other, "Sara Smith", tags=["data"])
    make_meeting(other, [sara])
    make_followup(other, contact=sara)
    backup.restore_backup(make_user("copy"), backup.backup_json(demo))
    copy = get_user_model().objects.get(username="copy")
    before_other = owned_rows(other)
    before_copy = owned_rows(copy)
    demo_rows = owned_rows(demo)
    assert sum(demo_rows.values()) > 100
    demo_contacts = list(Contact.objects.for_user(demo).values_list("pk", flat=True))

    from django.test import Client

    client = Client()
    client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    elsewhere = Client()  # the same account signed in on another device
    elsewhere.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(LEAVE, {"password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portability:goodbye")
    assert len(callbacks) == 1  # the worker is asked to delete it
    goodbye = client.get(response["Location"])
    assert "Your account is deleted" in goodbye.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(DATA).status_code == 302  # logged out
    # Closed at once, before the worker has deleted anything: signed out everywhere,
    # no signing in again, no calendar feed.
    assert elsewhere.get(DATA).status_code == 302
    assert not Client().login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    assert CalendarFeed.objects.by_token(token) is None
    still = owned_rows(demo)
    assert still.pop("portability.departure") == 1  # and the record that it is leaving
    assert still == {label: n for label, n in demo_rows.items() if label != "portability.departure"}

    assert departures.run(demo.pk) is True
    assert departures.run(demo.pk) is False  # the message delivered again: nothing more
    assert not get_user_model().objects.filter(username=DEMO_USERNAME).exists()
    assert all(
        count == 0 for count in owned_rows_by_id(demo.pk).values()
    ), owned_rows_by_id(demo.pk)
    assert not TaggedItem.objects.filter(
        content_type__model="contact", object_id__in=demo_contacts
    ).exists()
    assert owned_rows(other) == before_other
    assert owned_rows(copy) == before_copy
    assert list(sara.tags.names()) == ["data"]


def owned_rows_by_id(user_id: int) -> dict[str, int]:
    """Rows left that point at a deleted user's id, model by model."""
    found = {}
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is get_user_model():
                found[f"{model._meta.label_lower}.{f.name}"] = model._base_manager.filter(
                    **{f.attname: user_id}
                ).count()
    return found


def test_goodbye_needs_no_login(client):
    assert client.get(reverse("portability:goodbye")).status_code == 200
    assert client.post(reverse("portability:goodbye")).status_code == 405


def test_the_backup_file_name_and_json(client, user):
    client.force_login(user)
    response = client.get(reverse("portability:export-backup"))
    assert response.streaming  # sent as it is made, a few thousand rows at a time
    assert json.loads(b"".join(response.streaming_content))["format"] == "netcrm-backup"
