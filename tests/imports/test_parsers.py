"""Each format as the services really export it, told from the file itself."""

from __future__ import annotations

import codecs

import pytest

from imports.parsers import Unreadable, decode, read
from tests.imports.helpers import (
    FRENCH_OUTLOOK,
    GERMAN_OUTLOOK,
    IPHONE_COMPANY,
    SPANISH_OUTLOOK,
    sample,
)


def by_name(name: str) -> dict:
    return {r.name: r for r in read(sample(name)).records}


def test_linkedin_with_its_notes_preamble():
    parsed = read(sample("linkedin_connections.csv"))
    assert parsed.format == "LinkedIn connections"
    priya, tomas, nameless, priya_again, kenji = parsed.records
    assert (priya.name, priya.organization, priya.title) == ("Priya Raman", "Northwind Traders", "Data Engineer")
    assert priya.urls == ["https://www.linkedin.com/in/priya-raman-demo"]
    assert priya.connected_on == "2024-03-12" and priya.source == "online"
    assert "Connected on LinkedIn on 12 March 2024." in priya.notes
    assert tomas.organization == "Contoso, Ltd." and tomas.emails == ["tomas.oliveira@example.com"]
    assert nameless.problem == "no name" and nameless.line == 7
    assert kenji.title == "Founder & CEO" and kenji.organization == ""


def test_linkedin_resaved_with_a_utf8_byte_order_mark():
    data = sample("linkedin_bom.csv")
    assert data.startswith(codecs.BOM_UTF8)
    (elodie,) = read(data).records
    assert elodie.name == "Élodie Marchand" and elodie.connected_on == "2020-09-07"


def test_google_csv_multi_values_labels_and_a_note_over_lines():
    parsed = read(sample("google.csv"))
    assert parsed.format == "Google Contacts CSV"
    amara, rafael, nameless, dana = parsed.records
    assert amara.emails == ["amara.okafor@example.org", "amara@example.com"]
    assert amara.phones == ["(415) 555-0134", "+1 415 555 0199"]
    assert amara.urls == ["https://www.linkedin.com/in/amara-okafor-demo"]
    assert amara.notes.splitlines() == [
        "Met at the PyData meetup.", "Said to call any time,", "and to mention Priya.",
        "Birthday: 21 July 1990",
    ]
    assert amara.tags == ["Mentors", "Data people"]  # "* myContacts" is Google's own
    assert (amara.organization, amara.title) == ("Tailspin Toys", "Product Manager")
    assert rafael.organization == "Contoso, Ltd." and rafael.tags == []
    assert "Birthday: 2 April" in rafael.notes  # no year
    assert nameless.problem == "no name"
    assert dana.name == "Dana Whitfield"  # no "Name": given and family names


def test_outlook_csv_in_windows_cp1252():
    data = sample("outlook.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = read(data)
    assert parsed.format == "Outlook CSV"
    jose, zoe, nameless = parsed.records
    assert jose.name == "José Núñez" and jose.organization == "Señales Ibéricas"
    assert jose.title == "Director de Ventas"  # "Title" (Mr.) is not the job
    assert jose.phones == ["+34 912 345 678", "+34 612 345 678"]
    assert jose.tags == ["Clients", "Spain"] and "Café on Tuesdays – prefers mornings." in jose.notes
    assert zoe.name == "Zoë Brontë-Smith" and "Birthday" not in zoe.notes  # 0/0/00 is no date
    assert nameless.problem == "no name"


def test_outlook_csv_in_utf16():
    data = sample("outlook_utf16.csv")
    assert data.startswith(codecs.BOM_UTF16_LE)
    wei, ingrid = read(data).records
    assert (wei.name, wei.organization) == ("Wei Zhang 张", "Litware 力软")
    assert ingrid.name == "Ingrid Søndergaard" and ingrid.emails == ["ingrid@example.dk"]


def test_utf16_without_its_mark_and_semicolons():
    text = "First Name;Last Name;E-mail Address;Company\r\nAnna;Kowalska;anna@example.pl;Łódź Labs\r\n"
    (anna,) = read(text.encode("utf-16-le")).records
    assert (anna.name, anna.organization) == ("Anna Kowalska", "Łódź Labs")


def test_apple_vcard_keeps_every_grouped_field_and_ignores_the_photo():
    data = sample("apple.vcf")
    assert b"\r\n" in data and b"PHOTO;ENCODING=b" in data and b"item2.EMAIL" in data
    astrid, olivier = read(data).records
    assert astrid.emails == ["astrid.lindqvist@northwind.example", "astrid@home.example"]
    assert astrid.urls == ["https://www.linkedin.com/in/astrid-lindqvist-demo", "https://twitter.com/astrid_demo"]
    assert astrid.organization == "Northwind Traders" and astrid.title == "Analytics Lead"
    assert "wants to hear about analytics roles" in astrid.notes  # a folded line, unfolded
    assert "Birthday: 15 March" in astrid.notes  # BDAY:--0315
    assert astrid.tags == ["Data people"]
    assert olivier.phones == ["+1 (212) 555-0187", "(212) 555-0111"]
    assert olivier.notes == "Birthday: 15 March"  # 1604-03-15, Apple's "no year"


def test_android_vcard_21_quoted_printable_and_folded():
    juergen, nadia, nameless = read(sample("android.vcf")).records
    assert juergen.name == "Jürgen Müller"  # quoted-printable UTF-8 over a soft line break
    assert juergen.organization == "Fabrikam Köln GmbH"
    assert juergen.notes == "Met at the Messe – über coffee, twice."  # the comma stays
    assert juergen.phones == ["+49 151 23456789", "+49 30 1234567"]
    assert nadia.urls == [
        "http://nadia-petrov.example.com/portfolio-with-a-rather-long-address-that-android-folds-over-lines"
    ]
    assert nameless.problem == "no name" and nameless.phones == ["+1 415-555-0177"]


def test_google_vcard_escapes():
    samir, grace = read(sample("google.vcf")).records
    assert samir.urls == ["https://www.linkedin.com/in/samir-haddad-demo"]  # https\://
    assert samir.notes.startswith("Met at the PyData meetup, said to call any time.\nLikes chess.")
    assert samir.tags == ["Mentors"] and grace.tags == []


def test_vcard_4():
    (lea,) = read(sample("v4.vcf")).records
    assert lea.name == "Léa Martin" and lea.phones == ["+33-6-12-34-56-78"]  # from tel: URI
    assert lea.organization == "Wide World Importers" and "Birthday: 15 March" in lea.notes


def test_lf_and_crlf_read_alike():
    crlf = sample("google.vcf")
    assert [r.as_dict() for r in read(crlf).records] == [
        r.as_dict() for r in read(crlf.replace(b"\r\n", b"\n")).records
    ]


@pytest.mark.parametrize("data, reason", [
    (sample("garbage.bin"), "it is not text"),
    (b"", "The file is empty."),
    (b"   \n", "The file is empty."),
    (codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le"), "The file is empty."),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), "it is not text"),
    (b"name,colour\nSara,blue\n", "a CSV without the columns"),
    ("Hello, I am a letter.".encode(), "a CSV without the columns"),
])
def test_what_is_not_a_contacts_file_says_why(data, reason):
    with pytest.raises(Unreadable, match=reason):
        read(data)


def test_a_broken_row_is_a_problem_not_the_end():
    text = 'First Name,Last Name,URL,Email Address,Company,Position,Connected On\n' \
           'Ana,Lima,https://linkedin.com/in/ana-demo,,Acme,,1 Jan 2020\n' \
           '"Bad,row\n'
    records = read(text.encode()).records
    assert records[0].name == "Ana Lima"
    assert records[-1].problem == "only 1 of the file's 7 columns"


def test_decode_prefers_utf8_then_cp1252():
    assert decode("Zoë".encode()) == "Zoë"
    assert decode("Zoë".encode("cp1252")) == "Zoë"


def test_a_record_with_line_breaks_in_its_cells_is_numbered_by_the_line_it_starts_on():
    text = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        '"Multi\nLine","Na\nme",,,"Org\nX",,\n'
        "Ann,Bay,,,Acme,,\n"
    ).encode()
    multi, ann = read(text).records
    assert (multi.line, ann.line) == (2, 6)  # three line breaks inside the first


@pytest.mark.parametrize("before", ["", "\n\n", "\r\n"])
def test_each_card_is_numbered_by_the_line_its_begin_is_on(before):
    """As the preview says where a card is: line 1 is the first, whatever comes before
    it and however many lines the cards before it were folded over."""
    text = before + (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Bay\r\nNOTE:a note folded\r\n  over a line\r\n"
        "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Carr\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Dunn\r\nEND:VCARD\r\n"
    )
    offset = before.count("\n")
    ann, bo, cy = read(text.encode()).records
    assert (ann.name, bo.name, cy.name) == ("Ann Bay", "Bo Carr", "Cy Dunn")
    assert (ann.line, bo.line, cy.line) == (1 + offset, 7 + offset, 11 + offset)


@pytest.mark.parametrize("written, day", [
    ("04 Dec 2026", "2026-12-04"),  # as LinkedIn writes it
    ("12/04/2026", "2026-12-04"),  # re-saved by Excel in the United States
    ("25/12/2026", "2026-12-25"),  # … in Britain or France: no 25th month
    ("25.12.2026", "2026-12-25"),  # … in Germany
    ("2026-12-25", "2026-12-25"),
])
def test_linkedin_connected_on_as_a_spreadsheet_rewrites_it(written, day):
    text = ("First Name;Last Name;URL;Email Address;Company;Position;Connected On\r\n"
            f"Ana;Lima;;;Acme;;{written}\r\n")
    (ana,) = read(text.encode("cp1252")).records
    assert ana.connected_on == day


def test_a_note_longer_than_the_csv_modules_cell_limit_loses_nobody():
    """Outlook keeps a pasted email thread in Notes: a cell over the csv module's
    128 KB stopped the file there, every row after it unread."""
    text = (
        "First Name,Last Name,E-mail Address,Notes\r\n"
        f'Ana,Lima,ana@example.com,"{"Thread. " * 40_000}"\r\n'
        "Ben,Okoro,ben@example.com,short\r\n"
    )
    ana, ben = read(text.encode()).records
    assert not ana.problem and len(ana.notes) == 10_000  # the notes' limit, as any
    assert (ben.name, ben.notes) == ("Ben Okoro", "short")



def test_a_companys_card_is_not_a_person():
    """The iPhone writes a company's card with its name as FN and no N, marked
    X-ABShowAs:COMPANY (vCard 4: KIND:org): skipped, as a card of no name is, and
    saying why. A person's card shown as their company keeps the person."""
    shown_as_company = IPHONE_COMPANY.replace("N:;;;;", "N:Berg;Anna;;;").replace(
        "X-ABShowAs:COMPANY", "TITLE:Engineering manager\r\nX-ABShowAs:COMPANY"
    )
    v4 = "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Globex\r\nORG:Globex\r\nEND:VCARD\r\n"
    acme, anna, globex = read((IPHONE_COMPANY + shown_as_company + v4).encode()).records
    assert acme.problem == "a company's card, not a person" and acme.line == 1
    assert globex.problem == "a company's card, not a person"
    assert (anna.name, anna.organization, anna.problem) == ("Anna Berg", "Acme Corp", "")
    assert anna.title == "Engineering manager"


def test_german_outlook_csv():
    data = GERMAN_OUTLOOK.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = read(data)
    assert parsed.format == "Outlook CSV"
    juergen, aenne = parsed.records
    assert juergen.name == "Jürgen Müller"  # not "Herr", the title
    assert (juergen.organization, juergen.title) == ("Fabrikam Köln GmbH", "Leiter Einkauf")
    assert juergen.emails == ["juergen.mueller@example.de", "j.mueller@example.com"]
    assert juergen.phones == ["+49 221 1234567", "+49 151 23456789"]
    assert juergen.urls == ["https://fabrikam.example.de/jm"]
    assert juergen.tags == ["Kunden", "Köln"]
    assert juergen.notes.splitlines() == ["Über die Messe – zweimal.", "Birthday: 21 July 1990"]
    assert (aenne.name, aenne.notes, aenne.problem) == ("Änne Groß", "", "")  # 0.0.00 is no date


def test_french_outlook_csv_names_title_and_job_title_alike():
    """French Outlook calls both Mr./Mrs. and the job "Titre": the job is the later."""
    lea, francois = read(FRENCH_OUTLOOK.encode("cp1252")).records
    assert lea.name == "Léa Hélène Martin"
    assert (lea.organization, lea.title) == ("Société Générale d'Études", "Directrice des achats")
    assert lea.emails == ["lea.martin@example.fr", "lea@example.com"]
    assert lea.phones == ["+33 1 42 68 53 00", "+33 6 12 34 56 78"]
    assert lea.urls == ["https://example.fr/lea"] and lea.tags == ["Clients"]
    assert lea.notes.splitlines() == ["Café à Noël, très gentille.", "Birthday: 5 July 1990"]
    assert (francois.name, francois.title) == ("François Lefèvre", "")  # not "M."
    assert francois.emails == ["francois@example.fr"]


def test_french_outlook_csv_with_commas():
    text = FRENCH_OUTLOOK.replace('";"', '","')
    assert [r.as_dict() for r in read(text.encode("cp1252")).records] == [
        r.as_dict() for r in read(FRENCH_OUTLOOK.encode("cp1252")).records
    ]


def test_spanish_outlook_csv():
    (jose,) = read(SPANISH_OUTLOOK.encode("cp1252")).records
    assert (jose.name, jose.organization, jose.title) == (
        "José Núñez", "Señales Ibéricas", "Director de Ventas")
    assert jose.emails == ["jose.nunez@example.es"]
    assert jose.phones == ["+34 912 345 678", "+34 612 345 678"]
    assert jose.urls == ["https://senales.example.es/jose"] and jose.tags == ["Clientes"]
    assert jose.notes.splitlines() == ["Café los martes – prefiere mañanas.", "Birthday: 15 March 1985"]


def test_a_localized_outlook_in_utf16():
    """Outlook's "Unicode" CSV: the same columns, tab-separated sometimes."""
    text = GERMAN_OUTLOOK.replace('";"', '"\t"')
    juergen, _ = read(codecs.BOM_UTF16_LE + text.encode("utf-16-le")).records
    assert (juergen.name, juergen.organization) == ("Jürgen Müller", "Fabrikam Köln GmbH")


def test_an_unknown_csv_says_what_netcrm_looks_for():
    with pytest.raises(Unreadable) as error:
        read("Nom;Couleur\r\nSara;bleu\r\n".encode("cp1252"))
    message = str(error.value)
    assert "First Name, Last Name, E-mail Address" in message
    assert "Outlook in English, German, French or Spanish" in message
    assert message.endswith("this file's first line is “Nom;Couleur”.")
