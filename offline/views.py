"""The installable app: its manifest, its service worker and its offline page.

The service worker is served by Django, not from /static/, so that its scope is the
whole site ("/") and its address never changes with the static files' fingerprints.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

THEME_COLOR = "#0172ad"  # Pico's primary (static/css/app.css builds on it)
BACKGROUND_COLOR = "#ffffff"


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "netcrm",
        "short_name": "netcrm",
        "description": "Your network: who to follow up with today, and how you met them.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("icons/maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(data, indent=2), content_type="application/manifest+json")


@never_cache
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker's script. never_cache: a new version reaches phones at their next
    visit. Its scope is "/" because it is served from "/"; the header says so too."""
    response = render(
        request, "offline/sw.js",
        {
            "offline_url": "/offline/", "shell_version": static("css/app.css"),
            "outbox_script": static("js/outbox.js"), "token_url": reverse("offline:token"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """What a phone shows for a page it never saved while there is no connection. The
    service worker keeps a copy; the list of saved pages is filled in on the phone."""
    return render(request, "offline/offline.html")


@never_cache
@login_required
@require_GET
def token(request: HttpRequest) -> JsonResponse:
    """A fresh CSRF token for a meeting kept on the phone and sent later: the token in
    the form it was typed into may be stale by then (a new log-in rotates it). With
    who is signed in: the phone sends only the meetings that person typed."""
    return JsonResponse({"csrfToken": get_token(request), "user": request.user.get_username()})
