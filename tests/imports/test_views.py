"""The import pages: upload, preview, confirm, progress, summary, undo."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Contact
from imports import services
from imports.models import ImportBatch, Status
from tests.factories import make_contact
from trash.models import TrashEntry
from tests.imports.helpers import IPHONE_COMPANY, import_now, sample

pytestmark = pytest.mark.django_db


def upload(client, name: str, data: bytes | None = None, key: str | None = None):
    data = sample(name) if data is None else data
    post = {"file": SimpleUploadedFile(name, data)}
    if key:
        post["submission_key"] = key
    return client.post(reverse("imports:upload"), post)


def test_upload_shows_a_preview_and_writes_no_contact(client_logged_in, user):
    response = upload(client_logged_in, "linkedin_connections.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert Contact.objects.count() == 0
    page = client_logged_in.get(batch.get_absolute_url())
    body = page.content.decode()
    assert "Check the import" in body and "Import 3 new contacts" in body
    assert "Skipped: no name." in body and "same profile URL as line 5" in body
    assert page.context["page"].paginator.count == 5


def test_a_companys_card_is_skipped_on_the_preview_saying_why(client_logged_in, user):
    """An iPhone's contacts hold companies too (Acme Corp, its switchboard): not
    people, so not contacts, as a card of no name is not."""
    person = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Berg;Anna;;;\r\nFN:Anna Berg\r\nEND:VCARD\r\n"
    upload(client_logged_in, "iphone.vcf", (IPHONE_COMPANY + person).encode())
    batch = ImportBatch.objects.get()
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert "Skipped: a company&#x27;s card, not a person." in body
    assert "Import 1 new contact" in body
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.QUEUED)
    services.run_import(batch.pk)
    assert list(Contact.objects.values_list("name", flat=True)) == ["Anna Berg"]


@pytest.mark.parametrize("name, data, message", [
    ("garbage.bin", None, "This is not a file netcrm can read: it is not text"),
    ("empty.csv", b"", "The file is empty."),
    ("blank.csv", b"\r\n  \r\n", "The file is empty."),  # blank lines: empty all the same
])
def test_garbage_is_a_422_that_says_why(client_logged_in, name, data, message):
    response = upload(client_logged_in, name, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert message.startswith("This is not") or "not a file netcrm can read" not in body
    assert not ImportBatch.objects.exists()


def test_no_file_is_a_422(client_logged_in):
    response = client_logged_in.post(reverse("imports:upload"), {"file": "not a file"})
    assert response.status_code == 422 and "Choose the file to import." in response.content.decode()


def test_a_file_too_big_is_a_422(client_logged_in, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = upload(client_logged_in, "google.csv")
    assert response.status_code == 422
    assert "This file is 1.4 KB; netcrm reads files up to 1 KB." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_too_many_rows_is_a_422(client_logged_in, settings):
    settings.IMPORT_MAX_ROWS = 2
    response = upload(client_logged_in, "linkedin_connections.csv")
    body = response.content.decode()
    assert response.status_code == 422 and "This file has 5 rows; netcrm imports up to 2 at a time." in body
    assert "not a file netcrm can read" not in body  # it can: there is too much of it


def test_a_double_tap_on_upload_makes_one_batch(client_logged_in):
    key = str(uuid.uuid4())
    first = upload(client_logged_in, "google.csv", key=key)
    second = upload(client_logged_in, "google.csv", key=key)
    assert first["Location"] == second["Location"]
    assert ImportBatch.objects.count() == 1


def test_confirm_queues_once_and_shows_progress(client_logged_in, user, django_capture_on_commit_callbacks):
    upload(client_logged_in, "google.csv")
    batch = ImportBatch.objects.get()
    url = reverse("imports:confirm", args=[batch.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        client_logged_in.post(url)
        client_logged_in.post(url)
    assert len(callbacks) == 1  # one message to the worker
    batch.refresh_from_db()
    assert batch.status == Status.QUEUED
    page = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page and ">Refresh</a>" in page
    fragment = client_logged_in.get(reverse("imports:batch-progress", args=[batch.pk]),
                                     headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="import-progress"')
    assert "HX-Redirect" not in fragment
    plain = client_logged_in.get(reverse("imports:batch-progress", args=[batch.pk]))
    assert plain.status_code == 302 and plain["Location"] == batch.get_absolute_url()


def test_an_import_confirmed_while_another_runs_says_it_waits_for_that_one(
    client_logged_in, user, other_user
):
    upload(client_logged_in, "google.csv")
    upload(client_logged_in, "apple.vcf")
    first, second = ImportBatch.objects.order_by("pk")
    for batch in (first, second):
        client_logged_in.post(reverse("imports:confirm", args=[batch.pk]))
    ImportBatch.objects.filter(pk=first.pk).update(status=Status.RUNNING)
    theirs = services.preview(other_user, sample("outlook.csv"), "theirs.csv").batch
    ImportBatch.objects.filter(pk=theirs.pk).update(status=Status.RUNNING)  # not in the way

    fragment = client_logged_in.get(reverse("imports:batch-progress", args=[second.pk]),
                                    headers={"HX-Request": "true"}).content.decode()
    assert "Waiting for your import of" in fragment and "google.csv</a> to finish" in fragment
    assert f'href="{first.get_absolute_url()}"' in fragment
    page = client_logged_in.get(first.get_absolute_url()).content.decode()
    assert "Waiting for your import" not in page and "Imported 0 of" in page
    ImportBatch.objects.filter(pk=first.pk).update(status=Status.DONE)
    fragment = client_logged_in.get(reverse("imports:batch-progress", args=[second.pk]),
                                    headers={"HX-Request": "true"}).content.decode()
    assert "Waiting for a worker to start" in fragment


def test_progress_sends_htmx_to_the_summary_when_done(client_logged_in, user):
    batch = import_now(user, "google.csv")
    fragment = client_logged_in.get(reverse("imports:batch-progress", args=[batch.pk]),
                                    headers={"HX-Request": "true"})
    assert fragment["HX-Redirect"] == batch.get_absolute_url()
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert "Import finished" in body and "Undo this import" in body
    assert "line 6" in body and "Skipped: no name." in body


def test_the_similar_name_decision_from_the_page(client_logged_in, user):
    priya = make_contact(user, "Priya Ramen", organization="Northwind Traders")
    upload(client_logged_in, "linkedin_connections.csv")
    batch = ImportBatch.objects.get()
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert "The same person?" in body
    assert 'name="row-0" value="different" checked' in body
    assert "The same person as Priya Ramen" in body
    assert "Priya Ramen (" in body and "%) at the same organization." in body
    client_logged_in.post(reverse("imports:confirm", args=[batch.pk]), {"row-0": "0"})
    services.run_import(batch.pk)
    priya.refresh_from_db()
    assert priya.title == "Data Engineer" and not Contact.objects.filter(name="Priya Raman").exists()


def test_discard_and_undo(client_logged_in, user):
    upload(client_logged_in, "google.csv")
    batch = ImportBatch.objects.get()
    client_logged_in.post(reverse("imports:discard", args=[batch.pk]))
    assert not ImportBatch.objects.exists() and Contact.objects.count() == 0
    batch = import_now(user, "google.csv")
    assert Contact.objects.count() == 3
    response = client_logged_in.post(reverse("imports:undo", args=[batch.pk]))
    assert response.status_code == 302 and Contact.objects.count() == 0
    client_logged_in.post(reverse("imports:undo", args=[batch.pk]))  # a double tap
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert "Import undone" in body and "Undo this import" not in body
    assert "Restore what it added" in body and "in the <a" in body


def test_an_undone_import_is_restored_from_its_own_page(client_logged_in, user):
    batch = import_now(user, "google.csv")
    client_logged_in.post(reverse("imports:undo", args=[batch.pk]))
    entry = TrashEntry.objects.get()
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert f'action="{entry.get_restore_url()}"' in body

    response = client_logged_in.post(entry.get_restore_url(), {"next": batch.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert Contact.objects.count() == 3 and not TrashEntry.objects.exists()
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert "then restored from the Trash" in body and "Restore what it added" not in body
    amara = Contact.objects.get(name="Amara Okafor")  # back: her row links to her again
    assert f'<a href="{amara.get_absolute_url()}">Amara Okafor</a>' in body

    again = import_now(user, "linkedin_connections.csv")
    client_logged_in.post(reverse("imports:undo", args=[again.pk]))
    TrashEntry.objects.all().delete()  # emptied, as after TRASH_KEEP_DAYS
    body = client_logged_in.get(again.get_absolute_url()).content.decode()
    assert "emptied from the Trash" in body


def test_a_phone_shared_under_another_name_is_asked_about_on_the_preview(client_logged_in, user):
    make_contact(user, "Anna Berg", phone="+1 503 555 0100")
    csv = (b"First Name,Last Name,E-mail Address,Business Phone,Company\r\n"
           b"Carl,Dahl,carl@fabrikam.example,(503) 555-0100,Fabrikam\r\n")
    upload(client_logged_in, "outlook.csv", csv)
    body = client_logged_in.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "Line 2: <strong>Carl Dahl</strong> at Fabrikam" in body
    assert "The same person as Anna Berg, at no organization <span class=\"meta\">(same phone)</span>" in body
    assert "Same phone as Anna Berg, under another name: a switchboard or a shared line?" in body
    assert "Import 1 contact" in body
    batch = ImportBatch.objects.get()
    client_logged_in.post(reverse("imports:confirm", args=[batch.pk]))
    services.run_import(batch.pk)
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert "Added, not merged</span>" in body and "Similar name" not in body
    assert "a switchboard or a shared line? Added as a different person." in body


def test_a_team_address_shared_under_another_name_says_so(client_logged_in, user):
    make_contact(user, "Anna Berg", email="jobs@fabrikam.example")
    upload(client_logged_in, "outlook.csv", b"First Name,Last Name,E-mail Address\r\n"
                                            b"Carl,Dahl,jobs@fabrikam.example\r\n")
    body = client_logged_in.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "Same email as Anna Berg, under another name: a team's address?" in body
    assert "(same email)</span>" in body


def test_two_people_of_one_name_to_choose_from_are_told_apart(client_logged_in, user):
    """Two Jordan Ellises at Lantern Labs (a file imported before, one said to be someone
    else): each choice says how netcrm knows them, or the user picks blind."""
    make_contact(user, "Jordan Ellis", organization="Lantern Labs", email="Jordan@Lantern.example")
    make_contact(user, "Jordan Ellis", organization="Lantern Labs",
                 links="https://www.linkedin.com/in/jordan-ellis-2")
    make_contact(user, "Jordan Ellis", organization="Lantern Labs")  # nothing to tell
    upload(client_logged_in, "outlook.csv", b"First Name,Last Name,E-mail Address,Company\r\n"
                                            b"Jordan,Ellis,,Lantern Labs\r\n")
    body = client_logged_in.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "The same person as Jordan Ellis · jordan@lantern.example <span" in body
    assert "The same person as Jordan Ellis · linkedin.com/in/jordan-ellis-2 <span" in body
    assert "The same person as Jordan Ellis <span" in body


def test_undo_says_who_stays_and_links_them(client_logged_in, user):
    batch = import_now(user, "google.csv")
    amara = Contact.objects.get(name="Amara Okafor")
    Contact.objects.filter(pk=amara.pk).update(created_at=amara.created_at - timedelta(hours=1))
    amara.log_note("Called her: she is hiring.")
    response = client_logged_in.post(reverse("imports:undo", args=[batch.pk]), follow=True)
    body = response.content.decode()
    assert ("1 contact you have changed or met since the import stays: Amara Okafor") in body
    assert f'<a href="{amara.get_absolute_url()}">Amara Okafor</a>' in body
    assert "Kept: you have changed or met them since the import." in body
    assert "but for the 1 you had changed or met since (marked “Kept” below)" in body
    assert list(Contact.objects.values_list("name", flat=True)) == ["Amara Okafor"]


def test_the_rows_paginate_and_filter_with_an_htmx_fragment(client_logged_in, user):
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"] + [
        f"P{i},Q,https://linkedin.com/in/p{i},,,,1 Jan 2020" for i in range(120)
    ] + [",,https://linkedin.com/in/nobody,,,,1 Jan 2020"]
    upload(client_logged_in, "big.csv", "\n".join(lines).encode())
    batch = ImportBatch.objects.get()
    page = client_logged_in.get(batch.get_absolute_url(), {"page": 3}, headers={"HX-Request": "true"})
    body = page.content.decode()
    assert body.lstrip().startswith('<section id="import-rows">') and "Page 3 of 3" in body
    problems = client_logged_in.get(batch.get_absolute_url(), {"show": "skip"})
    assert problems.context["page"].paginator.count == 1


def test_pages_make_few_queries_whatever_the_rows(client_logged_in, user, django_assert_max_num_queries):
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"] + [
        f"P{i},Q,https://linkedin.com/in/p{i},,Acme,,1 Jan 2020" for i in range(400)
    ]
    batch = services.preview(user, "\n".join(lines).encode(), "x.csv").batch
    with django_assert_max_num_queries(6):
        client_logged_in.get(batch.get_absolute_url())
    with django_assert_max_num_queries(6):
        client_logged_in.get(reverse("imports:import-list"))


def test_the_list_of_past_imports_and_links_to_it(client_logged_in, user):
    import_now(user, "google.csv")
    body = client_logged_in.get(reverse("imports:import-list")).content.decode()
    assert "google.csv" in body and "Imported" in body and "Past imports" in body
    # What it promises is what it does: a phone shared under another name is asked about.
    assert ("(the same email or profile address, or the same phone under a name like "
            "theirs) is never added twice") in body
    contacts = client_logged_in.get(reverse("contacts:contact-list")).content.decode()
    assert reverse("imports:import-list") in contacts


def test_another_users_batch_is_a_404(client_logged_in, other_user):
    batch = import_now(other_user, "google.csv")
    for name in ("imports:batch", "imports:batch-progress"):
        assert client_logged_in.get(reverse(name, args=[batch.pk])).status_code == 404
    for name in ("imports:confirm", "imports:undo"):
        assert client_logged_in.post(reverse(name, args=[batch.pk])).status_code == 404
    client_logged_in.post(reverse("imports:discard", args=[batch.pk]))
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert Contact.objects.filter(user=other_user).count() == 3


def test_wrong_methods_are_405(client_logged_in, user):
    batch = import_now(user, "google.csv")
    # The address of a refused upload, opened again: the imports page, with the form.
    response = client_logged_in.get(reverse("imports:upload"))
    assert response.status_code == 302 and response.url == reverse("imports:import-list")
    assert client_logged_in.post(reverse("imports:import-list")).status_code == 405
    assert client_logged_in.post(reverse("imports:batch", args=[batch.pk])).status_code == 405
    for name in ("imports:confirm", "imports:discard", "imports:undo"):
        assert client_logged_in.get(reverse(name, args=[batch.pk])).status_code == 405


def test_login_required(client):
    response = client.get(reverse("imports:import-list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_similar_name_without_an_organization_is_not_said_to_share_one(client_logged_in, user):
    make_contact(user, "Priya Ramen")
    data = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\nPriya,Ramen,,,,,01 Dec 2026\r\n"
    client_logged_in.post(reverse("imports:upload"), {"file": SimpleUploadedFile("Connections.csv", data)})
    body = client_logged_in.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    assert "%), neither with an organization." in body and "at the same organization." not in body


@pytest.mark.parametrize("have_at, row_at, said", [
    ("Acme", "", "Priya Ramen (100%, at Acme)."),
    ("", "Acme", "Priya Ramen (100%, at no organization)."),
])
def test_the_very_same_name_as_someone_at_no_organization_is_a_question(
    client_logged_in, user, have_at, row_at, said
):
    """As the duplicates page and the add form ask: Priya Ramen at Acme and Priya
    Ramen at none may be one person; the preview says where each is."""
    have = make_contact(user, "Priya Ramen", organization=have_at or None)
    data = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
            b"Priya,Ramen,,," + row_at.encode() + b",,01 Dec 2026\r\n")
    client_logged_in.post(reverse("imports:upload"), {"file": SimpleUploadedFile("Connections.csv", data)})
    batch = ImportBatch.objects.get()
    assert batch.counts == {"similar": 1}
    assert [c["id"] for c in batch.rows[0]["similar"]] == [have.pk]
    body = client_logged_in.get(batch.get_absolute_url()).content.decode()
    assert f"Looks like {said}" in body
    assert "at the same organization." not in body and "neither with an organization" not in body


def test_the_same_name_at_two_organizations_is_two_people(client_logged_in, user):
    make_contact(user, "Priya Ramen", organization="Globex")
    data = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
            b"Priya,Ramen,,,Acme,,01 Dec 2026\r\n")
    client_logged_in.post(reverse("imports:upload"), {"file": SimpleUploadedFile("Connections.csv", data)})
    assert ImportBatch.objects.get().counts == {"create": 1}


# What the preview offers -------------------------------------------------------------

LINKEDIN_HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
TOMAS = (b"Tom\xc3\xa1s,Oliveira,https://www.linkedin.com/in/tomas-oliveira-demo,"
         b"tomas.oliveira@example.com,\"Contoso, Ltd.\",Head of Analytics,\r\n")
ADA = b"Ada,Lovelace,https://www.linkedin.com/in/ada-demo,ada@example.com,Analytical,Engineer,\r\n"


def tomas(user, **fields) -> Contact:
    return make_contact(
        user, "Tomás Oliveira", organization="Contoso, Ltd.", email="tomas.oliveira@example.com",
        links="https://www.linkedin.com/in/tomas-oliveira-demo", **({"title": "Head of Analytics"} | fields),
    )


def preview_page(client, data: bytes) -> str:
    response = upload(client, "Connections.csv", data)
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_someone_you_have_with_nothing_new_is_not_offered_a_fill_in(client_logged_in, user):
    tomas(user)
    body = preview_page(client_logged_in, LINKEDIN_HEADER + TOMAS + ADA)
    assert "Import 1 new contact<" in body and "fill in" not in body
    assert "1</strong> already in netcrm (nothing new to add)" in body
    assert "Nothing new to add: importing leaves them as they are." in body


def test_a_file_of_people_you_have_with_nothing_new_offers_no_import(client_logged_in, user):
    tomas(user)
    body = preview_page(client_logged_in, LINKEDIN_HEADER + TOMAS)
    assert "Nothing to import: everyone in this file is in netcrm already, with nothing new to add." in body
    assert reverse("imports:confirm", args=[ImportBatch.objects.get().pk]) not in body
    assert 'class="confirm-import"' not in body
    assert "Discard this file" in body


def test_someone_you_have_with_something_new_says_what_it_fills_in(client_logged_in, user):
    sara = tomas(user, title="")
    body = preview_page(client_logged_in, LINKEDIN_HEADER + TOMAS)
    assert "Import: fill in 1 contact you have" in body and "Will fill in: title." in body
    batch = ImportBatch.objects.get()
    import_now(user, LINKEDIN_HEADER + TOMAS)  # what the preview said is what it does
    done = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert done.rows[0]["filled"] == batch.rows[0]["fills"] == ["title"]
    sara.refresh_from_db()
    assert sara.title == "Head of Analytics"


@pytest.mark.parametrize("data", [
    LINKEDIN_HEADER,
    b"Notes:\r\n\"Some notes LinkedIn writes\"\r\n\r\n" + LINKEDIN_HEADER + b"\r\n,,,,,,\r\n\r\n",
    sample("google.csv").splitlines(keepends=True)[0],
])
def test_a_file_of_its_header_row_alone_says_it_has_no_people(client_logged_in, data):
    response = upload(client_logged_in, "Connections.csv", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "This file has no people in it, only its header row: there is nothing to import." in body
    assert "not a file netcrm can read" not in body
    assert not ImportBatch.objects.exists()
