"""Trigram indexes for search on PostgreSQL; nothing on SQLite.

Search matches a fragment anywhere in a name (`name__icontains`), which PostgreSQL
runs as UPPER(name::text) LIKE UPPER('%son%'): a GIN index of that expression's
trigrams (pg_trgm) answers it without reading every contact. The indexes are not in
the models' Meta (SQLite has neither GIN nor pg_trgm), so the migration state does
not know them; they are created and dropped here, on PostgreSQL only.
"""

from django.db import migrations

TRIGRAM_INDEXES = [
    ("contact", "contact_name_trgm_idx"),
    ("organization", "organization_name_trgm_idx"),
]


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    quote = schema_editor.quote_name
    for model_name, index_name in TRIGRAM_INDEXES:
        table = apps.get_model("contacts", model_name)._meta.db_table
        # The expression Django's icontains writes, so that the planner matches it.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name)} ON {quote(table)} "
            f"USING gin ((UPPER({quote('name')}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, index_name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_contact_past_organizations"),
    ]

    operations = [migrations.RunPython(create, drop)]
