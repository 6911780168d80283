"""`{% url %}` as Django's, with a link that takes no argument reversed once
(netcrm/lib/urls.reverse_plain): every page's navigation writes 30 of them.

A builtin of the template engine (settings.TEMPLATES), so it stands in for Django's
own tag in every template; a link with arguments is Django's, unchanged.
"""

from __future__ import annotations

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from netcrm.lib.urls import reverse_plain

register = template.Library()


class PlainURLNode(defaulttags.URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_plain(view_name, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return PlainURLNode(node.view_name, node.args, node.kwargs, node.asvar)
