"""Search by name whatever the accents ("alvarez" finds Álvarez), on PostgreSQL with
trigram indexes of the folded names; nothing on SQLite, where netcrm/lib/fold.py
installs the same function on each connection.

The function is lower(unaccent()) declared IMMUTABLE (unaccent itself is only STABLE,
as its dictionary could change) so that an index can hold it. The indexes of the names
as they were (0006: UPPER(name), what `name__icontains` wrote) go: search no longer
writes that expression.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION netcrm_fold(text) RETURNS text AS $$
    SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
"""
INDEXES = [
    ("contact", "contact_name_fold_trgm_idx", "contact_name_trgm_idx"),
    ("organization", "organization_name_fold_trgm_idx", "organization_name_trgm_idx"),
]


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    schema_editor.execute(FUNCTION)
    quote = schema_editor.quote_name
    for model_name, index, old in INDEXES:
        table = apps.get_model("contacts", model_name)._meta.db_table
        # The expression netcrm.lib.fold.Folded writes, so that the planner matches it.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} "
            f"USING gin (netcrm_fold({quote('name')}) gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old)}")


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for model_name, index, old in INDEXES:
        table = apps.get_model("contacts", model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(old)} ON {quote(table)} "
            f"USING gin ((UPPER({quote('name')}::text)) gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS netcrm_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0009_title_trigram_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
