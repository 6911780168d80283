"""Edit a follow-up's drafted text in place; email it with one tap."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp
from tests.helpers import HTMX, assert_fragment, assert_not_allowed, hx_trigger

pytestmark = pytest.mark.django_db


def followup(user, **fields) -> FollowUp:
    sara = Contact.objects.create(user=user, name="Sara Smith", email="sara@example.com")
    return FollowUp.objects.create(
        user=user, kind="thank_you", due_at=timezone.now() - timedelta(hours=1),
        title="Thank Sara Smith for the coffee", draft="Hi Sara,\n\nThank you & more.", contact=sara,
        **fields,
    )


def edit_url(f: FollowUp) -> str:
    return reverse("followups:edit-followup", args=[f.pk])


def test_edit_in_place_with_htmx(client_logged_in, user):
    note = followup(user)
    form = client_logged_in.get(edit_url(note), headers=HTMX)
    body = assert_fragment(form, 'class="edit-followup"')
    assert "Thank you &amp; more." in body

    response = client_logged_in.post(
        edit_url(note), {"title": "Thank Sara", "draft": "Hi Sara, thanks!"}, headers=HTMX
    )
    assert "Thank Sara</a>" in assert_fragment(response, 'id="queue"')
    assert hx_trigger(response) == {"followupEdited": {"id": note.pk}, "closeModal": {}}
    draft = client_logged_in.get(reverse("followups:followup-draft", args=[note.pk]), headers=HTMX)
    assert "Hi Sara, thanks!</pre>" in draft.text
    note.refresh_from_db()
    assert (note.title, note.draft) == ("Thank Sara", "Hi Sara, thanks!")


def test_edit_without_javascript_and_its_errors(client_logged_in, user):
    note = followup(user)
    assert "<html" in client_logged_in.get(edit_url(note)).text
    response = client_logged_in.post(edit_url(note), {"title": "", "draft": "kept text"})
    assert response.status_code == 422
    assert "kept text" in response.text and "This field is required." in response.text
    response = client_logged_in.post(edit_url(note), {"title": "New title", "draft": ""})
    assert response.url == reverse("home:dashboard")
    assert FollowUp.objects.get(pk=note.pk).title == "New title"


def test_edit_is_scoped_logged_in_and_get_or_post(client_logged_in, user, other_user):
    theirs = followup(other_user)
    assert client_logged_in.get(edit_url(theirs)).status_code == 404
    assert client_logged_in.post(edit_url(theirs), {"title": "x", "draft": "y"}).status_code == 404
    assert FollowUp.objects.get(pk=theirs.pk).title == "Thank Sara Smith for the coffee"
    assert_not_allowed(client_logged_in.delete(edit_url(theirs)), "GET, POST")
    assert Client().get(edit_url(theirs)).url.startswith(reverse("login"))


def test_mailto_fills_in_the_draft(client_logged_in, user):
    note = followup(user)
    link = urlparse(note.mailto())
    assert (link.scheme, link.path) == ("mailto", "sara@example.com")
    query = parse_qs(link.query)
    assert query == {"subject": ["Thank you"], "body": ["Hi Sara,\n\nThank you & more."]}
    # Beside the draft, opened in place in the queue (and on the follow-up's page).
    draft = client_logged_in.get(reverse("followups:followup-draft", args=[note.pk]), headers=HTMX)
    assert 'href="mailto:sara@example.com?subject=Thank%20you&amp;body=Hi%20Sara' in draft.text
    page = client_logged_in.get(note.get_absolute_url()).text
    assert 'href="mailto:sara@example.com?subject=Thank%20you&amp;body=Hi%20Sara' in page


def test_no_mailto_without_an_address_or_for_preparing(user):
    note = followup(user)
    note.kind = "prepare"
    assert note.mailto() == ""  # preparing is a note to yourself
    Contact.objects.filter(pk=note.contact_id).update(email="")
    assert FollowUp.objects.get(pk=note.pk).mailto() == ""
