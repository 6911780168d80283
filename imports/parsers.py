"""Reading the files people export from LinkedIn, Google, Outlook, their phones and
netcrm itself.

The format is told from the file itself: a vCard begins with BEGIN:VCARD; a CSV is
known by its header row (LinkedIn puts a few lines of "Notes:" before it). Each
format is one class in `CSV_FORMATS`, asked in turn whether a header row is its
own. Every row becomes a `Record` (or a `Record` with a `problem`, and why), one by
one, so one bad row never stops the rest.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 (Outlook's "Unicode"
CSV), and legacy Windows cp1252 when the bytes are not UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice

from vobject.base import ParseError, getLogicalLines, parseLine

from contacts.identity import normal_email, normal_phone, normal_url
from contacts.models import Source, link_href
from netcrm.lib.text import CONTROL_CHARACTERS
from portability.exports import FORMULA_STARTS

NAME_LENGTH = 200
TEXT_LENGTH = 10_000
HEADER_SEARCH_ROWS = 30
DELIMITERS = (",", "\t", ";")
# A cell as long as the file (Outlook keeps a pasted email thread in Notes): the csv
# module's own limit, 128 KB, stopped the file at such a cell. Process-wide; the cells
# are cut to their fields' lengths once read.
csv.field_size_limit(2**31 - 1)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


class Unreadable(Exception):
    """Not a file netcrm can read; the message says why, for the person who sent it."""


class Refused(Unreadable):
    """A file netcrm can read and does not import; the message is a whole sentence."""


class NoPeople(Refused):
    """A file with nobody in it (a CSV of its header row alone)."""


class TooManyRows(Refused):
    """More people than one import takes (settings.IMPORT_MAX_ROWS)."""


@dataclass
class Record:
    """One person as a file describes them, in netcrm's terms."""

    line: int
    name: str = ""
    organization: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    source: str = str(Source.KNEW)
    connected_on: str = ""  # LinkedIn's "Connected On", ISO
    uid: str = ""  # a vCard's UID: netcrm's own export names the contact ("netcrm-contact-<pk>")
    problem: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Parsed:
    format: str  # "LinkedIn connections", …
    records: list[Record]


# --- Text -----------------------------------------------------------------------------


def one_line(value: str | None, limit: int = NAME_LENGTH) -> str:
    return " ".join(CONTROL_CHARACTERS.sub("", value or "").split())[:limit]


def many_lines(value: str | None, limit: int = TEXT_LENGTH) -> str:
    text = CONTROL_CHARACTERS.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()[:limit]


def decode(data: bytes) -> str:
    """The file's text, whatever of the usual encodings it is in."""
    text = None
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    if text is None:
        sample = data[:4000]
        if sample[1::2].count(0) > len(sample) // 3:  # UTF-16 without its mark
            text = data.decode("utf-16-le", errors="replace")
        elif sample[0::2].count(0) > len(sample) // 3:
            text = data.decode("utf-16-be", errors="replace")
    if text is None:
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if not text.strip():  # (a byte-order mark alone too)
        raise NoPeople("The file is empty.")  # as the form says of a file of no bytes
    controls = len(CONTROL_CHARACTERS.findall(text[:20_000]))
    if "\x00" in text or controls > max(2, len(text[:20_000]) // 200):
        raise Unreadable(
            "it is not text (an image, a spreadsheet or an archive?). "
            "Export your contacts as CSV or vCard (.vcf) and upload that."
        )
    return text


def read(data: bytes) -> Parsed:
    """The records of a LinkedIn, Google, Outlook or netcrm CSV, or a vCard file."""
    text = decode(data)
    if text.lstrip().upper().startswith("BEGIN:VCARD"):
        parsed = Parsed("vCard", list(read_vcards(text)))
        only = ""
    else:
        parsed = read_csv(text)
        only = ", only its header row"
    if not parsed.records:
        raise NoPeople(f"This file has no people in it{only}: there is nothing to import.")
    return parsed


# --- CSV ------------------------------------------------------------------------------


def split_values(value: str | None, separator: str = ":::") -> list[str]:
    return [part.strip() for part in (value or "").split(separator) if part.strip()]


def emails_in(values: list[str]) -> list[str]:
    return unique(values, normal_email)


def phones_in(values: list[str]) -> list[str]:
    return unique(values, normal_phone)


def urls_in(values: list[str]) -> list[str]:
    return unique([v for v in values if link_href(v.strip())], normal_url)


def unique(values: list[str], normal) -> list[str]:
    """The values that are one (an email, a phone, an address), each person's once."""
    seen, kept = set(), []
    for value in values:
        value = one_line(value, 500)
        key = normal(value)
        if key and key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def birthday_line(value: str, omit_year: bool = False, day_first: bool = False) -> str:
    """"Birthday: 15 March" or "Birthday: 21 July 1990"; "" if it is no date.

    Outlook writes the date as Windows does where it runs: month first in English
    ("7/21/1990"), day first in French and Spanish ("21/07/1990", `day_first`) and in
    German ("21.07.1990", always day first)."""
    value = (value or "").strip()
    found = (
        re.fullmatch(r"--(\d\d)-?(\d\d)", value)
        or re.fullmatch(r"(\d{4})-?(\d\d)-?(\d\d)(?:T.*)?", value)
        or re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", value)  # Outlook's
    )
    if not found:
        return ""
    parts = [int(p) for p in found.groups()]
    if len(parts) == 2:
        year, month, day = None, *parts
    elif "." in value or ("/" in value and day_first):
        day, month, year = parts
    elif "/" in value:
        month, day, year = parts
    else:
        year, month, day = parts
    if year in (1604, 1900) or omit_year:  # Apple writes 1604 (X-APPLE-OMIT-YEAR) for "no year"
        year = None
    try:
        date(year or 2000, month, day)
    except ValueError:
        return ""
    return f"Birthday: {day} {MONTHS[month - 1]}" + (f" {year}" if year else "")


def join_notes(*parts: str) -> str:
    return many_lines("\n".join(p for p in parts if p and p.strip()))


class CsvFormat:
    """One service's CSV: which header row is its own, and how a row reads."""

    label = ""
    source = str(Source.KNEW)

    def matches(self, header: set[str]) -> bool:
        raise NotImplementedError

    def record(self, row: dict[str, str], line: int) -> Record:
        raise NotImplementedError


def columns(row: dict[str, str], pattern: str) -> list[str]:
    """The values of every column whose (lower-case) name matches `pattern`, in order."""
    return [value for name, value in row.items() if re.fullmatch(pattern, name) and value]


class LinkedIn(CsvFormat):
    label = "LinkedIn connections"
    source = str(Source.ONLINE)

    def matches(self, header):
        return {"first name", "last name", "url", "connected on"} <= header

    def record(self, row, line):
        connected = connected_on(row.get("connected on", ""))
        return Record(
            line=line,
            name=one_line(f"{row.get('first name', '')} {row.get('last name', '')}"),
            organization=one_line(row.get("company")), title=one_line(row.get("position")),
            emails=emails_in([row.get("email address", "")]),
            urls=urls_in([row.get("url", "")]), source=self.source,
            connected_on=connected.isoformat() if connected else "",
            notes=(f"Connected on LinkedIn on {connected.day} {MONTHS[connected.month - 1]} "
                   f"{connected.year}." if connected else ""),
        )


def connected_on(value: str) -> date | None:
    """LinkedIn's "04 Dec 2026", or the date a spreadsheet wrote in its place once the
    file was saved again: month first in the United States, day first where no month
    comes first ("25/12/2026") and in Germany's "25.12.2026"."""
    for pattern in ("%d %b %Y", "%d-%b-%y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y",
                    "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


class GoogleCsv(CsvFormat):
    label = "Google Contacts CSV"

    def matches(self, header):
        names = {"name", "given name", "first name"} & header
        return bool(names) and bool(
            {"e-mail 1 - value", "group membership", "labels", "given name"} & header
        )

    def record(self, row, line):
        name = row.get("name") or " ".join(
            row.get(c, "") for c in ("name prefix", "given name", "first name", "additional name",
                                     "middle name", "family name", "last name", "name suffix")
        )
        labels = split_values(row.get("labels") or row.get("group membership"))
        return Record(
            line=line, name=one_line(name),
            organization=one_line(row.get("organization 1 - name") or row.get("organization name")),
            title=one_line(row.get("organization 1 - title") or row.get("organization title")),
            emails=emails_in([v for c in columns(row, r"e-mail \d+ - value") for v in split_values(c)]),
            phones=phones_in([v for c in columns(row, r"phone \d+ - value") for v in split_values(c)]),
            urls=urls_in([v for c in columns(row, r"website \d+ - value") for v in split_values(c)]),
            notes=join_notes(row.get("notes", ""), birthday_line(row.get("birthday", ""))),
            tags=[one_line(t, 90) for t in labels if not t.startswith("*")],
        )


class OutlookCsv(CsvFormat):
    """Outlook's CSV, in English or as a localized Outlook writes it: the same columns
    under translated names (`headers`: each one's name in English, lower case)."""

    label = "Outlook CSV"

    def __init__(self, headers: dict[str, str] | None = None, day_first: bool = False):
        self.headers = {name.lower(): english for name, english in (headers or {}).items()}
        self.day_first = day_first

    def in_english(self, name: str) -> str:
        return self.headers.get(name, name)

    def matches(self, header):
        header = {self.in_english(name) for name in header}
        return {"first name", "last name"} <= header and bool(
            {"e-mail address", "business phone", "mobile phone"} & header
        )

    def record(self, row, line):
        row = {self.in_english(name): value for name, value in row.items()}
        name = " ".join(row.get(c, "") for c in ("first name", "middle name", "last name", "suffix"))
        return Record(
            line=line, name=one_line(name), organization=one_line(row.get("company")),
            title=one_line(row.get("job title")),  # "Title" is Mr., Dr.…
            emails=emails_in(columns(row, r"e-mail( \d)? address")),
            phones=phones_in(columns(row, r"(mobile|business|home|primary|other|car) phone( \d)?"
                                          r"|company main telephone")),
            urls=urls_in(columns(row, r"(personal )?web page")),
            notes=join_notes(row.get("notes", ""),
                             birthday_line(row.get("birthday", ""), day_first=self.day_first)),
            tags=[one_line(t, 90) for t in split_values(row.get("categories"), ";")],
        )


# The columns a localized Outlook writes, by their English names; only those netcrm
# reads. Each list is as other importers of Outlook's files read them, and only
# languages for which such a list was found are here (none was for Dutch).
#
# German: Roundcube's program/localization/de_DE/csv2vcard.inc (roundcube/roundcubemail)
# and lookout.el's lookout-bbdb-mapping-table-outlook-german (Ulf Jasper, for Emacs).
OUTLOOK_GERMAN = {
    "Vorname": "first name", "Weitere Vornamen": "middle name", "Nachname": "last name",
    "Firma": "company", "Position": "job title",
    "E-Mail-Adresse": "e-mail address", "E-Mail 2: Adresse": "e-mail 2 address",
    "E-Mail 3: Adresse": "e-mail 3 address",
    "Telefon geschäftlich": "business phone", "Telefon geschäftlich 2": "business phone 2",
    "Telefon privat": "home phone", "Telefon privat 2": "home phone 2",
    "Mobiltelefon": "mobile phone", "Mobiltelefon 2": "mobile phone 2",
    "Autotelefon": "car phone", "Weiteres Telefon": "other phone",
    "Haupttelefon": "primary phone", "Telefon Firma": "company main telephone",
    "Webseite": "web page", "Notizen": "notes", "Geburtstag": "birthday",
    "Kategorien": "categories",
}
# French: Open-Xchange's FrenchOutlookMapper (com.openexchange.groupware.contact.mappers,
# "generated automatically from i18n files"), Roundcube's fr_FR/csv2vcard.inc, and the
# header row Polytechnique-org/platal writes for French Outlook. French Outlook names
# both Title (M., Mme) and Job Title "Titre", in that order: a row's "titre" is the
# later column's, the job. Its "Société " and "Service " end in a space, which the
# header's cells lose when read.
OUTLOOK_FRENCH = {
    "Prénom": "first name", "Deuxième prénom": "middle name", "Nom": "last name",
    "Suffixe": "suffix", "Société": "company", "Titre": "job title",
    "Adresse de messagerie": "e-mail address", "Adresse de messagerie 2": "e-mail 2 address",
    "Adresse de messagerie 3": "e-mail 3 address",
    "Téléphone (bureau)": "business phone", "Téléphone 2 (bureau)": "business phone 2",
    "Téléphone (domicile)": "home phone", "Téléphone 2 (domicile)": "home phone 2",
    "Tél. mobile": "mobile phone", "Téléphone (voiture)": "car phone",
    "Téléphone (autre)": "other phone", "Téléphone principal": "primary phone",
    "Téléphone société": "company main telephone",
    "Page Web": "web page", "Notes": "notes", "Anniversaire": "birthday",
    "Catégories": "categories",
}
# Spanish: Roundcube's es_ES/csv2vcard.inc. Spanish Outlook leaves some columns in
# English ("E-mail Address", "Mobile Phone", "Notes"), which the English names read.
OUTLOOK_SPANISH = {
    "Nombre": "first name", "Segundo nombre": "middle name", "Apellidos": "last name",
    "Organización": "company", "Puesto": "job title",
    "Dirección de correo electrónico 2": "e-mail 2 address",
    "Dirección del correo electrónico 3": "e-mail 3 address",
    "Teléfono del trabajo": "business phone", "Particular": "home phone",
    "Otro teléfono": "other phone", "Teléfono principal": "primary phone",
    "Página web": "web page", "Categorías": "categories",
}


class NetcrmCsv(CsvFormat):
    """netcrm's own "Contacts for a spreadsheet": exported, put right in a spreadsheet,
    brought back (portability/exports.py writes it)."""

    label = "netcrm contacts CSV"

    def matches(self, header):
        return {"name", "organization", "title", "email", "phone", "how you met"} <= header

    def record(self, row, line):
        cell = {name: as_typed(value) for name, value in row.items()}
        return Record(
            line=line, name=one_line(cell.get("name")),
            organization=one_line(cell.get("organization")), title=one_line(cell.get("title")),
            emails=emails_in(split_values(cell.get("email"), ",")),
            phones=phones_in(split_values(cell.get("phone"), ",")),
            urls=urls_in(split_values(cell.get("links"), "\n")),
            notes=many_lines(cell.get("notes")),
            tags=[one_line(t, 90) for t in split_values(cell.get("tags"), ",")],
            source=SOURCE_BY_LABEL.get((cell.get("how you met") or "").strip().casefold(), self.source),
        )


# "How you met" as the export writes it (its label), back to its value.
SOURCE_BY_LABEL = {label.casefold(): value for value, label in Source.choices}


def as_typed(value: str | None) -> str:
    """A cell as the person typed it: the export's quote before what a spreadsheet
    would run as a formula ("'+1 503 555 0142") taken off again."""
    value = value or ""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


CSV_FORMATS: list[CsvFormat] = [
    LinkedIn(), GoogleCsv(), OutlookCsv(), OutlookCsv(OUTLOOK_GERMAN),
    OutlookCsv(OUTLOOK_FRENCH, day_first=True), OutlookCsv(OUTLOOK_SPANISH, day_first=True),
    NetcrmCsv(),
]


def find_header(text: str) -> tuple[CsvFormat, str, int] | None:
    """The format, the delimiter, and how many rows come before the header."""
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for skipped, row in enumerate(islice(reader, HEADER_SEARCH_ROWS)):
                header = {cell.strip().lower() for cell in row}
                for fmt in CSV_FORMATS:
                    if fmt.matches(header):
                        return fmt, delimiter, skipped
        except csv.Error:
            continue
    return None


def read_csv(text: str) -> Parsed:
    found = find_header(text)
    if found is None:
        first = one_line(next((line for line in text.splitlines() if line.strip()), ""), 80)
        raise Unreadable(
            "a CSV without the columns of a LinkedIn, Google, Outlook or netcrm export. "
            "netcrm looks for a header row such as LinkedIn's “First Name, Last Name, URL, "
            "Connected On” or Outlook's “First Name, Last Name, E-mail Address” (Outlook in "
            f"English, German, French or Spanish); this file's first line is “{first}”."
        )
    fmt, delimiter, skipped = found
    return Parsed(fmt.label, list(csv_records(text, fmt, delimiter, skipped)))


def csv_records(text: str, fmt: CsvFormat, delimiter: str, skipped: int) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    index = -1
    while True:
        # The line a record starts on: one with a quoted line break in a cell ends
        # lines later, where the reader's own count stands.
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Record(line=reader.line_num, problem=f"the rest of the file can't be read ({error})")
            return
        index += 1
        if index < skipped:
            continue  # LinkedIn's "Notes:" lines
        if header is None:
            header = [cell.strip().lower() for cell in row]
            continue
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) < len(header) // 2:
            yield Record(line=start,
                         problem=f"only {len(row)} of the file's {len(header)} columns")
            continue
        values = dict(zip(header, row))
        try:
            record = fmt.record(values, start)
        except Exception as error:  # one odd row never stops the rest
            yield Record(line=start, problem=f"can't be read ({type(error).__name__})")
            continue
        yield check(record)


def check(record: Record) -> Record:
    if not record.problem and not record.name:
        record.problem = "no name"
    return record


# --- vCard ----------------------------------------------------------------------------

SKIPPED_PROPERTIES = {"PHOTO", "LOGO", "SOUND", "KEY"}
GOOGLE_SYSTEM_GROUPS = {"mycontacts", "starred"}
# What marks a company's card, not a person's: the iPhone's and the Mac's, and vCard 4's.
COMPANY_MARKS = {"X-ABSHOWAS": "company", "KIND": "org"}


def parameters(params: list[list[str]]) -> dict[str, list[str]]:
    """{NAME: [values]}; vCard 2.1's bare parameters (TEL;CELL;PREF) count as TYPE."""
    found: dict[str, list[str]] = {}
    for param in params:
        if len(param) == 1:
            name, values = ("ENCODING", param) if param[0].upper() in (
                "QUOTED-PRINTABLE", "BASE64", "B"
            ) else ("TYPE", param)
        else:
            name, values = param[0], param[1:]
        found.setdefault(name.upper(), []).extend(values)
    return found


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def split_unescaped(value: str, separator: str) -> list[str]:
    return [unescape(part) for part in re.split(rf"(?<!\\){re.escape(separator)}", value)]


def value_of(value: str, params: dict[str, list[str]]) -> str:
    encodings = [e.upper() for e in params.get("ENCODING", [])]
    if "QUOTED-PRINTABLE" in encodings:
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        raw = quopri.decodestring(value.encode("utf-8"))
        try:
            value = raw.decode(charset, errors="replace")
        except LookupError:
            value = raw.decode("utf-8", errors="replace")
    return value


def read_vcards(text: str) -> Iterator[Record]:
    """Each card between BEGIN:VCARD and END:VCARD. vobject unfolds the lines (and
    vCard 2.1's quoted-printable soft breaks) and splits each into group, name,
    parameters and value; the values are decoded here, as each version writes them
    (vobject's own decoding cuts a 2.1 note at its first comma)."""
    card: list[tuple[str, dict[str, list[str]], str, str | None]] | None = None
    start = 0
    for index, (line, number) in enumerate(getLogicalLines(io.StringIO(text), allowQP=True)):
        # vobject numbers the first logical line from 0 and every later one from 1: the
        # line a card begins on, as the preview says it, counts from 1 throughout.
        number += index == 0
        if not line.strip():
            continue
        try:
            name, params, value, group = parseLine(line, number)
        except ParseError:
            continue  # a line no vCard reader understands: the rest of the card still is
        name = name.upper()
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            card, start = [], number
        elif name == "END" and value.strip().upper() == "VCARD" and card is not None:
            yield card_record(card, start)
            card = None
        elif card is not None and name not in SKIPPED_PROPERTIES:
            card.append((name, parameters(params), value, group))
    if card:
        yield card_record(card, start)


def card_record(properties, line: int) -> Record:
    record = Record(line=line)
    emails, phones, urls, notes, tags = [], [], [], [], []
    full_name, structured, birthday = "", "", ""
    company = False
    for name, params, raw, _group in properties:
        value = value_of(raw, params)
        if name in COMPANY_MARKS and value.strip().lower() == COMPANY_MARKS[name]:
            company = True
        elif name == "FN":
            full_name = unescape(value)
        elif name == "N":
            parts = split_unescaped(value, ";") + [""] * 5
            family, given, additional, prefix, suffix = parts[:5]
            structured = " ".join([prefix, given, additional, family, suffix])
        elif name == "ORG" and not record.organization:
            record.organization = one_line(split_unescaped(value, ";")[0])
        elif name == "TITLE" and not record.title:
            record.title = one_line(unescape(value))
        elif name == "EMAIL":
            emails.append(unescape(value))
        elif name == "TEL":
            phones.append(re.sub(r"^tel:", "", unescape(value), flags=re.I))
        elif name in ("URL", "X-SOCIALPROFILE"):
            urls.append(unescape(value))
        elif name == "NOTE":
            notes.append(unescape(value))
        elif name == "CATEGORIES":
            tags += [t.strip() for t in split_unescaped(value, ",") if t.strip()]
        elif name == "BDAY":
            birthday = birthday_line(unescape(value), "X-APPLE-OMIT-YEAR" in params)
        elif name == "UID" and not record.uid:
            record.uid = one_line(unescape(value), 200)
    if company:
        # FN is the company's name; a person's own name, if any, is in N.
        record.name = one_line(structured)
        if not record.name:
            record.problem = "a company's card, not a person"
    else:
        record.name = one_line(full_name) or one_line(structured)
    record.emails, record.phones, record.urls = emails_in(emails), phones_in(phones), urls_in(urls)
    record.notes = join_notes(*notes, birthday)
    record.tags = [one_line(t, 90) for t in tags if t.lower() not in GOOGLE_SYSTEM_GROUPS]
    return check(record)
