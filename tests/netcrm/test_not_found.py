"""A page that is not there: said in the app's own frame, with the way back."""

from __future__ import annotations

from tests.helpers import text


def test_a_deleted_contacts_old_link_is_a_404_in_the_apps_frame(client_logged_in):
    response = client_logged_in.get("/contacts/987654321/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "site-header" in page and ">Contacts</a>" in page  # the navigation
    assert "Not found" in text(response)
    assert 'href="/trash/"' in page and 'href="/"' in page


def test_an_address_nothing_answers_is_a_404_page_for_a_visitor_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in text(response)
    assert 'href="/accounts/login/"' in response.content.decode()
    assert "Contacts</a>" not in response.content.decode()


def test_the_api_keeps_its_json_404(client_logged_in):
    response = client_logged_in.get("/api/contacts/-1")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_a_missing_calendar_feed_is_djangos_plain_page(client, db):
    """Read by calendar apps, not people: nothing of the app's pages, feeds or tokens."""
    response = client.get("/calendar/no-such-feed.ics")
    assert response.status_code == 404
    assert b"site-header" not in response.content and b"token" not in response.content.lower()
