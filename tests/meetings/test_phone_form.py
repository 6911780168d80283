"""The log-a-meeting form on a phone: who, when, notes and the referrals first; the rest
behind "More", whose summary says the values in words and which opens by itself on a
mistake or an unusual value; one people picker, which creates someone new from what
was typed (and works without JavaScript)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from meetings.models import Meeting
from tests.factories import make_contact, make_meeting
from tests.helpers import HTMX, assert_fragment, assert_full_page, text

pytestmark = pytest.mark.django_db

LOG = reverse("meetings:log-meeting")
SEARCH = reverse("contacts:contact-search")
MORE_CLOSED = '<details class="more-fields">'
MORE_OPEN = '<details class="more-fields" open>'


def summary(body: str) -> str:
    return re.search(r'<span class="more-summary"[^>]*>([^<]*)</span>', body).group(1)


def before_more(body: str, marker: str) -> bool:
    """`marker` is in the form ahead of "More" (on the first screens, not behind it)."""
    return body.index(marker) < body.index('<details class="more-fields"')


def test_the_form_leads_with_who_when_notes_and_referrals(client_logged_in, user):
    body = assert_full_page(client_logged_in.get(LOG), 'id="log-meeting-form"')

    assert MORE_CLOSED in body
    for first in ('id="participant-search"', 'name="starts_at"', 'name="notes"',
                  'name="referrals-0-name"'):
        assert before_more(body, first), first
    for behind in ('name="kind"', 'name="length_minutes"', 'name="location"',
                   'name="purpose"', 'name="invited_by"', 'name="paid_by"',
                   'name="questions"', 'name="outcome"'):
        assert not before_more(body, behind), behind


def test_more_says_the_defaults_in_words(client_logged_in, user):
    body = assert_full_page(client_logged_in.get(LOG), MORE_CLOSED)
    assert summary(body) == "Coffee · 15 min · you invited · you paid"


def test_more_says_an_edited_meetings_own_values_and_opens(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    call = make_meeting(
        user, [sara], kind="call", length_minutes=30, invited_by="them", paid_by="nobody",
        location="Zoom",
    )
    body = text(client_logged_in.get(reverse("meetings:edit-meeting", args=[call.pk])))
    assert summary(body) == "Call · 30 min · they invited · nothing to pay · at Zoom"
    assert MORE_OPEN in body  # not the usual values: shown, not hidden


def test_more_opens_on_a_mistake_in_one_of_its_fields(client_logged_in, user):
    data = {
        "new_contact_name": "Sara Smith", "starts_at": "2026-03-04T10:00", "notes": "Good talk",
        "kind": "coffee", "length_minutes": "999", "invited_by": "me", "paid_by": "me",
    }
    response = client_logged_in.post(LOG, data, headers=HTMX)

    body = assert_fragment(response, MORE_OPEN, status=422)
    assert "Between 1 and 600 minutes." in body
    assert 'name="length_minutes" value="999"' in body  # what was typed stays
    assert not Meeting.objects.exists()


def test_more_stays_closed_on_a_mistake_elsewhere(client_logged_in, user):
    data = {"starts_at": "2026-03-04T10:00", "notes": "Good talk", "kind": "coffee",
            "length_minutes": "15", "invited_by": "me", "paid_by": "me"}
    response = client_logged_in.post(LOG, data, headers=HTMX)

    body = assert_fragment(response, MORE_CLOSED, status=422)
    assert "Who did you meet? Pick a contact or add a new person." in body


def test_more_opens_for_a_value_other_than_the_usual(client_logged_in, user):
    data = {"starts_at": "2026-03-04T10:00", "notes": "", "kind": "coffee",
            "length_minutes": "15", "invited_by": "me", "paid_by": "them"}
    body = assert_fragment(client_logged_in.post(LOG, data, headers=HTMX), MORE_OPEN, status=422)
    assert summary(body) == "Coffee · 15 min · you invited · they paid"


def test_a_meeting_logs_with_who_when_and_notes_alone_in_one_post(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")

    response = client_logged_in.post(
        LOG, {"contacts": [sara.pk], "starts_at": "2026-03-04T10:00", "notes": "Good talk"}
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert list(meeting.contacts.all()) == [sara]
    assert meeting.notes == "Good talk"
    assert (meeting.kind, meeting.length_minutes, meeting.invited_by, meeting.paid_by) == (
        "coffee", 15, "me", "me"
    )


def test_leaving_more_out_of_an_edit_keeps_the_meetings_values(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    call = make_meeting(user, [sara], kind="call", length_minutes=45, paid_by="them")

    response = client_logged_in.post(
        reverse("meetings:edit-meeting", args=[call.pk]),
        {"contacts": [sara.pk], "starts_at": "2026-03-04T10:00", "notes": "Rescheduled"},
    )

    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.kind, call.length_minutes, call.paid_by, call.notes) == (
        "call", 45, "them", "Rescheduled"
    )


def test_an_empty_choice_sent_on_purpose_is_still_a_mistake(client_logged_in, user):
    data = {"new_contact_name": "Sara Smith", "starts_at": "2026-03-04T10:00", "kind": "",
            "length_minutes": "", "invited_by": "me", "paid_by": "me"}
    response = client_logged_in.post(LOG, data, headers=HTMX)
    assert_fragment(response, MORE_OPEN, status=422)
    assert not Meeting.objects.exists()


# --- the people picker: someone new --------------------------------------------------------


def test_someone_new_is_a_plain_text_field_without_javascript(client_logged_in, user):
    body = assert_full_page(client_logged_in.get(LOG), 'data-new-person')
    picker = body[body.index("data-people-picker"):body.index('name="starts_at"')]
    assert "<summary>Someone new</summary>" in picker
    assert 'name="new_contact_name"' in picker and 'name="new_contact_organization"' in picker

    response = client_logged_in.post(
        LOG, {"new_contact_name": "Alan Ames", "new_contact_organization": "Acme",
              "starts_at": "2026-03-04T10:00", "notes": "Met at the library"},
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    alan = Contact.objects.get(name="Alan Ames")
    assert list(meeting.contacts.all()) == [alan] and alan.organization.name == "Acme"


def test_someone_new_opens_when_it_holds_a_name(client_logged_in, user):
    response = client_logged_in.post(
        LOG, {"new_contact_name": "Alan Ames", "starts_at": "not a date"}, headers=HTMX
    )
    body = assert_fragment(response, "data-new-person open", status=422)
    assert "<summary>Someone new: Alan Ames</summary>" in body


def test_the_type_ahead_offers_to_create_someone_new_with_what_was_typed(
    client_logged_in, user
):
    make_contact(user, "Sara Smith")

    response = client_logged_in.get(SEARCH, {"pick": "many", "new": "1", "q": "Sar"}, headers=HTMX)
    body = assert_fragment(response, 'data-pick-new="Sar"')
    assert body.index("Sara Smith") < body.index("+ Someone new: “Sar”")

    unmatched = client_logged_in.get(
        SEARCH, {"pick": "many", "new": "1", "q": "Zed <b>"}, headers=HTMX
    )
    body = assert_fragment(unmatched, 'data-pick-new="Zed &lt;b&gt;"')
    assert "No contact matches “Zed &lt;b&gt;”." in body


def test_the_type_ahead_offers_nobody_new_without_new(client_logged_in, user):
    response = client_logged_in.get(SEARCH, {"pick": "many", "q": "Zed"}, headers=HTMX)
    assert "data-pick-new" not in text(response)


@pytest.mark.parametrize(
    "url", [reverse("jobs:add-lead"), reverse("meetings:log-meeting")]
)
def test_one_people_picker_everywhere(client_logged_in, user, url):
    body = text(client_logged_in.get(url))
    assert body.count("data-people-picker") == 1
    assert f'hx-get="{SEARCH}?pick=many' in body


def test_the_one_person_type_ahead_offers_someone_new_too(client_logged_in, user):
    """Asking for a meeting, logging a request for help: the same "+ Someone new"."""
    make_contact(user, "Sara Smith")
    response = client_logged_in.get(SEARCH, {"new": "1", "q": "Sar"}, headers=HTMX)
    body = assert_fragment(response, 'data-pick-new="Sar"')
    assert body.index('name="contact"') < body.index("+ Someone new: “Sar”")
    assert "data-pick-new" not in text(client_logged_in.get(SEARCH, {"q": "Sar"}, headers=HTMX))


def test_a_second_someone_new_says_it_replaces_the_first(client_logged_in):
    """The form takes one new person: typing another offers them instead of the one
    named already, in so many words, not silently."""
    picker = client_logged_in.get(LOG).content.decode()
    assert "hx-include=\"#chosen, [name='new_contact_name']\"" in picker
    query = {"pick": "many", "new": "1", "q": "Bob Newman"}
    first = client_logged_in.get(SEARCH, query, headers=HTMX).content.decode()
    assert "+ Someone new: “Bob Newman”</button>" in first
    again = client_logged_in.get(
        SEARCH, query | {"new_contact_name": " Ann  Newcomb "}, headers=HTMX
    ).content.decode()
    assert "+ Someone new: “Bob Newman”, instead of “Ann Newcomb”</button>" in again
    same = client_logged_in.get(
        SEARCH, query | {"new_contact_name": "bob newman"}, headers=HTMX
    ).content.decode()
    assert "+ Someone new: “Bob Newman”</button>" in same


def test_the_new_person_and_the_referrals_are_not_filled_with_the_users_own_details(
    client_logged_in, user
):
    """Fields named "name" and "organization" are the ones a phone offers to fill with
    the user's own: here they are someone else's, in the form and in a row added later."""
    body = client_logged_in.get(LOG).content.decode()
    row = client_logged_in.get(reverse("meetings:referral-row") + "?index=1", **HTMX)
    for html, names in ((body, ("new_contact_name", "new_contact_organization",
                                "referrals-0-name", "referrals-0-organization")),
                        (row.content.decode(), ("referrals-1-name", "referrals-1-organization"))):
        for name in names:
            tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
            assert 'autocomplete="off"' in tag, name


# --- someone new of a name already there: asked once, never made twice by reflex ----------


def logged_with(name: str, **more) -> dict:
    return {"new_contact_name": name, "starts_at": "2026-03-04T10:00", "notes": "Coffee notes",
            **more}


@pytest.mark.parametrize("typed", ["Sara Smith", " sara  SMITH ", "Sára Smith"])
def test_someone_new_with_a_contacts_name_is_asked_about_not_created(
    client_logged_in, user, typed
):
    """Case, spaces and accents aside, as search and the duplicates page compare names."""
    sara = make_contact(user, "Sara Smith", organization="Acme")

    response = client_logged_in.post(LOG, logged_with(typed), headers=HTMX)

    body = assert_fragment(response, "data-new-person open", status=422)
    said = " ".join(typed.split())
    assert f"{said} is already in your contacts." in body
    assert f'<input type="radio" name="same_name" value="{sara.pk}"> Yes: Sara Smith · Acme' in body
    assert f'<input type="radio" name="same_name" value="{said}"> No: add another {said}' in body
    assert "Coffee notes" in body  # nothing typed is lost
    assert not Meeting.objects.exists()
    assert Contact.objects.count() == 1


def test_the_same_person_answered_logs_the_meeting_with_them(client_logged_in, user):
    """Their referral too, and what was typed for the new person is not a second Sara."""
    sara = make_contact(user, "Sara Smith", organization="Acme")
    rows = {"referrals-TOTAL_FORMS": "1", "referrals-INITIAL_FORMS": "0",
            "referrals-0-name": "John Public", "referrals-0-suggested_by": "new",
            "referrals-0-intro_status": "asked"}

    response = client_logged_in.post(
        LOG, logged_with("sara smith", same_name=str(sara.pk), **rows), headers=HTMX
    )

    assert response.status_code == 200, text(response)
    meeting = Meeting.objects.get()
    assert list(meeting.contacts.all()) == [sara]
    assert Contact.objects.filter(name__iexact="Sara Smith").count() == 1
    assert [(r.referrer, r.referred.name) for r in meeting.referrals.all()] == [
        (sara, "John Public")
    ]


def test_another_of_that_name_answered_adds_them(client_logged_in, user):
    """The type-ahead's "Add another Sara Smith" sends the same answer, and a namesake
    is added: two people can share a name."""
    sara = make_contact(user, "Sara Smith", organization="Acme")

    response = client_logged_in.post(LOG, logged_with("Sara Smith", same_name="sara smith"))

    assert response.status_code == 302
    other = Contact.objects.exclude(pk=sara.pk).get(name="Sara Smith")
    assert list(Meeting.objects.get().contacts.all()) == [other]


def test_another_of_that_name_is_asked_once_whatever_else_is_wrong(client_logged_in, user):
    make_contact(user, "Sara Smith")
    response = client_logged_in.post(
        LOG, logged_with("Sara Smith", same_name="Sara Smith", starts_at="not a date"), headers=HTMX
    )
    body = assert_fragment(response, 'name="same_name" value="Sara Smith" data-same-name', status=422)
    assert "already in your contacts" not in body


def test_an_answer_about_another_name_is_no_answer(client_logged_in, user):
    """The name changed after the question: the answer given about Sara is not taken
    for Bob (nor Sara met in his place)."""
    sara = make_contact(user, "Sara Smith")
    make_contact(user, "Bob Newman")

    response = client_logged_in.post(
        LOG, logged_with("Bob Newman", same_name=str(sara.pk)), headers=HTMX
    )
    assert "Bob Newman is already in your contacts." in assert_fragment(response, "", status=422)

    client_logged_in.post(LOG, logged_with("Ann Newcomb", same_name=str(sara.pk)))
    assert [c.name for c in Meeting.objects.get().contacts.all()] == ["Ann Newcomb"]


def test_without_javascript_the_page_asks_and_the_answer_saves_it(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    body = assert_full_page(
        client_logged_in.post(LOG, logged_with("Sara Smith")), 'name="same_name"', status=422
    )
    assert "Sara Smith is already in your contacts." in body

    response = client_logged_in.post(LOG, logged_with("Sara Smith", same_name=str(sara.pk)))
    assert response.status_code == 302
    assert list(Meeting.objects.get().contacts.all()) == [sara]


def test_a_meeting_kept_offline_is_asked_about_then_sent_once(client_logged_in, user):
    """The phone's outbox sends a kept meeting with its submission key: the question
    comes back as a mistake to fix (its "open to fix"), and the answer, sent with the
    same key, logs it once."""
    sara = make_contact(user, "Sara Smith")
    form_page = client_logged_in.get(LOG).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', form_page).group(1)
    kept = logged_with("Sara Smith", submission_key=key)

    refused = client_logged_in.post(LOG, kept, headers=HTMX)
    assert_fragment(refused, 'name="same_name"', status=422)
    fixed = client_logged_in.post(LOG, kept | {"same_name": str(sara.pk)}, headers=HTMX)
    again = client_logged_in.post(LOG, kept | {"same_name": str(sara.pk)}, headers=HTMX)

    assert fixed.status_code == again.status_code == 200
    assert list(Meeting.objects.get().contacts.all()) == [sara]
    assert Contact.objects.count() == 1


def test_the_type_ahead_asks_before_someone_new_of_a_matchs_name(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    make_contact(user, "Sara Smithson")

    query = {"pick": "many", "new": "1", "q": "sara smith"}
    body = text(client_logged_in.get(SEARCH, query, headers=HTMX))
    assert 'data-pick-new="sara smith" data-ask-first>+ Someone new: “sara smith”' in body
    question = body[body.index("data-same-question"):]
    assert "sara smith is already in your contacts." in question
    assert reverse("meetings:participant-chip", args=[sara.pk]) in question
    assert "Use Sara Smith · Acme" in question and "Sara Smithson" not in question
    assert 'data-another>Add another sara smith</button>' in question

    one = text(client_logged_in.get(SEARCH, {"new": "1", "q": "Sara Smith"}, headers=HTMX))
    assert f'<input type="radio" name="contact" value="{sara.pk}"> Use Sara Smith · Acme' in one

    for partly in ("Sara", "Sara Smiths"):
        body = text(client_logged_in.get(SEARCH, query | {"q": partly}, headers=HTMX))
        assert "data-ask-first" not in body and "data-same-question" not in body


def test_a_name_no_field_takes_is_refused_with_an_answer_too(client_logged_in, user):
    """The answer is read before the fields are checked: a name with a NUL (PostgreSQL
    refuses it in a query: a 500) is refused by its field, not looked up."""
    typed = "Sara\x00Smith"
    sara = make_contact(user, "Sara Smith")
    with CaptureQueriesContext(connection) as queries:
        response = client_logged_in.post(
            LOG, logged_with(typed, same_name=str(sara.pk)), headers=HTMX
        )
    assert_fragment(response, "data-new-person open", status=422)
    assert not Meeting.objects.exists()
    assert not [q["sql"] for q in queries if typed in q["sql"]]  # (SQLite shows the values)
