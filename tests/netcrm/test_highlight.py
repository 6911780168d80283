"""Marking the words of a search in a text (netcrm/lib/text.py highlight): escaped
first, piece by piece, so neither the text nor the query adds markup."""

from __future__ import annotations

import pytest

from netcrm.lib.text import highlight


def test_each_word_is_marked_in_any_case():
    assert highlight("Sara Smith at ACME", "sara acme") == (
        "<mark>Sara</mark> Smith at <mark>ACME</mark>"
    )


def test_no_query_is_the_escaped_text():
    assert highlight("<b>Bob</b>", "") == "&lt;b&gt;Bob&lt;/b&gt;"


def test_html_in_the_text_is_escaped_around_a_mark():
    marked = highlight('<script>alert("x")</script> Sara', "sara")
    assert marked == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Sara</mark>"


def test_html_in_the_query_is_marked_escaped():
    assert highlight("a <script> tag", "<script>") == "a <mark>&lt;script&gt;</mark> tag"


def test_a_word_never_breaks_an_entity():
    # Escaping first and marking after would put <mark> inside "&amp;".
    assert highlight("Tom & Jerry", "amp") == "Tom &amp; Jerry"
    assert highlight("R&D lead", "& d") == "R<mark>&amp;</mark><mark>D</mark> lea<mark>d</mark>"


def test_a_long_text_shows_a_passage_around_the_first_match():
    text = "x " * 200 + "the Acme data team hires in spring " + "y " * 200
    passage = highlight(text, "acme", limit=80)
    assert "<mark>Acme</mark>" in passage
    assert passage.startswith("…") and passage.endswith("…")
    assert len(passage) < 130


@pytest.mark.parametrize("text, query, marked", [
    ("José Álvarez-Núñez", "alvarez nunez", "José <mark>Álvarez</mark>-<mark>Núñez</mark>"),
    ("Rosa Alvarez", "Álvarez", "Rosa <mark>Alvarez</mark>"),
    ("Ana Weiß & Co", "weiss", "Ana <mark>Weiß</mark> &amp; Co"),
    ("Søren", "soren", "<mark>Søren</mark>"),
    ("Jose\u0301 Ruiz", "jose", "<mark>Jose\u0301</mark> Ruiz"),  # a decomposed é
])
def test_words_are_marked_whatever_their_accents_as_search_finds_them(text, query, marked):
    assert str(highlight(text, query)) == marked
