"""Preview, import and undo: the same person is never added twice, a file only fills
what is empty, and an import can be taken back whole."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Organization
from imports import services
from imports.models import (
    CREATE, DUPLICATE, MATCH, NOT_IMPORTED, SIMILAR, SKIP, ImportBatch, Status,
)
from jobs.models import Lead
from tests.factories import make_contact, make_meeting, make_organization
from tests.imports.helpers import GERMAN_OUTLOOK, import_now, sample
from trash.models import TrashEntry
from trash.services import restore

pytestmark = pytest.mark.django_db


def actions(batch) -> list[tuple[str, str]]:
    return [(row["record"]["name"], row["action"]) for row in batch.rows]


def test_the_preview_writes_nothing_but_the_batch_and_says_what_will_happen(user):
    make_contact(user, "Tomás Oliveira", email="TOMAS.OLIVEIRA@example.com")
    batch = services.preview(user, sample("linkedin_connections.csv"), "Connections.csv").batch
    assert Contact.objects.count() == 1 and Organization.objects.count() == 0
    assert actions(batch) == [
        ("Priya Raman", CREATE), ("Tomás Oliveira", MATCH), ("", SKIP),
        ("Priya Raman", DUPLICATE), ("Kenji Watanabe", CREATE),
    ]
    rows = batch.rows
    assert rows[1]["reason"] == "same email" and rows[1]["target_name"] == "Tomás Oliveira"
    assert rows[2]["reason"] == "no name"
    assert rows[3]["reason"] == "same profile URL as line 5"  # uk.linkedin.com/in/Priya-Raman-Demo/
    assert batch.counts == {CREATE: 2, MATCH: 1, SKIP: 1, DUPLICATE: 1}
    assert ImportBatch.objects.get().status == Status.PREVIEW


def test_import_creates_people_with_their_organization_source_and_connected_on(user):
    batch = import_now(user, "linkedin_connections.csv")
    assert batch.status == Status.DONE and batch.done == batch.total == 5
    assert sorted(Contact.objects.values_list("name", flat=True)) == [
        "Kenji Watanabe", "Priya Raman", "Tomás Oliveira",
    ]
    priya = Contact.objects.get(name="Priya Raman")
    assert priya.organization.name == "Northwind Traders" and priya.title == "Data Engineer"
    assert priya.source == "online"
    assert "Connected on LinkedIn on 12 March 2024." in priya.notes
    # The second Priya row was the same person: her other spelling of the address is not a new line.
    assert priya.links == "https://www.linkedin.com/in/priya-raman-demo"
    assert sorted(batch.created_ids) == sorted(Contact.objects.values_list("pk", flat=True))


def test_the_preview_button_says_what_the_import_will_do(user):
    first = services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch
    assert first.count(MATCH) == first.count(SIMILAR) == 0
    assert first.confirm_label == f"Import {first.created_count} new contacts"
    first.counts = {CREATE: 3, MATCH: 1}
    assert first.confirm_label == "Import 3 new contacts, fill in 1"
    first.counts = {CREATE: 1, MATCH: 1, SIMILAR: 1}  # the user says who is new
    assert first.confirm_label == "Import 3 contacts"
    import_now(user, "linkedin_connections.csv")
    again = services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch
    assert again.created_count == 0 and again.count(MATCH) > 1
    # The same file again brings nothing new: no "fill in", and no import offered.
    assert again.nothing_new == again.count(MATCH) and again.to_write == 0
    assert again.nothing_to_import.startswith("Nothing to import: everyone in this file")
    again.rows[0]["nothing_new"] = False
    del again.nothing_new
    assert again.confirm_label == "Import: fill in 1 contact you have"


def test_importing_the_same_file_again_adds_nothing(user):
    for name in ("linkedin_connections.csv", "google.csv", "outlook.csv", "apple.vcf", "android.vcf"):
        import_now(user, name)
    contacts = list(Contact.objects.order_by("pk").values())
    organizations = Organization.objects.count()
    for name in ("linkedin_connections.csv", "google.csv", "outlook.csv", "apple.vcf", "android.vcf"):
        again = import_now(user, name)
        assert again.created_ids == [] and again.filled == {}, name
        assert again.count(CREATE) == 0 and again.count(SIMILAR) == 0, name
    assert list(Contact.objects.order_by("pk").values()) == contacts
    assert Organization.objects.count() == organizations


def test_the_same_person_across_files_is_one_contact(user):
    """Amara is in the Google CSV by two emails and a phone; her LinkedIn address
    in a vCard and her phone on Android are the same person."""
    import_now(user, "google.csv")
    vcard = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Amara O.\r\nURL:linkedin.com/in/amara-okafor-demo/\r\n"
        "TEL:+1 (415) 555-0199\r\nEMAIL:amara.new@example.com\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Dana W\r\nTEL;CELL:(415) 555 0150\r\nEND:VCARD\r\n"
    ).encode()
    batch = import_now(user, vcard)
    assert actions(batch) == [("Amara O.", MATCH), ("Dana W", MATCH)]
    assert batch.rows[0]["reason"] == "same profile URL" and batch.rows[1]["reason"] == "same phone"
    amara = Contact.objects.get(name="Amara Okafor")
    assert "mailto:amara.new@example.com" in amara.links.splitlines()
    assert Contact.objects.filter(name__startswith="Amara").count() == 1


def test_people_of_other_names_sharing_a_phone_are_a_question_not_one_person(user):
    """A company's switchboard, a family's landline: Outlook and Google write the same
    number on everyone who answers it. Two names that have nothing in common are not
    merged on it (the second was lost into the first, its email with it): each asks,
    and is someone of their own unless the user says otherwise."""
    anna = make_contact(user, "Anna Berg", phone="+1 503 555 0100", title="Recruiter")
    csv = (
        b"First Name,Last Name,E-mail Address,Business Phone,Company,Job Title\r\n"
        b"Carl,Dahl,carl.dahl@fabrikam.example,(503) 555-0100,Fabrikam,Engineering Manager\r\n"
        b"Eva,Fors,,+1 503 555 0100,Fabrikam,Office Manager\r\n"
        b"A.,Berg,anna.berg@fabrikam.example,+1 503 555 0100,Fabrikam,\r\n"
    )
    preview = services.preview(user, csv, "outlook.csv").batch
    assert actions(preview) == [
        ("Carl Dahl", SIMILAR), ("Eva Fors", SIMILAR), ("A. Berg", MATCH),  # "Berg": her
    ]
    assert preview.rows[0]["similar"][0] | {"score": 0} == {
        "id": anna.pk, "name": "Anna Berg", "organization": "", "score": 0,
        "reason": "same phone",
    }

    batch = import_now(user, csv, filename="outlook.csv")
    assert actions(batch) == [("Carl Dahl", SIMILAR), ("Eva Fors", SIMILAR), ("A. Berg", MATCH)]
    carl = Contact.objects.get(name="Carl Dahl")
    assert carl.email == "carl.dahl@fabrikam.example" and carl.title == "Engineering Manager"
    assert Contact.objects.get(name="Eva Fors").phone == "+1 503 555 0100"
    anna.refresh_from_db()
    assert anna.title == "Recruiter" and anna.email == "anna.berg@fabrikam.example"
    assert "carl" not in anna.links

    # The file again: each is the one of their name on that line, nobody is asked about.
    again = services.preview(user, csv, "outlook.csv").batch
    assert [(name, action, row["target_name"]) for (name, action), row in zip(
        actions(again), again.rows)] == [
        ("Carl Dahl", MATCH, "Carl Dahl"), ("Eva Fors", MATCH, "Eva Fors"),
        ("A. Berg", MATCH, "Anna Berg"),
    ]

    # Told it is the same person, it is.
    Contact.objects.exclude(pk=anna.pk).delete()
    batch = import_now(user, csv, decisions={"0": anna.pk}, filename="outlook.csv")
    assert actions(batch)[0] == ("Carl Dahl", MATCH)


def test_a_team_address_shared_under_other_names_is_a_question_too(user):
    """jobs@, info@, hr@: everyone who answers it has it. Two names with nothing in
    common are not merged on it; a personal address still is, whatever the name."""
    csv = (
        b"First Name,Last Name,E-mail Address,Company\r\n"
        b"Anna,Berg,jobs@fabrikam.example,Fabrikam\r\n"
        b"Carl,Dahl,Jobs@Fabrikam.example,Fabrikam\r\n"
        b"Anna,Berg-Lund,jobs@fabrikam.example,Fabrikam\r\n"
        b"Misaki,Sato,misaki@example.jp,\r\n"
        b"Sato,M.,misaki@example.jp,\r\n"
    )
    batch = services.preview(user, csv, "outlook.csv").batch
    assert actions(batch) == [
        ("Anna Berg", CREATE), ("Carl Dahl", SIMILAR), ("Anna Berg-Lund", DUPLICATE),
        ("Misaki Sato", CREATE), ("Sato M.", DUPLICATE),
    ]
    assert batch.rows[1]["similar"][0]["reason"] == "same email"


def test_a_file_fills_empty_fields_and_never_overwrites(user):
    acme = Organization.objects.create(user=user, name="My Own Org")
    astrid = make_contact(
        user, "Astrid L.", organization=acme, email="astrid@home.example", title="", phone="",
        notes="",
    )
    batch = import_now(user, "apple.vcf")
    astrid.refresh_from_db()
    assert astrid.name == "Astrid L." and astrid.organization == acme  # what the user typed
    assert astrid.email == "astrid@home.example"
    assert astrid.title == "Analytics Lead" and astrid.phone == "+46 70 123 45 67"  # were empty
    assert astrid.links.splitlines() == [
        "mailto:astrid.lindqvist@northwind.example",
        "https://www.linkedin.com/in/astrid-lindqvist-demo",
        "https://twitter.com/astrid_demo",
    ]
    assert batch.rows[0]["filled"] == ["links", "notes", "phone", "title"]
    assert set(batch.filled[str(astrid.pk)]) == {"links", "notes", "phone", "title"}


def test_two_people_with_one_name_are_never_merged_on_the_name(user):
    make_contact(user, "Priya Raman", organization="Somewhere Else", email="priya@else.example")
    batch = import_now(user, "linkedin_connections.csv")
    assert batch.count(CREATE) == 3 and Contact.objects.filter(name="Priya Raman").count() == 2


def test_a_similar_name_at_the_same_organization_is_a_question_answered_different_by_default(user):
    sara = make_contact(user, "Priya Ramen", organization="Northwind traders")
    preview = services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch
    row = preview.rows[0]
    assert row["action"] == SIMILAR
    assert row["similar"] == [{"id": sara.pk, "name": "Priya Ramen", "organization": "Northwind traders",
                               "score": row["similar"][0]["score"]}]
    assert services.confirm(preview, {})
    services.run_import(preview.pk)
    assert Contact.objects.filter(name__in=["Priya Raman", "Priya Ramen"]).count() == 2


def test_the_user_says_same_person(user):
    sara = make_contact(user, "Priya Ramen", organization="Northwind Traders")
    preview = services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch
    assert services.confirm(preview, {"row-0": "0", "row-4": "junk"})
    assert not services.confirm(preview, {})  # a double tap: confirmed once
    services.run_import(preview.pk)
    batch = ImportBatch.objects.get()
    assert batch.rows[0]["action"] == MATCH and batch.rows[0]["reason"] == "you said it is the same person"
    sara.refresh_from_db()
    assert sara.title == "Data Engineer" and sara.links == "https://www.linkedin.com/in/priya-raman-demo"
    assert not Contact.objects.filter(name="Priya Raman").exists()


def test_undo_takes_back_what_it_created_and_filled_unless_changed_since(user):
    jose = make_contact(user, "José N.", email="jose.nunez@example.com")
    zoe = make_contact(user, "Zoë", email="zoe.bronte@example.co.uk")
    batch = import_now(user, "outlook.csv")
    assert batch.created_ids == []  # both known
    batch = import_now(user, "outlook_utf16.csv")
    wei = Contact.objects.get(name="Wei Zhang 张")
    first = ImportBatch.objects.get(filename="outlook.csv")
    jose.refresh_from_db()
    assert jose.title == "Director de Ventas" and jose.phone == "+34 912 345 678"
    Contact.objects.filter(pk=jose.pk).update(title="VP Sales")  # the user changed it since
    undone = services.undo_import(first)
    assert services.undo_import(first) is None  # a double tap undoes once
    jose.refresh_from_db()
    zoe.refresh_from_db()
    assert jose.title == "VP Sales" and jose.phone == "" and jose.organization is None
    assert jose.links == "" and zoe.title == "" and zoe.organization is None
    assert undone.removed == 0 and undone.cleared > 0
    # The organizations it filled in on them, made by it and now unused, went too.
    assert undone.organizations == len(first.created_organization_ids) > 0
    assert not Organization.objects.filter(pk__in=first.created_organization_ids).exists()

    undone = services.undo_import(batch)
    assert undone.removed == 2 and not Contact.objects.filter(pk=wei.pk).exists()
    entry = TrashEntry.objects.get(label__endswith=" outlook_utf16.csv")
    assert entry.label.startswith("2 contacts")
    restore(entry)
    assert Contact.objects.filter(name__in=["Wei Zhang 张", "Ingrid Søndergaard"]).count() == 2


def test_undo_leaves_the_people_you_have_worked_on_since_and_says_who(user):
    """Undo takes back what the import did, not what the user did since: someone they
    edited, met or wrote a note about stays, with what they wrote, and is named."""
    batch = import_now(user, "google.csv")
    an_hour_ago = timezone.now() - timedelta(hours=1)  # the import, an hour ago
    Contact.objects.filter(pk__in=batch.created_ids).update(
        created_at=an_hour_ago, updated_at=an_hour_ago
    )
    amara = Contact.objects.get(name="Amara Okafor")
    amara.title = "VP Product"  # edited since
    amara.save()
    dana = Contact.objects.get(name="Dana Whitfield")
    make_meeting(user, [dana], notes="Coffee: she will introduce me to her CTO.")

    undone = services.undo_import(batch)

    assert str(undone) == (
        "1 contact and 1 organization moved to the Trash, 0 filled-in fields cleared; "
        "2 contacts you have changed or met since the import stay: Amara Okafor, Dana Whitfield"
    )
    left = Contact.objects.for_user(user).order_by("name")
    assert [(c.name, c.title) for c in left] == [
        ("Amara Okafor", "VP Product"), ("Dana Whitfield", ""),
    ]
    assert Contact.objects.get(name="Amara Okafor").organization.name == "Tailspin Toys"
    assert dana.meetings.get().notes == "Coffee: she will introduce me to her CTO."
    entry = TrashEntry.objects.get()
    assert entry.label == "1 contact and 1 organization imported from google.csv"
    batch.refresh_from_db()
    kept = [row["record"]["name"] for row in batch.rows if row.get("kept")]
    assert kept == ["Amara Okafor", "Dana Whitfield"]
    assert services.in_the_trash(batch) == entry  # (Amara, the first it added, is not in it)


def test_undo_takes_back_the_organizations_it_made_that_nothing_else_uses(user, other_user):
    acme = make_organization(user, "Acme")  # yours before the import: it stays
    tomas = make_contact(user, "Tomás Oliveira", email="tomas@example.com")
    csv = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Lovelace,,,Analytical Engines,Analyst,12 Mar 2024\n"
        "Grace,Hopper,,,Navy Labs,Admiral,12 Mar 2024\n"
        "Alan,Turing,,,Bletchley,Cryptanalyst,12 Mar 2024\n"
        "Katherine,Johnson,,,NASA,Mathematician,12 Mar 2024\n"
        "Edsger,Dijkstra,,,ACME,Professor,12 Mar 2024\n"
        "Tomás,Oliveira,,tomas@example.com,Contoso,Head of Analytics,03 Jan 2023\n"
    ).encode()
    make_organization(other_user, "Analytical Engines")  # another user's: never touched
    batch = import_now(user, csv, filename="Connections.csv")
    made = {o.name: o for o in Organization.objects.for_user(user).exclude(pk=acme.pk)}
    assert sorted(made) == ["Analytical Engines", "Bletchley", "Contoso", "NASA", "Navy Labs"]
    assert sorted(batch.created_organization_ids) == sorted(o.pk for o in made.values())
    tomas.refresh_from_db()
    assert tomas.organization == made["Contoso"]  # filled in on someone you had
    # Since the import: a lead at one, someone of your own at another, a target.
    Lead.objects.create(user=user, organization=made["Navy Labs"], role="Engineer")
    make_contact(user, "Joan Clarke", organization=made["Bletchley"])
    Organization.objects.filter(pk=made["NASA"].pk).update(is_target=True)

    undone = services.undo_import(batch)

    assert str(undone) == "5 contacts and 2 organizations moved to the Trash, 3 filled-in fields cleared"
    left = set(Organization.objects.for_user(user).values_list("name", flat=True))
    assert left == {"Acme", "Bletchley", "NASA", "Navy Labs"}  # Analytical Engines, Contoso gone
    assert Organization.objects.filter(user=other_user, name="Analytical Engines").exists()
    entry = TrashEntry.objects.get()
    assert entry.label == "5 contacts and 2 organizations imported from Connections.csv"

    restore(entry)
    ada = Contact.objects.get(user=user, name="Ada Lovelace")
    assert ada.organization.name == "Analytical Engines"  # back at her organization
    assert Contact.objects.get(name="Grace Hopper").organization == made["Navy Labs"]
    assert Organization.objects.for_user(user).count() == 6


def test_undo_of_an_import_that_only_made_organizations(user):
    """Everyone in the file was known already: the organizations it filled in go alone."""
    make_contact(user, "Tomás Oliveira", email="tomas@example.com")
    csv = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Tomás,Oliveira,,tomas@example.com,Contoso,Head of Analytics,03 Jan 2023\n"
    ).encode()
    batch = import_now(user, csv, filename="Connections.csv")
    undone = services.undo_import(batch)
    assert str(undone) == "1 organization moved to the Trash, 3 filled-in fields cleared"
    assert not Organization.objects.exists()
    assert TrashEntry.objects.get().label == "1 organization imported from Connections.csv"


def test_tags_from_labels_and_categories(user):
    import_now(user, "google.csv")
    amara = Contact.objects.get(name="Amara Okafor")
    assert sorted(amara.tags.names()) == ["Data people", "Mentors"]
    assert amara.email == "amara.okafor@example.org" and amara.phone == "(415) 555-0134"
    assert amara.links.splitlines() == [
        "mailto:amara@example.com", "tel:+14155550199",
        "https://www.linkedin.com/in/amara-okafor-demo",
    ]
    assert amara.organization.name == "Tailspin Toys"


def test_organizations_are_matched_by_name_in_any_case(user):
    northwind = Organization.objects.create(user=user, name="NORTHWIND traders")
    import_now(user, "linkedin_connections.csv")
    import_now(user, "apple.vcf")
    assert Contact.objects.get(name="Priya Raman").organization == northwind
    assert Contact.objects.get(name="Astrid Lindqvist").organization == northwind
    assert Organization.objects.filter(name__iexact="northwind traders").count() == 1


def test_a_company_written_with_its_legal_suffix_is_the_organization_you_have(user):
    """LinkedIn writes a company as its page names it ("Juniper Software, Inc."), the
    user as they say it ("Juniper Software"): the import's people join the one you
    have, and someone of the same name there is a question, not a second person."""
    juniper = make_organization(user, "Juniper Software")
    tom = make_contact(user, "Tom Becker", organization=juniper)
    csv = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Tom,Becker,https://www.linkedin.com/in/tom-becker-42,,Juniper Software Inc.,"
        b"Engineering Manager,10 Oct 2018\n"
        b"Rosa,Alvarez,https://www.linkedin.com/in/rosa-alvarez,,\"JUNIPER SOFTWARE, INC\","
        b"Designer,01 Feb 2020\n"
    )
    preview = services.preview(user, csv, "Connections.csv").batch
    assert actions(preview) == [("Tom Becker", SIMILAR), ("Rosa Alvarez", CREATE)]
    assert preview.rows[0]["similar"][0]["id"] == tom.pk

    batch = import_now(user, csv, decisions={"0": tom.pk}, filename="Connections.csv")
    assert actions(batch) == [("Tom Becker", MATCH), ("Rosa Alvarez", CREATE)]
    assert list(Organization.objects.for_user(user)) == [juniper]
    assert Contact.objects.get(name="Rosa Alvarez").organization == juniper
    assert batch.created_organization_ids == []
    tom.refresh_from_db()
    assert tom.title == "Engineering Manager" and Contact.objects.count() == 2


def test_netcrms_own_vcard_export_imported_back_creates_nothing(user):
    """The shape of netcrm's own export: vCard 4.0, UID netcrm-…, the contact's email,
    phone and links."""
    sara = make_contact(user, "Sara Smith", organization="Acme", email="sara@example.com",
                        phone="+1 415 555 0101", links="https://www.linkedin.com/in/sara-demo")
    john = make_contact(user, "John Public", phone="(415) 555-0102")
    alan = make_contact(user, "Alan Park", links="linkedin.com/in/alan-park-demo\nmailto:alan@park.example")
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:netcrm-{c.pk}\r\nFN:{c.name}\r\n"
        + (f"EMAIL:{c.email}\r\n" if c.email else "")
        + (f"TEL;VALUE=uri:tel:{c.phone.replace(' ', '')}\r\n" if c.phone else "")
        + "".join(f"URL:{line}\r\n" for line in c.links.splitlines() if not line.startswith("mailto:"))
        + "END:VCARD\r\n"
        for c in (sara, john, alan)
    )
    batch = import_now(user, cards.encode(), filename="netcrm.vcf")
    assert [row["action"] for row in batch.rows] == [MATCH, MATCH, MATCH]
    assert batch.created_ids == [] and batch.filled == {}
    assert Contact.objects.count() == 3


def test_a_row_too_big_for_a_column_still_imports(user):
    long_email = "a" * 250 + "@example.com"
    text = (
        "First Name,Last Name,E-mail Address,Mobile Phone,Company,Job Title\r\n"
        f"Long,{'Name' * 80},{long_email},+1 415 555 0100 ext. 1234567890123456789012345,{'Org' * 90},CTO\r\n"
    )
    batch = import_now(user, text.encode())
    contact = Contact.objects.get()
    assert len(contact.name) == 200 and contact.email == ""
    assert f"mailto:{long_email}" in contact.links
    assert batch.status == Status.DONE


def test_running_twice_imports_once(user):
    preview = services.preview(user, sample("google.csv"), "google.csv").batch
    services.confirm(preview, {})
    assert services.run_import(preview.pk) == 4
    assert services.run_import(preview.pk) == 0
    assert Contact.objects.count() == 3


def test_two_imports_of_one_file_confirmed_at_once_create_each_person_once(
    user, other_user, django_capture_on_commit_callbacks
):
    """Two tabs, one file: each preview planned before either import ran, so each
    would create everyone. The second waits for the first, then matches its people."""
    first, second = (
        services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch for _ in "ab"
    )
    elsewhere = services.preview(other_user, sample("linkedin_connections.csv"), "c.csv").batch
    for batch in (first, second, elsewhere):
        assert services.confirm(batch, {})
    ImportBatch.objects.filter(pk=first.pk).update(status=Status.RUNNING)  # a worker has it

    assert services.run_import(second.pk) == 0  # it waits, queued, having made nothing
    assert ImportBatch.objects.get(pk=second.pk).status == Status.QUEUED
    assert not Contact.objects.filter(user=user).exists()
    assert services.run_import(elsewhere.pk) == 5  # another user's import never waits

    with django_capture_on_commit_callbacks() as sent:
        assert services.run_import(first.pk) == 5
    assert len(sent) == 1  # the waiting one is asked for as soon as the first is done
    assert services.run_import(second.pk) == 5
    second.refresh_from_db()
    assert second.status == Status.DONE and second.created_ids == []
    assert sorted(Contact.objects.filter(user=user).values_list("name", flat=True)) == [
        "Kenji Watanabe", "Priya Raman", "Tomás Oliveira",
    ]


def test_a_run_whose_message_was_lost_mid_way_is_asked_for_again_and_frees_the_next(
    user, django_capture_on_commit_callbacks
):
    """One import at a time must not mean none for ever: a running import that stopped
    moving (its worker died and the broker lost the message) is asked for again."""
    stuck, waiting = (
        services.preview(user, sample(name), name).batch for name in ("google.csv", "apple.vcf")
    )
    for batch in (stuck, waiting):
        services.confirm(batch, {})
    ImportBatch.objects.filter(pk=stuck.pk).update(status=Status.RUNNING)
    rows = services.plan([r["record"] for r in stuck.rows], services.Index.for_user(user))
    assert services.import_chunk(stuck, rows, 0, 2, {})  # one chunk, then the worker died
    stuck.refresh_from_db()
    assert stuck.progressed_at is not None
    now = timezone.now()
    with django_capture_on_commit_callbacks() as sent:
        services.resume_stalled(now + timedelta(minutes=4))
    assert len(sent) == 1  # only the queued one, which waits on the running one
    with django_capture_on_commit_callbacks() as sent:
        assert services.resume_stalled(now + timedelta(minutes=6)) == 2
    assert len(sent) == 2  # and the one that has not moved for five minutes
    assert services.run_import(stuck.pk) == 4  # goes on where it stopped, then frees…
    assert services.run_import(waiting.pk) > 0  # …the next
    assert ImportBatch.objects.filter(status=Status.DONE).count() == 2


def test_a_run_that_died_mid_way_goes_on_where_it_stopped(user):
    preview = services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch
    services.confirm(preview, {})
    batch = ImportBatch.objects.get()
    # One chunk of two rows done, then the worker died (status still running).
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.RUNNING)
    rows = services.plan([r["record"] for r in batch.rows], services.Index.for_user(user))
    assert services.import_chunk(batch, rows, 0, 2, {})
    assert Contact.objects.count() == 2
    services.run_import(batch.pk, chunk=2)
    batch.refresh_from_db()
    assert batch.status == Status.DONE and batch.done == 5
    assert Contact.objects.count() == 3 and len(batch.created_ids) == 3


class Killed(BaseException):
    """The worker's process killed mid-run: nothing after it runs, not even except
    Exception (run_import records an exception as a failure)."""


def test_a_file_that_kills_its_worker_every_time_is_given_up_on(
    user, client_logged_in, django_capture_on_commit_callbacks, monkeypatch
):
    """Acknowledged late, a killed run's message comes again at once: each run that
    claims the import counts, and the delivery after the third gives it up (failed,
    and its page says why) instead of taking the long jobs' worker for ever; the
    user's next import is asked for, and what the runs added stays, undoable."""
    doomed, waiting = (
        services.preview(user, sample(name), name).batch
        for name in ("linkedin_connections.csv", "apple.vcf")
    )
    for batch in (doomed, waiting):
        services.confirm(batch, {})
    real_chunk = services.import_chunk

    def chunk_then_killed(batch, rows, start, end, organizations):
        real_chunk(batch, rows, start, end, organizations)
        raise Killed

    monkeypatch.setattr(services, "import_chunk", chunk_then_killed)
    for attempt in (1, 2, 3):
        with pytest.raises(Killed):
            services.run_import(doomed.pk, chunk=1)
        doomed.refresh_from_db()
        assert (doomed.status, doomed.attempts, doomed.done) == (Status.RUNNING, attempt, attempt)

    with django_capture_on_commit_callbacks() as sent:
        assert services.run_import(doomed.pk, chunk=1) == 0
    doomed.refresh_from_db()
    assert (doomed.status, doomed.attempts, doomed.done) == (Status.FAILED, 3, 3)
    assert "stopped 3 times without finishing" in doomed.error
    assert len(sent) == 1  # the waiting import, asked for now
    page = client_logged_in.get(reverse("imports:batch", args=[doomed.pk])).content.decode()
    assert "The import stopped after 3 of 5 rows: its worker stopped 3 times" in page
    made = [row for row in doomed.rows[:3] if row["action"] in (CREATE, SIMILAR)]
    assert made and Contact.objects.filter(user=user).count() == len(made)  # undoable
    assert [row["action"] for row in doomed.rows[3:]] == [NOT_IMPORTED] * 2
    assert doomed.counts[NOT_IMPORTED] == 2 and doomed.created_count == len(made)

    monkeypatch.setattr(services, "import_chunk", real_chunk)
    assert services.run_import(waiting.pk) > 0
    assert ImportBatch.objects.get(pk=waiting.pk).status == Status.DONE


def test_a_failed_import_says_which_rows_it_did_not_reach(user, client_logged_in, monkeypatch):
    """An import that fails mid-way keeps what its finished chunks added, and its page
    lists the rows past where it stopped as not imported, not as added or matched: the
    counts are of what happened."""
    make_contact(user, name="Ann Already", email="ann@example.com")
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"] + [
        f"{first},{last},,{first}@example.com,{org},Engineer,01 Jan 2024"
        for first, last, org in [("Bruno", "Okafor", "Acme"), ("Chidi", "Lindqvist", "Globex"),
                                 ("Dana", "Whitfield", "Initech"), ("Emeka", "Sato", "Umbrella")]
    ] + ["Ann,Already,,ann@example.com,Acme,Engineer,01 Jan 2024"]
    batch = services.preview(user, "\n".join(lines).encode(), "c.csv").batch
    services.confirm(batch, {})
    real_chunk = services.import_chunk

    def fails_on_the_third(batch, rows, start, end, organizations):
        if start == 2:
            raise RuntimeError("the disk is full")
        return real_chunk(batch, rows, start, end, organizations)

    monkeypatch.setattr(services, "import_chunk", fails_on_the_third)
    assert services.run_import(batch.pk, chunk=1) == 0
    batch.refresh_from_db()
    assert (batch.status, batch.done) == (Status.FAILED, 2)
    assert [row["action"] for row in batch.rows] == [CREATE, CREATE] + [NOT_IMPORTED] * 3
    assert batch.rows[4]["planned"] == MATCH and batch.rows[4]["contact"] is None
    assert batch.counts == {CREATE: 2, NOT_IMPORTED: 3} and batch.created_count == 2
    assert Contact.objects.filter(user=user).count() == 3  # Ann and the two added

    url = reverse("imports:batch", args=[batch.pk])
    page = client_logged_in.get(url).content.decode()
    assert "The import stopped after 2 of 5 rows: RuntimeError: the disk is full" in page
    assert page.count("Not imported: the import stopped before this row") == 3
    assert page.count("Added.") == 2 and "Already in netcrm as" not in page
    assert "<strong>3</strong> not imported" in page
    shown = client_logged_in.get(url, {"show": NOT_IMPORTED}).content.decode()
    assert shown.count("Not imported: the import stopped") == 3 and "Added." not in shown
    progress = client_logged_in.get(
        reverse("imports:batch-progress", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert "Stopped after 2 of 5 rows" in progress.content.decode()
    assert progress["HX-Redirect"] == url


def test_a_run_after_a_killed_one_goes_on_and_counts(user):
    """A worker killed once (a deploy, say) is no reason to give up: the next run
    finishes the import, having claimed it a second time."""
    preview = services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch
    services.confirm(preview, {})
    ImportBatch.objects.filter(pk=preview.pk).update(status=Status.RUNNING, attempts=1)
    assert services.run_import(preview.pk) == 5
    preview.refresh_from_db()
    assert (preview.status, preview.attempts) == (Status.DONE, 2)


def test_the_import_makes_a_few_queries_per_chunk_whatever_the_rows(user):
    def queries(count: int) -> int:
        lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"] + [
            f"P{i},Q{count},https://linkedin.com/in/p{i}-{count},,Org {i % 3},,1 Jan 2020"
            for i in range(count)
        ]
        batch = services.preview(user, "\n".join(lines).encode(), "x.csv").batch
        services.confirm(batch, {})
        with CaptureQueriesContext(connection) as captured:
            services.run_import(batch.pk)
        return len(captured)

    for i in range(3):
        Organization.objects.create(user=user, name=f"Org {i}")
    # The claim in its own savepoint, the chunk, and the look for an import waiting on it.
    assert queries(300) <= queries(10) <= 16


def test_summary_lines(user):
    batch = import_now(user, "linkedin_connections.csv")
    assert services.summary_lines(batch) == [
        "linkedin_connections.csv (LinkedIn connections): 5 rows",
        "  created: 3", "  matched: 0 (filled in 0)", "  twice in the file, merged: 1",
        "  skipped: 1", "    line 7: no name",
    ]


def test_netcrms_own_vcard_imported_back_creates_nothing(user, other_user):
    """Exported by netcrm (portability), imported again: every person is found, the
    name-only one by the export's UID; another user importing the file finds no one."""
    from contacts.models import Contact
    from imports.services import CREATE, MATCH, preview
    from portability.exports import contacts_vcard
    from tests.factories import make_contact

    make_contact(user, "Name Only", organization="Acme")
    make_contact(user, "Sara Smith", email="sara@example.com", phone="+1 415 555 0123")
    make_contact(user, "Jo, the; Odd\nName", links="https://linkedin.com/in/jo-odd")
    data = contacts_vcard(user).encode()
    before = Contact.objects.count()

    rows = preview(user, data, "netcrm.vcf", save=False).rows
    assert [row["action"] for row in rows] == [MATCH] * 3, rows
    assert "exported from netcrm" in next(r for r in rows if r["record"]["name"] == "Name Only")["reason"]
    assert Contact.objects.count() == before

    theirs = preview(other_user, data, "netcrm.vcf", save=False).rows
    assert [row["action"] for row in theirs] == [CREATE] * 3  # a UID names only its owner's


def test_a_confirm_answer_of_5000_digits_is_a_different_person_not_an_error(user):
    """Found by the hostile-input test: int() of a 5,000-digit answer raised."""
    from contacts.models import Contact
    from imports.models import ImportBatch
    from imports.services import confirm, preview
    from tests.factories import make_contact

    make_contact(user, "Sarah Smith", organization="Acme")
    batch = preview(user, b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                          b"Sara,Smith,,,Acme,,1 Jan 2020\n", "c.csv").batch
    assert confirm(batch, {"row-0": "9" * 5000})
    assert ImportBatch.objects.get(pk=batch.pk).decisions == {}
    assert Contact.objects.count() == 1  # nothing imported yet: the worker does that


def test_a_name_only_row_imported_again_is_a_question_not_a_second_contact(user):
    """A row with nothing but a name (no email, phone, address or organization): the
    same file imported twice asks whether it is the same person, and says different
    only when the user does; a name alone never merges anyone by itself."""
    file = b"Name,Given Name,Family Name,Notes\r\nNoemail Person,Noemail,Person,met once\r\n"
    first = services.preview(user, file, "google.csv").batch
    assert first.rows[0]["action"] == CREATE
    assert services.confirm(first, {})
    services.run_import(first.pk)
    again = services.preview(user, file, "google.csv").batch
    row = again.rows[0]
    person = Contact.objects.get(name="Noemail Person")
    assert row["action"] == SIMILAR
    assert row["similar"] == [
        {"id": person.pk, "name": "Noemail Person", "organization": "", "score": 100}
    ]
    assert services.confirm(again, {"row-0": "0"})  # "the same person"
    services.run_import(again.pk)
    assert Contact.objects.filter(name="Noemail Person").count() == 1
    # Someone of that name at an organization may be them too (nothing tells the two
    # apart, as the duplicates page and the add form ask); at another organization,
    # someone else (test_views: the same name at two organizations).
    at_acme = make_contact(user, "Other Person", organization="Acme")
    other = services.preview(user, file.replace(b"Noemail", b"Other"), "google.csv").batch
    assert other.rows[0]["action"] == SIMILAR
    assert [c["id"] for c in other.rows[0]["similar"]] == [at_acme.pk]


def test_netcrm_s_own_spreadsheet_export_comes_back_as_it_went(user, other_user):
    # Export "Contacts for a spreadsheet", put it right in a spreadsheet, import it.
    from portability.exports import contacts_csv

    acme = make_organization(user, "Acme Analytics")
    sara = make_contact(user, "Sara Smith", organization=acme, title="Data Lead",
                        email="sara@acme.example", phone="+1 503 555 0142", source="event",
                        links="https://www.linkedin.com/in/sara-smith", notes="Knows everyone.\nCall mornings.")
    sara.tags.add("mentor", "data")
    make_contact(user, "=cmd|' /C calc'!A0", email="x@example.com")  # a spreadsheet would run it: quoted out, back
    exported = contacts_csv(user).encode()
    assert b"'+1 503 555 0142" in exported

    batch = import_now(other_user, exported, filename="contacts.csv")
    assert batch.format == "netcrm contacts CSV" and batch.created_count == 2
    again = Contact.objects.for_user(other_user).select_related("organization").get(name="Sara Smith")
    assert (again.organization.name, again.title, again.email, again.phone) == (
        "Acme Analytics", "Data Lead", "sara@acme.example", "+1 503 555 0142"
    )
    assert again.source == "event" and "linkedin.com/in/sara-smith" in again.links
    assert "Knows everyone.\nCall mornings." in again.notes
    assert sorted(again.tags.names()) == ["data", "mentor"]
    assert Contact.objects.for_user(other_user).filter(name="=cmd|' /C calc'!A0").exists()

    # The same file again, into the account it came from: nobody twice.
    again = import_now(user, exported, filename="contacts.csv")
    assert again.created_count == 0 and Contact.objects.for_user(user).count() == 2


def test_a_german_outlooks_file_is_imported_as_an_english_one_is(user):
    """Its translated columns, in Windows-1252 with ";" between them, stored as the
    English ones are: the file was refused as not a file netcrm can read."""
    batch = import_now(user, GERMAN_OUTLOOK.encode("cp1252"), filename="Kontakte.CSV")
    assert batch.status == Status.DONE and batch.format == "Outlook CSV"
    juergen = Contact.objects.get(name="Jürgen Müller")
    assert juergen.organization.name == "Fabrikam Köln GmbH" and juergen.title == "Leiter Einkauf"
    assert juergen.email == "juergen.mueller@example.de" and juergen.phone == "+49 221 1234567"
    assert "Birthday: 21 July 1990" in juergen.notes
    assert sorted(t.name for t in juergen.tags.all()) == ["Kunden", "Köln"]
    assert Contact.objects.filter(name="Änne Groß").exists()
