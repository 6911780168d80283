"""Move dates saved before the forms kept them from 1900 to 2200 back into that range.

A meeting typed as 9999-12-31 23:59 in a timezone west of UTC was saved as year 10000
UTC, which no Python datetime can hold: every page showing it answered 500 (SQLite's
text "10000-01-01 …" does not parse, psycopg refuses to read it), and a year-1 date
overflows when shown west of UTC. Every date and date-time column of the domain apps
is checked, in raw SQL that runs on SQLite and PostgreSQL alike:

- a date before 1900-01-01 becomes 1900-01-01, one after 2200-12-31 becomes 2200-12-31;
- a date-time is moved only when no form could have accepted it in any timezone
  (UTC-12 to UTC+14), so outside 1899-12-31 to 2201-01-01 UTC. It becomes
  1900-01-01 12:00 UTC or 2200-12-31 00:00 UTC: instants that fall within
  1900-2200 in every timezone, so the edit forms accept the row as it stands.

The old values cannot be shown, so there is nothing to restore: reversing does nothing.

SQLite stores these columns as text, where "10000-01-01" sorts before "1899-…" and
"2201-…": a value whose text starts with five digits has a year of five digits or
more, so it is too late whatever it sorts as. PostgreSQL compares real timestamps
(and, in any DateStyle, never starts an in-range value's text with five digits), so
the same SQL holds there.
"""

from datetime import UTC, date, datetime

from django.db import migrations, models

# The apps whose rows people typed dates into (or that are built from those rows).
APPS = ["contacts", "meetings", "referrals", "reciprocity", "followups"]

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)
TOO_EARLY = datetime(1899, 12, 31, tzinfo=UTC)  # before 1900-01-01 00:00 at UTC+14
TOO_LATE = datetime(2201, 1, 2, tzinfo=UTC)  # after 2200-12-31 23:59 at UTC-12
FIRST_MOMENT = datetime(1900, 1, 1, 12, tzinfo=UTC)  # 1900-01-01 00:00 at UTC-12
LAST_MOMENT = datetime(2200, 12, 31, tzinfo=UTC)  # 2200-12-31 14:00 at UTC+14


def date_columns(apps):
    """(table, column, is a date-time) of every date and date-time column of APPS."""
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateField):  # DateTimeField is one too
                    yield model._meta.db_table, field.column, isinstance(
                        field, models.DateTimeField
                    )


def clamp_out_of_range_dates(apps, schema_editor) -> None:
    connection = schema_editor.connection
    ops = connection.ops
    with connection.cursor() as cursor:
        for table, column, moment in date_columns(apps):
            if moment:
                adapt = ops.adapt_datetimefield_value
                low, high, first, last = TOO_EARLY, TOO_LATE, FIRST_MOMENT, LAST_MOMENT
            else:
                adapt = ops.adapt_datefield_value
                low, high, first, last = FIRST_DAY, LAST_DAY, FIRST_DAY, LAST_DAY
            low, high, first, last = (adapt(v) for v in (low, high, first, last))
            table, col = ops.quote_name(table), ops.quote_name(column)
            five_digit_year = " AND ".join(
                f"substr(CAST({col} AS TEXT), {i}, 1) BETWEEN '0' AND '9'" for i in range(1, 6)
            )
            # Too late first: SQLite's text of a five-digit year also sorts as too early.
            cursor.execute(
                f"UPDATE {table} SET {col} = %s WHERE {col} > %s OR ({five_digit_year})",
                [last, high],
            )
            cursor.execute(f"UPDATE {table} SET {col} = %s WHERE {col} < %s", [first, low])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_links_safe_schemes"),
        ("followups", "0004_kinds_registry_reply_help_back_problems"),
        ("meetings", "0004_questiontemplate"),
        ("reciprocity", "0001_initial"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clamp_out_of_range_dates, migrations.RunPython.noop),
    ]
