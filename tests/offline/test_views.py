"""The installable app's own addresses: the manifest, the service worker, the offline
page and the fresh CSRF token a meeting kept on a phone is sent with."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_manifest_names_the_app_its_start_and_its_icons(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "netcrm"
    assert data["start_url"] == "/"
    assert data["display"] == "standalone"
    assert data["theme_color"] == "#0172ad"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in data["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in data["icons"]:
        path = icon["src"].removeprefix("/static/")
        found = finders.find(path)
        assert found, icon["src"]
        with open(found, "rb") as png:
            header = png.read(24)
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(header[16:20]), int.from_bytes(header[20:24])
        assert f"{width}x{height}" == icon["sizes"]


def test_the_theme_colour_is_the_stylesheet_primary():
    with open(finders.find("vendor/pico/pico.min.css")) as css:
        pico = css.read()
    assert "--pico-primary-background:#0172ad" in pico


def test_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert 'const OFFLINE_URL = "/offline/"' in body
    assert "{{" not in body and "{%" not in body
    # The shell's cache is named after the stylesheet's (fingerprinted) address, so a
    # new release replaces the old static files.
    assert re.search(r'const SHELL = "netcrm-shell-\\u002Fstatic|const SHELL = "netcrm-shell-/static',
                     body)


def test_service_worker_and_manifest_refuse_writes(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405
    assert client.post("/offline/").status_code == 405


def test_offline_page_says_what_is_saved(client_logged_in):
    response = client_logged_in.get("/offline/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "You're offline" in text
    assert 'id="offline-pages"' in text
    assert 'href="/contacts/"' in text and 'href="/meetings/new/"' in text


def test_offline_page_needs_no_log_in(client):
    assert client.get("/offline/").status_code == 200


def test_pages_link_the_manifest_icons_and_the_offline_script(client_logged_in, user):
    text = client_logged_in.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in text
    assert '<meta name="theme-color" content="#0172ad"' in text
    assert re.search(r'<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon[^"]*png">', text)
    script = re.search(r'<script src="/static/js/offline[^"]*\.js" defer([^>]*)>', text)
    assert script, "offline.js is loaded"
    assert 'data-sw="/sw.js"' in script.group(1)
    assert f'data-user="{user.username}"' in script.group(1)
    assert 'id="outbox"' in text


def test_the_csp_stays_strict_and_allows_the_worker_and_the_manifest(client_logged_in):
    for url in ["/", "/offline/", "/meetings/new/"]:
        csp = client_logged_in.get(url)["Content-Security-Policy"]
        directives = {
            part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()
        }
        assert directives["script-src"][0] == "'self'"
        assert directives["script-src"][1].startswith("'nonce-")
        assert len(directives["script-src"]) == 2
        assert directives["style-src"] == ["'self'"]
        assert directives["worker-src"] == ["'self'"]
        assert directives["manifest-src"] == ["'self'"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp


def test_token_gives_a_fresh_csrf_token_to_the_signed_in(client_logged_in, user):
    response = client_logged_in.get("/offline/token/")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    token = response.json()["csrfToken"]
    assert len(token) == 64
    assert response.json()["user"] == user.username  # the phone sends only their meetings


def test_token_needs_log_in(client):
    response = client.get("/offline/token/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_replayed_meeting_with_a_fresh_token_is_created_once(client_logged_in, user):
    """What offline.js does with a kept meeting: a fresh token, the stored fields, the
    same submission key; sent twice, it makes one meeting and the same answer."""
    from django.test import Client

    from contacts.models import Contact
    from meetings.models import Meeting
    from referrals.models import Referral

    form_page = client_logged_in.get("/meetings/new/").content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', form_page).group(1)
    phone = Client(enforce_csrf_checks=True)
    phone.cookies = client_logged_in.cookies
    token = phone.get("/offline/token/").json()["csrfToken"]
    fields = {
        "csrfmiddlewaretoken": token, "submission_key": key,
        "new_contact_name": "Sara Smith", "starts_at": "2026-11-29T10:00",
        "kind": "coffee", "length_minutes": "30", "invited_by": "me", "paid_by": "me",
        "referrals-TOTAL_FORMS": "1", "referrals-INITIAL_FORMS": "0",
        "referrals-MIN_NUM_FORMS": "0", "referrals-MAX_NUM_FORMS": "1000",
        "referrals-0-name": "John Public", "referrals-0-organization": "Acme",
        "referrals-0-intro_status": "asked",
    }
    first = phone.post("/meetings/new/", fields, headers={"HX-Request": "true"})
    second = phone.post("/meetings/new/", fields, headers={"HX-Request": "true"})

    assert first.status_code == 200
    assert second.status_code == 200
    assert first["HX-Trigger"] == second["HX-Trigger"]
    assert Meeting.objects.filter(user=user).count() == 1
    assert Contact.objects.filter(user=user, name="Sara Smith").count() == 1
    assert Referral.objects.filter(user=user).count() == 1
