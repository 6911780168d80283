"""Shared by the import tests: the sample files, and importing one at once."""

from __future__ import annotations

from pathlib import Path

from imports import services
from imports.models import ImportBatch, Status

SAMPLES = Path(__file__).parent / "samples"

# A company's card as the iPhone exports it: its name as FN, no N, X-ABShowAs:COMPANY.
IPHONE_COMPANY = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
    "N:;;;;\r\nFN:Acme Corp\r\nORG:Acme Corp;\r\n"
    "item1.TEL;type=pref:+1 (415) 555-0100\r\nitem1.X-ABLabel:_$!<Main>!$_\r\n"
    "item2.URL;type=pref:https://acme.example\r\nitem2.X-ABLabel:_$!<HomePage>!$_\r\n"
    "X-ABShowAs:COMPANY\r\nEND:VCARD\r\n"
)


# A localized Outlook's CSV: its header row translated, in Windows-1252 (Outlook's
# "Comma Separated Values (Windows)"), with ";" between the cells where Windows' list
# separator is one (Germany, France, Spain). Column names as the sources in
# imports/parsers.py give them, in Outlook's own order.
GERMAN_OUTLOOK = (
    '"Anrede";"Vorname";"Weitere Vornamen";"Nachname";"Suffix";"Firma";"Abteilung";"Position";'
    '"Straße geschäftlich";"Ort geschäftlich";"Postleitzahl geschäftlich";"Telefon geschäftlich";'
    '"Telefon geschäftlich 2";"Autotelefon";"Telefon Firma";"Telefon privat";"Mobiltelefon";'
    '"Weiteres Telefon";"Haupttelefon";"E-Mail-Adresse";"E-Mail-Typ";"E-Mail: Angezeigter Name";'
    '"E-Mail 2: Adresse";"E-Mail 3: Adresse";"Geburtstag";"Kategorien";"Notizen";"Webseite"\r\n'
    '"Herr";"Jürgen";"";"Müller";"";"Fabrikam Köln GmbH";"Vertrieb";"Leiter Einkauf";'
    '"Domstraße 1";"Köln";"50667";"+49 221 1234567";"";"";"";"";"+49 151 23456789";"";"";'
    '"juergen.mueller@example.de";"SMTP";"Jürgen Müller (juergen.mueller@example.de)";'
    '"j.mueller@example.com";"";"21.07.1990";"Kunden;Köln";"Über die Messe – zweimal.";'
    '"https://fabrikam.example.de/jm"\r\n'
    '"Frau";"Änne";"";"Groß";"";"";"";"";"";"";"";"";"";"";"";"";"";"";"";"";"";"";"";"";'
    '"0.0.00";"";"";""\r\n'
)
FRENCH_OUTLOOK = (
    '"Titre";"Prénom";"Deuxième prénom";"Nom";"Suffixe";"Société ";"Service ";"Titre";'
    '"Rue (bureau)";"Ville (bureau)";"Téléphone (bureau)";"Téléphone 2 (bureau)";'
    '"Téléphone (voiture)";"Téléphone société";"Téléphone (domicile)";"Tél. mobile";'
    '"Téléphone (autre)";"Adresse de messagerie";"Type de messagerie";'
    '"Nom complet de l\'adresse de messagerie";"Adresse de messagerie 2";"Anniversaire";'
    '"Catégories";"Notes";"Page Web"\r\n'
    '"Mme";"Léa";"Hélène";"Martin";"";"Société Générale d\'Études";"Achats";"Directrice des achats";'
    '"12 rue de la Paix";"Paris";"+33 1 42 68 53 00";"";"";"";"";"+33 6 12 34 56 78";"";'
    '"lea.martin@example.fr";"SMTP";"Léa Martin (lea.martin@example.fr)";"lea@example.com";'
    '"05/07/1990";"Clients";"Café à Noël, très gentille.";"https://example.fr/lea"\r\n'
    '"M.";"François";"";"Lefèvre";"";"";"";"";"";"";"";"";"";"";"";"";"";'
    '"francois@example.fr";"SMTP";"";"";"";"";"";""\r\n'
)
# Spanish Outlook leaves some columns in English ("E-mail Address", "Mobile Phone",
# "Notes"), as Roundcube's list of them has it.
SPANISH_OUTLOOK = (
    '"Title";"Nombre";"Segundo nombre";"Apellidos";"Suffix";"Organización";"Department";"Puesto";'
    '"Calle del trabajo";"Ciudad de trabajo";"Teléfono del trabajo";"Particular";"Mobile Phone";'
    '"Otro teléfono";"Teléfono principal";"E-mail Address";"Dirección de correo electrónico 2";'
    '"Dirección del correo electrónico 3";"Birthday";"Categorías";"Notes";"Página web"\r\n'
    '"Sr.";"José";"";"Núñez";"";"Señales Ibéricas";"";"Director de Ventas";"Calle Mayor 1";'
    '"Madrid";"+34 912 345 678";"";"+34 612 345 678";"";"";"jose.nunez@example.es";"";"";'
    '"15/03/1985";"Clientes";"Café los martes – prefiere mañanas.";"https://senales.example.es/jose"\r\n'
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def import_now(user, name: str | bytes, decisions: dict | None = None, filename: str = "") -> ImportBatch:
    """Preview, confirm and run an import in this process (the worker tests use a worker)."""
    data = sample(name) if isinstance(name, str) else name
    batch = services.preview(user, data, filename or (name if isinstance(name, str) else "file")).batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.QUEUED, decisions=decisions or {})
    services.run_import(batch.pk)
    batch.refresh_from_db()
    return batch
