"""An index in the order pickers offer people before anything is typed (the latest in
touch: contacts.pickers.recent_contacts), on PostgreSQL.

Without it, the log-a-meeting form sorted all of a user's contacts for its first eight:
6 ms at 10,000 contacts. SQLite cannot index NULLS LAST, and sorts its few contacts.
"""

from django.db import migrations

INDEX = "contact_user_recent_idx"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    table = apps.get_model("contacts", "contact")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(INDEX)} ON {quote(table)} ({quote('user_id')}, "
        f"{quote('last_interaction_at')} DESC NULLS LAST, {quote('created_at')} DESC, "
        f"{quote('id')} DESC)"
    )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0007_email_trigram_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
