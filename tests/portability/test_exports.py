"""Contacts out: CSV safe in a spreadsheet, vCard 4.0 that parses back; the commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone as dt_timezone

import pytest
import vobject
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Profile
from contacts.models import Contact
from portability import backup, exports
from tests.factories import make_contact

pytestmark = pytest.mark.django_db

ODD = ('Smith, Sara; "the boss"\nsecond line ' + "é" * 200)[:200]


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_csv_has_every_column_and_the_users_contacts_only(user, other_user):
    Profile.objects.filter(user=user).update(timezone="Asia/Kathmandu")
    make_contact(
        user, "Sara Smith", organization="Acme", title="Head of Data", email="sara@example.com",
        phone="555 0100", tags=["data", "friend"], source="event", keep_in_touch_days=30,
        links="linkedin.com/in/sara\nhttps://sara.example.com", notes="Met at PyCon",
        last_interaction_at=datetime(2026, 3, 1, 12, 0, tzinfo=dt_timezone.utc),
    )
    make_contact(other_user, "Mallory's friend")
    (row,) = read_csv(exports.contacts_csv(user))
    assert row == {
        "Name": "Sara Smith", "Organization": "Acme", "Title": "Head of Data",
        "Email": "sara@example.com", "Phone": "555 0100", "Tags": "data, friend",
        "How you met": "Event", "Last interaction": "2026-03-01 17:45",
        "Keep in touch every (days)": "30",
        "Links": "linkedin.com/in/sara\nhttps://sara.example.com", "Notes": "Met at PyCon",
    }


@pytest.mark.parametrize("dangerous", [
    "=HYPERLINK(\"http://evil\")", "+1 555 0100", "-2+3", "@SUM(A1)", "\tcmd", "\r=1",
])
def test_csv_cells_that_start_like_a_formula_are_kept_as_text(user, dangerous):
    make_contact(user, dangerous, title=dangerous, notes=dangerous, phone=dangerous[:40])
    (row,) = read_csv(exports.contacts_csv(user))
    for column in ("Name", "Title", "Notes", "Phone"):
        assert row[column].startswith("'"), column
        assert row[column][1:] == (dangerous[:40] if column == "Phone" else dangerous)


def test_csv_leaves_harmless_cells_alone(user):
    make_contact(user, "Ann O'Neil", title="a=b", notes="5 + 3")
    (row,) = read_csv(exports.contacts_csv(user))
    assert (row["Name"], row["Title"], row["Notes"]) == ("Ann O'Neil", "a=b", "5 + 3")


def test_safe_cell():
    assert exports.safe_cell("=1") == "'=1"
    assert exports.safe_cell(None) == ""
    assert exports.safe_cell(30) == "30"
    assert exports.safe_cell("Sara") == "Sara"


def test_vcard_parses_back_with_every_field(user, other_user):
    sara = make_contact(
        user, ODD, organization="Acme, Inc.; Labs", title="Head of Data",
        email="sara@example.com", phone="+1 555 0100", tags=["data", "old, friend"],
        links="linkedin.com/in/sara\nhttps://sara.example.com\nmailto:sara@example.com\njavascript:alert(1)"
              "\nmailto:sara@work.example\ntel:+15550102",
        notes="Line one\nLine two; with, punctuation",
    )
    bare = make_contact(user, "Cher")
    make_contact(other_user, "Mallory's friend")
    text = exports.contacts_vcard(user)
    assert "Mallory" not in text
    cards = {card.uid.value: card for card in vobject.readComponents(text)}
    assert set(cards) == {f"netcrm-contact-{sara.pk}", f"netcrm-contact-{bare.pk}"}
    card = cards[f"netcrm-contact-{sara.pk}"]
    assert card.version.value == "4.0"
    assert card.fn.value == ODD
    assert card.n.value.family == ODD.split()[-1]
    assert card.org.value == ["Acme, Inc.; Labs"]
    assert card.title.value == "Head of Data"
    # The first address and number, then the others a phone's card gave (kept as
    # mailto: and tel: links), each once.
    assert [e.value for e in card.contents["email"]] == ["sara@example.com", "sara@work.example"]
    assert [t.value for t in card.contents["tel"]] == ["+1 555 0100", "+15550102"]
    assert sorted(u.value for u in card.contents["url"]) == [
        "https://linkedin.com/in/sara", "https://sara.example.com",
    ]
    assert sorted(card.categories.value) == ["data", "old, friend"]
    assert card.note.value == "Line one\nLine two; with, punctuation"
    assert card.rev.value == sara.updated_at.astimezone(dt_timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    cher = cards[f"netcrm-contact-{bare.pk}"]
    assert cher.fn.value == "Cher" and cher.n.value.given == "Cher" and cher.n.value.family == ""
    assert "email" not in cher.contents and "org" not in cher.contents


def test_vcard_uid_is_stable_across_exports(user):
    sara = make_contact(user, "Sara Smith")
    first = exports.contacts_vcard(user)
    Contact.objects.filter(pk=sara.pk).update(title="New title")
    second = exports.contacts_vcard(user)
    assert vobject.readOne(first).uid.value == vobject.readOne(second).uid.value


# --- The commands ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "vcf"])
def test_export_data_writes_each_format(user, tmp_path, fmt):
    make_contact(user, "Sara Smith", tags=["data"])
    target = tmp_path / f"out.{fmt}"
    call_command("export_data", "--user", user.username, "--format", fmt, "-o", str(target),
                 stderr=io.StringIO())
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["data"]["contacts.contact"][0]["fields"]["name"] == "Sara Smith"
    elif fmt == "csv":
        assert read_csv(text)[0]["Name"] == "Sara Smith"
        assert "\r\n" in target.read_bytes().decode("utf-8")
    else:
        assert vobject.readOne(text).fn.value == "Sara Smith"


def test_export_data_to_standard_output(user):
    make_contact(user, "Sara Smith")
    out = io.StringIO()
    call_command("export_data", "--user", user.username, stdout=out)
    assert json.loads(out.getvalue())["format"] == "netcrm-backup"


def test_export_data_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("export_data", "--user", "nobody")


def test_restore_data_round_trip_through_files(user, other_user, tmp_path):
    make_contact(other_user, "Sara Smith", organization="Acme", tags=["data"])
    target = tmp_path / "backup.json"
    call_command("export_data", "--user", other_user.username, "-o", str(target), stderr=io.StringIO())
    out = io.StringIO()
    call_command("restore_data", "--user", user.username, str(target), stdout=out)
    said = out.getvalue()
    assert said.startswith("Restored ") and "1 organization" in said and "1 contact" in said
    sara = Contact.objects.for_user(user).get()
    assert sara.organization.user == user and list(sara.tags.names()) == ["data"]


def test_restore_data_says_why_not(user, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(CommandError, match="not a netcrm backup"):
        call_command("restore_data", "--user", user.username, str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore_data", "--user", user.username, str(tmp_path / "missing.json"))
    make_contact(user, "Here already")
    good = tmp_path / "good.json"
    good.write_text(backup.backup_json(user))
    with pytest.raises(CommandError, match="empty account"):
        call_command("restore_data", "--user", user.username, str(good))


# --- Downloads -------------------------------------------------------------------------


@pytest.mark.parametrize("name, content_type", [
    ("portability:export-csv", "text/csv"),
    ("portability:export-vcard", "text/vcard"),
    ("portability:export-backup", "application/json"),
])
def test_downloads(client, user, other_user, name, content_type, django_assert_max_num_queries):
    make_contact(user, "Sara Smith", tags=["data"], organization="Acme")
    make_contact(other_user, "Mallory's friend")
    url = reverse(name)
    assert client.get(url).status_code == 302  # login required
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith('attachment; filename="netcrm-alice-')
    assert "no-store" in response["Cache-Control"]
    assert response.streaming  # sent as it is made: a big network's file starts at once
    body = b"".join(response).decode("utf-8")
    assert "Sara Smith" in body and "Mallory" not in body
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("name", ["portability:export-csv", "portability:export-vcard"])
def test_contact_downloads_make_a_fixed_number_of_queries(client, user, name, django_assert_max_num_queries):
    client.force_login(user)
    for i in range(30):
        make_contact(user, f"Person {i}", tags=["a", "b"], organization=f"Org {i % 3}")
    with django_assert_max_num_queries(10):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b"".join(response).count(b"Person ") >= 30  # made (and counted) as it is sent


@pytest.mark.parametrize("text, whole", [
    (exports.csv_text, exports.contacts_csv), (exports.vcard_text, exports.contacts_vcard),
])
def test_a_big_network_is_sent_in_pieces_that_make_the_whole_file(user, monkeypatch, text, whole):
    monkeypatch.setattr(exports, "CHUNK", 4)
    for i in range(10):
        make_contact(user, f"Person {i:02}", tags=["a"])
    pieces = list(text(user))
    assert len(pieces) == 3  # ten contacts, four a piece
    assert "".join(pieces) == whole(user)
    assert all(f"Person {i:02}" in "".join(pieces) for i in range(10))
