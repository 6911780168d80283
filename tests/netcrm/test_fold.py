"""netcrm_fold on SQLite (netcrm/lib/fold.py): decomposing only the runs outside ASCII
folds any text as decomposing all of it would, and as PostgreSQL's unaccent does for
the letters people type."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from netcrm.lib.fold import _LETTERS, fold


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
