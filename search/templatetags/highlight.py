from django import template

from netcrm.lib.text import highlight as mark_words

register = template.Library()


@register.filter
def highlight(text: str, query: str):
    """{{ contact.name|highlight:query }}: escaped, the words of the query in <mark>."""
    return mark_words(str(text or ""), query or "")


@register.filter
def highlight_excerpt(text: str, query: str):
    """A passage of a long text (meeting notes) around the first match, marked."""
    return mark_words(str(text or ""), query or "", limit=160)
