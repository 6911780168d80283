from django import template

from netcrm.lib.undo import take

register = template.Library()

KEPT = object()


@register.inclusion_tag("trash/_undo.html", takes_context=True)
def undo_offer(context, offer=KEPT):
    """The Undo offered for what was just done: `{% undo_offer %}` shows the one kept
    for this page after a redirect (once); `{% undo_offer undo %}` shows the one given."""
    if offer is KEPT:
        request = context.get("request")
        offer = take(request) if request is not None else None
    return {"offer": offer or None, "csrf_token": context.get("csrf_token")}
