"""Names in the order people read them, whatever their case and accents: Élodie between
Eddie and Emma, not after Zoë (netcrm.lib.fold.Folded, where Lower compared the
characters' codes on SQLite and on PostgreSQL's C collation alike).

On PostgreSQL the contacts list reads a page of names from (user, netcrm_fold(name),
id), in the very order it shows them, where (user, lower(name)), which goes, left the
ties to be sorted (page 400 of the heavy user's: all 10,000 sorted, 25 ms); organizations
get the same. SQLite
sorts without one: its netcrm_fold is a Python function each connection installs
(netcrm/lib/fold.py), which an index would need on every connection that ever writes
the file, a backup's or a shell's too.
"""

from django.db import migrations

import netcrm.lib.fold

INDEXES = [
    ("contact", "contact_user_fold_name_idx"),
    ("organization", "organization_user_fold_name_idx"),
]


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for model_name, index in INDEXES:
        table = apps.get_model("contacts", model_name)._meta.db_table
        # The expression Folded writes ("table"."name" is "name" here), so that the
        # planner matches it.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} "
            f"({quote('user_id')}, netcrm_fold({quote('name')}), {quote('id')})"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0011_contact_cadence_idx"),
    ]

    operations = [
        migrations.RunPython(create, drop),
        migrations.AlterModelOptions(
            name="contact",
            options={"ordering": [netcrm.lib.fold.Folded("name"), "pk"]},
        ),
        migrations.AlterModelOptions(
            name="organization",
            options={"ordering": [netcrm.lib.fold.Folded("name")]},
        ),
        migrations.RemoveIndex(
            model_name="contact",
            name="contact_user_name_idx",
        ),
    ]
