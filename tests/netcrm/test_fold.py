"""netcrm_fold on SQLite (netcrm/lib/fold.py): decomposing only the runs outside ASCII
folds any text as decomposing all of it would, and as PostgreSQL's unaccent does for
the letters people type."""

import unicodedata

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, Value
from hypothesis import given
from hypothesis import strategies as st

from netcrm.lib.fold import _LETTERS, Folded, fold


def whole(text: str) -> str:
    """The plain definition: the whole text translated, decomposed, marks dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# ASCII around accented letters, marks on their own, the letters _LETTERS maps,
# ligatures and other scripts.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcXYZ '-.,\n"), st.sampled_from("éÉüñçØßæŒłđþı’“”\u0301\u0308ﬁ½①"),
        st.characters(max_codepoint=0x2FFF, exclude_categories=("Cs",)),
    ),
    max_size=40,
)


@given(TEXT)
def test_folding_the_runs_outside_ascii_folds_as_the_whole(text):
    assert fold(text) == whole(text)


def test_what_people_type():
    assert fold("Talked at the Café Rouge; She’ll intro me to Zoë.") == (
        "talked at the cafe rouge; she'll intro me to zoe."
    )
    assert fold("José Álvarez-Núñez, Ærøskøbing, Straße") == "jose alvarez-nunez, aeroskobing, strasse"
    assert fold("e\u0301") == "e"  # a mark typed after its letter
    assert fold("Иван") == "иван"  # other scripts stay
    assert fold(None) is None


# SQLite's Folded (netcrm/lib/fold.py): lower() in SQL for text all in ASCII, `fold` in
# Python for the rest. The same values as `fold` for any text, a NUL byte included
# (SQLite's length() stops at one).
SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL folds with unaccent, in SQL"
)


def folded_in_sql(text: str | None) -> str | None:
    return (
        ContentType.objects.annotate(f=Folded(Value(text, output_field=CharField())))
        .values_list("f", flat=True).first()
    )


@SQLITE_ONLY
@pytest.mark.django_db
@given(st.one_of(TEXT, st.just("a\x00é"), st.just("\x00")))
def test_sqlite_folds_in_sql_as_fold_does(text):
    assert folded_in_sql(text) == fold(text)


@SQLITE_ONLY
@pytest.mark.django_db
def test_sqlite_calls_python_only_for_text_outside_ascii():
    called = []
    connection.ensure_connection()
    connection.connection.create_function(
        "netcrm_fold", 1, lambda t: called.append(t) or fold(t), deterministic=True
    )
    try:
        assert folded_in_sql("Sara O'Brien") == "sara o'brien"
        assert called == []
        assert folded_in_sql("Zoë") == "zoe" and called == ["Zoë"]
    finally:
        connection.connection.create_function("netcrm_fold", 1, fold, deterministic=True)
