"""A trigram index of job titles for search on PostgreSQL, as 0006 and 0007 made for
names and emails: search finds "analyst" or "recruiter" in a title without reading
every contact of the user. Nothing on SQLite.
"""

from django.db import migrations

INDEX = "contact_title_trgm_idx"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    quote = schema_editor.quote_name
    table = apps.get_model("contacts", "contact")._meta.db_table
    # The expression Django's icontains writes, so that the planner matches it.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(INDEX)} ON {quote(table)} "
        f"USING gin ((UPPER({quote('title')}::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0008_recent_contacts_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
