from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from netcrm.lib.http import query_text, wants_fragment
from search.services import found_label, search_everything


@login_required
@vary_on_headers("HX-Request")
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Everything matching ?q=, grouped; with HTMX (typing) the results alone."""
    query = query_text(request)
    groups = search_everything(request.user, query) if query else []
    context = {
        "query": query, "groups": groups, "found": sum(g.count for g in groups),
        "found_label": found_label(groups),
    }
    template = "search/results.html"
    if wants_fragment(request):
        template += "#search-results"
    return render(request, template, context)
