"""Search by job title whatever the accents ("ingenieur" finds Ingénieur, "Ingénieur"
finds Ingenieur), as 0010 made for names: on PostgreSQL a trigram index of the folded
titles replaces 0009's index of UPPER(title), which search no longer writes. Nothing on
SQLite, where netcrm/lib/fold.py installs netcrm_fold on each connection.
"""

from django.db import migrations

INDEX, OLD = "contact_title_fold_trgm_idx", "contact_title_trgm_idx"


def swap(apps, schema_editor, new: str, old: str, expression: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = quote(apps.get_model("contacts", "contact")._meta.db_table)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(new)} ON {table} USING gin ({expression} gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old)}")


def create(apps, schema_editor) -> None:
    # The expression netcrm.lib.fold.Folded writes, so that the planner matches it.
    swap(apps, schema_editor, INDEX, OLD, "netcrm_fold(\"title\")")


def drop(apps, schema_editor) -> None:
    swap(apps, schema_editor, OLD, INDEX, "(UPPER(\"title\"::text))")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0012_names_in_reading_order"),
    ]

    operations = [migrations.RunPython(create, drop)]
