"""Text from outside: the characters no column or page should hold."""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from netcrm.lib.fold import fold

# C0 controls but tab, newline and carriage return; DEL. PostgreSQL refuses NUL in
# text; the rest are invisible and break what they are pasted into.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str, max_length: int) -> str:
    """Text to search for or show: control characters dropped, at most max_length long."""
    return CONTROL_CHARACTERS.sub("", value)[:max_length]


def plural(count: int, one: str, many: str | None = None) -> str:
    """"1 contact", "2 contacts", "0 contacts"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def query_words(query: str) -> list[str]:
    """The words of a search, longest first (so "Sara Sarah" marks "Sarah" whole)."""
    words = {w.casefold(): w for w in query.split() if w}
    return sorted(words.values(), key=len, reverse=True)


def matched_text(row, fields: tuple[str, ...], query: str) -> str:
    """The first of `fields` whose text holds `query` (whatever its case and accents, as
    search finds it), to show around it."""
    needle = fold(query)
    texts = [(getattr(row, name) or "") for name in fields]
    folded = [fold(text) for text in texts]
    for text, seen in zip(texts, folded):
        if needle in seen:
            return text
    words = needle.split()
    for text, seen in zip(texts, folded):
        if any(w in seen for w in words):
            return text
    return ""


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` folded as search folds it (netcrm/lib/fold.py), and for each character of
    the result the index of the character of `text` it came from."""
    out, origin = [], []
    for index, character in enumerate(text):
        folded = fold(character)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def highlight(text: str, query: str, limit: int | None = None) -> SafeString:
    """`text` escaped for HTML, each word of `query` found in it (whatever its case and
    accents, as search finds it: "alvarez" marks "Álvarez") inside <mark>. The matches
    are found in the raw text and every piece is escaped on its own, so neither the
    text nor the query can add markup (nor break an entity like &amp;).
    With `limit`, at most about that many characters around the first match."""
    text = text or ""
    words = [w for w in dict.fromkeys(fold(w) for w in query_words(query)) if w]
    pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    if limit and len(text) > limit:
        folded, origin = _folded(text)
        found = pattern.search(folded) if pattern else None
        start = max(0, (origin[found.start()] if found else 0) - limit // 3)
        end = min(len(text), start + limit)
        text = ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
    if not pattern:
        return format_html("{}", text)
    folded, origin = _folded(text)
    pieces, last = [], 0
    for match in pattern.finditer(folded):
        begin, end = origin[match.start()], origin[match.end() - 1] + 1
        while end < len(text) and not fold(text[end]):  # its accents, when apart
            end += 1
        if begin < last:
            continue
        pieces.append(escape(text[last:begin]))
        pieces.append(format_html("<mark>{}</mark>", text[begin:end]))
        last = end
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above
