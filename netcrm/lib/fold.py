"""Matching that ignores accents and case: "alvarez" finds José Álvarez-Núñez, and
"Álvarez" finds Rosa Alvarez.

`Folded(expression)` is the SQL function `netcrm_fold`: on PostgreSQL lower(unaccent())
(the unaccent extension, made IMMUTABLE so that a trigram index can hold it: contacts
migration 0010); on SQLite `fold` below, installed on each connection. A search folds
both sides with the same function, so each database agrees with itself.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Value
from django.db.models.lookups import Contains

FUNCTION = "netcrm_fold"

# Letters that carry no combining mark to strip, as unaccent reads them; and the curly
# quotes a phone's keyboard types, as unaccent reads them too ("O’Brien" is "O'Brien").
_LETTERS = str.maketrans({
    "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l",
    "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i",
    "‘": "'", "’": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": ",,", "″": '"',
})


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _strip(run: re.Match) -> str:
    decomposed = unicodedata.normalize("NFKD", run.group().translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str | None) -> str | None:
    """`text` without its accents, in lower case (SQLite's netcrm_fold).

    Only the runs of letters outside ASCII are decomposed: a meeting's notes are
    mostly ASCII around a "café" or a phone's "She’ll", and translating and
    decomposing all of them took 6 times as long (55 against 10 us for 300
    characters; SQLite calls this for every meeting a search reads)."""
    if text is None:
        return None
    if text.isascii():  # most names: nothing to strip
        return text.lower()
    return _NOT_ASCII.sub(_strip, text).lower()


class Folded(Func):
    function = FUNCTION
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        """On SQLite netcrm_fold is `fold` above, a call into Python for each row: a
        search or an ordering by name calls it for every contact of the user (20,000:
        some 50 ms a search). Text all in ASCII folds to its lower case, which SQLite's
        own lower() gives alike; only a value with a character outside ASCII (more
        characters than bytes) goes to Python. The same values as before, whatever
        the text (tests/netcrm/test_fold.py)."""
        sql, params = compiler.compile(self.source_expressions[0])
        ascii_only = f"length({sql}) = length(CAST({sql} AS BLOB))"
        folded = f"CASE WHEN {ascii_only} THEN lower({sql}) ELSE {FUNCTION}({sql}) END"
        return folded, (*params, *params, *params, *params)


class QuickFolded(Folded):
    """Folded's values, for where no index is to be matched (a rank of search results):
    on PostgreSQL too, text all in ASCII (as many bytes as characters) is folded by
    lower() alone, and only the rest by netcrm_fold (unaccent, for each row: ordering
    the 10,000 contacts of a user by a rank of their names, 27 ms against 20)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        ascii_only = f"octet_length({sql}) = char_length({sql})"
        folded = f"CASE WHEN {ascii_only} THEN lower({sql}) ELSE {FUNCTION}({sql}) END"
        return folded, (*params, *params, *params, *params)


def folded_contains(field: str, query: str) -> Contains:
    """A filter: `field`, folded, contains `query`, folded by the same function."""
    return Contains(Folded(field), Folded(Value(query)))


# Phone numbers whatever their punctuation: "415-555-0123" finds "(415) 555 0123".
DIGITS = "netcrm_digits"


def digits(text: str | None) -> str | None:
    """The digits of `text` (SQLite's netcrm_digits)."""
    return None if text is None else "".join(c for c in text if c.isascii() and c.isdigit())


class Digits(Func):
    """The digits of an expression: PostgreSQL's regexp_replace, SQLite's `digits`."""

    function = DIGITS
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="REGEXP_REPLACE",
            template="%(function)s(%(expressions)s, '[^0-9]', '', 'g')", **extra_context
        )


def _install(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)
        connection.connection.create_function(DIGITS, 1, digits, deterministic=True)


connection_created.connect(_install, dispatch_uid="netcrm-fold")
