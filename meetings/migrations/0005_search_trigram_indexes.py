"""Trigram indexes of what a meeting's search reads (meetings.models.SEARCHED: notes,
purpose, outcome, place) on PostgreSQL, as contacts 0009 made for titles: a word in a
few of the heavy user's 30,000 meetings is found from them instead of reading all.
Each is of the expression Django's icontains writes, else the planner leaves it
unused (a test reads the plan). Nothing on SQLite.
"""

from django.db import migrations

FIELDS = ("notes", "purpose", "outcome", "location")


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = quote(apps.get_model("meetings", "meeting")._meta.db_table)
    for field in FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(f'meeting_{field}_trgm_idx')} ON {table} "
            f"USING gin ((UPPER({quote(field)}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(f'meeting_{field}_trgm_idx')}")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_questiontemplate"),
        ("contacts", "0010_accent_folded_name_search"),  # pg_trgm
    ]

    operations = [migrations.RunPython(create, drop)]
