"""A trigram index of emails for search on PostgreSQL, as 0006 made for names.

Search tests a contact's email as well as its name; without an index of its own that
condition made PostgreSQL read every contact of the user. Nothing on SQLite.
"""

from django.db import migrations

INDEX = "contact_email_trgm_idx"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    quote = schema_editor.quote_name
    table = apps.get_model("contacts", "contact")._meta.db_table
    # The expression Django's icontains writes, so that the planner matches it.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(INDEX)} ON {quote(table)} "
        f"USING gin ((UPPER({quote('email')}::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
