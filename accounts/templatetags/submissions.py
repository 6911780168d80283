import uuid

from django import template
from django.utils.html import format_html

from accounts.submissions import FIELD, key_of

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key(context) -> str:
    """The hidden submission key of a create form: the one just sent back with
    mistakes to fix, else a new one."""
    request = context.get("request")
    key = (key_of(request) if request is not None and request.method == "POST" else None)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, key or uuid.uuid4())
