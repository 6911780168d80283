"""Meetings found whatever the accents of their notes, purpose, outcome and place
("cafe" finds Café Rouge), as contacts 0013 made for titles: on PostgreSQL a trigram
index of each field's folded text replaces 0005's index of its UPPER(), which search
no longer writes from three characters on (a shorter query reads every meeting
either way). Nothing on SQLite, where netcrm/lib/fold.py installs netcrm_fold on each
connection.
"""

from django.db import migrations

FIELDS = ("notes", "purpose", "outcome", "location")


def swap(apps, schema_editor, expression: str, new: str, old: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = quote(apps.get_model("meetings", "meeting")._meta.db_table)
    for field in FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(new.format(field))} ON {table} "
            f"USING gin ({expression.format(quote(field))} gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old.format(field))}")


def create(apps, schema_editor) -> None:
    # The expression netcrm.lib.fold.Folded writes, so that the planner matches it.
    swap(apps, schema_editor, "netcrm_fold({})", "meeting_{}_fold_trgm_idx", "meeting_{}_trgm_idx")


def drop(apps, schema_editor) -> None:
    swap(apps, schema_editor, "(UPPER({}::text))", "meeting_{}_trgm_idx", "meeting_{}_fold_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
