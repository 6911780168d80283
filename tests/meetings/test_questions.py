"""The question library (/meetings/questions/) and the picker in the meeting form.

A new account starts with the suggested questions (added when its Profile is
created); a user who deletes them all gets an empty library with a restore
button, never a silent refill.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Profile
from meetings.models import Meeting, QuestionTemplate
from meetings.services import SUGGESTED_QUESTIONS, merge_questions
from tests.conftest import make_user
from tests.factories import make_contact, make_meeting
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_htmx_login_redirect,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    text,
)

pytestmark = pytest.mark.django_db

LIBRARY = reverse("meetings:question-list")
ADD = reverse("meetings:add-question")
RESTORE = reverse("meetings:restore-questions")
LOG = reverse("meetings:log-meeting")


def edit_url(question: QuestionTemplate) -> str:
    return reverse("meetings:edit-question", args=[question.pk])


def delete_url(question: QuestionTemplate) -> str:
    return reverse("meetings:delete-question", args=[question.pk])


def texts(user) -> list[str]:
    return list(QuestionTemplate.objects.for_user(user).values_list("text", flat=True))


def row(question: QuestionTemplate) -> str:
    return f'<li id="question-{question.pk}" class="question">'


def empty_library(user) -> None:
    QuestionTemplate.objects.for_user(user).delete()


def picker_box(question: str) -> str:
    return f'name="add_questions" value="{question}"'


@pytest.fixture
def mine(user) -> QuestionTemplate:
    empty_library(user)
    return QuestionTemplate.objects.create(user=user, text="What do you know about fintech?")


@pytest.fixture
def theirs(other_user) -> QuestionTemplate:
    return QuestionTemplate.objects.create(user=other_user, text="Mallory's secret question?")


# --- the suggested questions --------------------------------------------------------------


def test_a_new_account_starts_with_the_suggested_questions(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "sara",
            "email": "sara@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302

    sara = User.objects.get(username="sara")
    assert texts(sara) == list(SUGGESTED_QUESTIONS)
    body = text(client.get(LIBRARY))
    assert all(q.replace("'", "&#x27;") in body for q in SUGGESTED_QUESTIONS)


def test_an_account_without_a_profile_gets_them_on_its_first_visit(client):
    late = User.objects.create_user("late", "late@example.com", "pw")
    assert texts(late) == []
    client.force_login(late)

    response = client.get(LIBRARY)

    assert Profile.objects.filter(user=late).exists()
    assert texts(late) == list(SUGGESTED_QUESTIONS)
    assert response.context["questions"] and len(response.context["questions"]) == len(
        SUGGESTED_QUESTIONS
    )
    client.get(LIBRARY)
    assert len(texts(late)) == len(SUGGESTED_QUESTIONS)  # once


def test_the_suggestions_are_about_learning_never_asking_for_a_job():
    assert any("Who do you suggest that I talk to?" in q for q in SUGGESTED_QUESTIONS)
    assert any("who else should I talk to?" in q for q in SUGGESTED_QUESTIONS)
    assert any("could benefit from my ability to" in q for q in SUGGESTED_QUESTIONS)
    assert not any("hiring" in q.lower() or "a job" in q.lower() for q in SUGGESTED_QUESTIONS)


def test_deleting_them_all_leaves_an_empty_library_not_a_refill(client_logged_in, user):
    for question in QuestionTemplate.objects.for_user(user):
        client_logged_in.post(delete_url(question))

    response = client_logged_in.get(LIBRARY)
    client_logged_in.get(LOG)
    client_logged_in.get(LIBRARY)

    assert texts(user) == []
    body = assert_full_page(response, "Your question library is empty.")
    assert f'action="{RESTORE}"' in body
    assert "Restore the suggested questions" in body


# --- the library page ---------------------------------------------------------------------


def test_library_lists_the_users_questions_only(client_logged_in, user, mine, theirs):
    response = client_logged_in.get(LIBRARY)

    body = assert_full_page(response, "<h1>Question library</h1>")
    assert row(mine) in body
    assert "What do you know about fintech?" in body
    assert f'hx-get="{edit_url(mine)}"' in body
    assert f'action="{delete_url(mine)}"' in body
    assert f'action="{ADD}"' in body and 'name="text"' in body
    assert "Mallory" not in body and edit_url(theirs) not in body
    assert "Your question library is empty." not in body


def test_library_htmx_get_is_the_library_fragment(client_logged_in, mine):
    response = client_logged_in.get(LIBRARY, headers=HTMX)
    body = assert_fragment(response, 'id="question-library"')
    assert row(mine) in body
    assert "<h1>" not in body


def test_library_is_in_the_account_menu(client_logged_in):
    assertContains(client_logged_in.get(LOG), f'<a href="{LIBRARY}">Question library</a>')


def test_library_login_required(client):
    assert_login_redirect(client.get(LIBRARY), LIBRARY)
    assert_htmx_login_redirect(client.get(LIBRARY, headers=HTMX), LIBRARY)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_library_wrong_method(client_logged_in, user, mine, method):
    assert_not_allowed(getattr(client_logged_in, method)(LIBRARY, {"text": "new?"}), "GET")
    assert texts(user) == [mine.text]


def test_library_query_count_holds(client_logged_in, user, django_assert_num_queries):
    empty_library(user)
    QuestionTemplate.objects.create(user=user, text="Question 000?")
    one, response = count_queries(client_logged_in, LIBRARY)
    assert text(response).count('class="question"') == 1

    QuestionTemplate.objects.bulk_create(
        QuestionTemplate(user=user, text=f"Question {i:03d}?") for i in range(1, 200)
    )

    with django_assert_num_queries(one):
        response = client_logged_in.get(LIBRARY)
    assert text(response).count('class="question"') == 200


# --- add ----------------------------------------------------------------------------------


def test_add_saves_one_line_and_redirects(client_logged_in, user, mine):
    response = client_logged_in.post(ADD, {"text": "  Which teams\r\n work   with data? "})

    assert response.status_code == 302
    assert response["Location"] == LIBRARY
    assert texts(user) == [mine.text, "Which teams work with data?"]
    page = client_logged_in.get(LIBRARY)
    assertContains(page, "Question added.")
    assertContains(page, "Which teams work with data?")


def test_add_htmx_returns_the_library_with_the_new_row(client_logged_in, user, mine):
    response = client_logged_in.post(ADD, {"text": "Which teams work with data?"}, headers=HTMX)

    added = QuestionTemplate.objects.get(user=user, text="Which teams work with data?")
    body = assert_fragment(response, 'id="question-library"')
    assert row(added) in body and row(mine) in body
    assert "Question added." in body
    blank = '<textarea name="text" cols="40" rows="2" maxlength="500" required id="id_text">\n'
    assert f"{blank}</textarea>" in body  # a fresh form for the next one


@pytest.mark.parametrize("typed", ["", "   \r\n  "])
def test_add_an_empty_question_is_422(client_logged_in, user, mine, typed):
    response = client_logged_in.post(ADD, {"text": typed})

    body = assert_full_page(response, "Write the question.", status=422)
    assert "nothing you typed is lost" in body
    assert texts(user) == [mine.text]


def test_add_a_too_long_question_is_422_and_keeps_what_was_typed(client_logged_in, user, mine):
    typed = "Why " + "very " * 100 + "long?"

    response = client_logged_in.post(ADD, {"text": typed}, headers=HTMX)

    body = assert_fragment(response, 'id="question-library"', status=422)
    assert "Ensure this value has at most 500 characters" in body
    assert f">\n{typed}</textarea>" in body
    assert texts(user) == [mine.text]


def test_add_a_question_already_there_is_422(client_logged_in, user, mine):
    response = client_logged_in.post(ADD, {"text": "what do you KNOW about  fintech?"})

    assertContains(response, "That question is in your library already.", status_code=422)
    assertContains(response, "what do you KNOW about  fintech?</textarea>", status_code=422)
    assert texts(user) == [mine.text]


def test_add_the_same_text_as_another_user_is_fine(client_logged_in, user, mine, theirs):
    client_logged_in.post(ADD, {"text": theirs.text})
    assert texts(user) == [mine.text, theirs.text]


def test_add_login_required(client, user):
    empty_library(user)
    assert_login_redirect(client.post(ADD, {"text": "Sneaky?"}), ADD)
    assert not QuestionTemplate.objects.filter(text="Sneaky?").exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_add_wrong_method(client_logged_in, user, mine, method):
    assert_not_allowed(getattr(client_logged_in, method)(ADD), "POST")
    assert texts(user) == [mine.text]


# --- edit ---------------------------------------------------------------------------------


def test_edit_page_is_the_library_with_that_row_as_a_form(client_logged_in, user, mine):
    other = QuestionTemplate.objects.create(user=user, text="Who else?")

    response = client_logged_in.get(edit_url(mine))

    body = assert_full_page(response, f'<form method="post" action="{edit_url(mine)}"')
    assert f'id="id_q{mine.pk}_text">\nWhat do you know about fintech?</textarea>' in body
    assert row(other) in body  # the rest of the library as usual
    assert row(mine) not in body


def test_edit_htmx_get_is_the_inline_form(client_logged_in, mine):
    response = client_logged_in.get(edit_url(mine), headers=HTMX)

    body = assert_fragment(response, f'hx-post="{edit_url(mine)}"')
    assert f'<li id="question-{mine.pk}" class="question editing">' in body
    assert "What do you know about fintech?</textarea>" in body
    assert 'id="question-library"' not in body


def test_edit_saves_and_redirects(client_logged_in, user, mine):
    response = client_logged_in.post(
        edit_url(mine), {"text": "What do you know about  climate tech?"}
    )

    assert response.status_code == 302
    assert response["Location"] == LIBRARY
    mine.refresh_from_db()
    assert mine.text == "What do you know about climate tech?"
    assertContains(client_logged_in.get(LIBRARY), "Question saved.")


def test_edit_htmx_post_returns_the_row(client_logged_in, user, mine):
    response = client_logged_in.post(edit_url(mine), {"text": "Who else?"}, headers=HTMX)

    body = assert_fragment(response, row(mine))
    assert "Who else?" in body
    assert "<textarea" not in body
    mine.refresh_from_db()
    assert mine.text == "Who else?"


def test_edit_keeping_the_same_text_is_no_duplicate(client_logged_in, user, mine):
    before = texts(user)
    response = client_logged_in.post(edit_url(mine), {"text": f"  {mine.text.upper()} "})
    assert response.url == reverse("meetings:question-list")
    # Its own text (any case, any spacing) is no clash with itself: saved, nothing added.
    assert texts(user) == [t if t != mine.text else mine.text.upper() for t in before]


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_edit_to_an_empty_text_is_422_and_keeps_the_question(client_logged_in, mine, headers):
    response = client_logged_in.post(edit_url(mine), {"text": "  "}, headers=headers)

    assert response.status_code == 422
    body = text(response)
    assert "Write the question." in body
    assert f'hx-post="{edit_url(mine)}"' in body
    mine.refresh_from_db()
    assert mine.text == "What do you know about fintech?"


def test_edit_a_too_long_text_is_422_keeping_what_was_typed(client_logged_in, mine):
    typed = "Why " + "very " * 100 + "long?"
    response = client_logged_in.post(edit_url(mine), {"text": typed}, headers=HTMX)
    body = assert_fragment(response, f'hx-post="{edit_url(mine)}"', status=422)
    assert f">\n{typed}</textarea>" in body
    mine.refresh_from_db()
    assert mine.text == "What do you know about fintech?"


def test_edit_another_users_question_is_404(client_logged_in, theirs):
    assert client_logged_in.get(edit_url(theirs)).status_code == 404
    response = client_logged_in.post(edit_url(theirs), {"text": "hijacked"})
    assert response.status_code == 404
    assertNotContains(response, "Mallory", status_code=404)
    theirs.refresh_from_db()
    assert theirs.text == "Mallory's secret question?"


def test_edit_login_required(client, mine):
    url = edit_url(mine)
    assert_login_redirect(client.get(url), url)
    assert_login_redirect(client.post(url, {"text": "changed"}), url)
    mine.refresh_from_db()
    assert mine.text == "What do you know about fintech?"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_edit_wrong_method(client_logged_in, mine, method):
    assert_not_allowed(getattr(client_logged_in, method)(edit_url(mine)), "GET, POST")
    assert QuestionTemplate.objects.filter(pk=mine.pk).exists()


def test_edit_page_query_count_holds(client_logged_in, user, mine, django_assert_num_queries):
    one, response = count_queries(client_logged_in, edit_url(mine))
    QuestionTemplate.objects.bulk_create(
        QuestionTemplate(user=user, text=f"Question {i:03d}?") for i in range(199)
    )
    with django_assert_num_queries(one):
        response = client_logged_in.get(edit_url(mine))
    assert text(response).count('class="question"') == 199


# --- delete -------------------------------------------------------------------------------


def test_delete_removes_it_and_redirects(client_logged_in, user, mine):
    keep = QuestionTemplate.objects.create(user=user, text="Who else?")

    response = client_logged_in.post(delete_url(mine))

    assert response.status_code == 302
    assert response["Location"] == LIBRARY
    assert texts(user) == [keep.text]
    assertContains(client_logged_in.get(LIBRARY), "Question deleted.")


def test_delete_htmx_returns_the_library(client_logged_in, user, mine):
    keep = QuestionTemplate.objects.create(user=user, text="Who else?")

    response = client_logged_in.post(delete_url(mine), headers=HTMX)

    body = assert_fragment(response, 'id="question-library"')
    assert row(keep) in body and row(mine) not in body
    assert "Question deleted." in body


def test_deleting_the_last_one_shows_the_restore_button(client_logged_in, user, mine):
    response = client_logged_in.post(delete_url(mine), headers=HTMX)

    body = assert_fragment(response, "Your question library is empty.")
    assert f'hx-post="{RESTORE}"' in body
    assert texts(user) == []


def test_delete_another_users_question_is_404(client_logged_in, theirs):
    response = client_logged_in.post(delete_url(theirs))
    assert response.status_code == 404
    assert QuestionTemplate.objects.filter(pk=theirs.pk).exists()


def test_delete_login_required(client, mine):
    url = delete_url(mine)
    assert_login_redirect(client.post(url), url)
    assert QuestionTemplate.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_delete_wrong_method(client_logged_in, mine, method):
    assert_not_allowed(getattr(client_logged_in, method)(delete_url(mine)), "POST")
    assert QuestionTemplate.objects.filter(pk=mine.pk).exists()


# --- restore ------------------------------------------------------------------------------


def test_restore_fills_an_empty_library(client_logged_in, user):
    empty_library(user)

    response = client_logged_in.post(RESTORE)

    assert response.status_code == 302
    assert response["Location"] == LIBRARY
    assert texts(user) == list(SUGGESTED_QUESTIONS)
    assertContains(client_logged_in.get(LIBRARY), f"Added {len(SUGGESTED_QUESTIONS)} suggested")


def test_restore_adds_only_the_missing_ones(client_logged_in, user, other_user):
    kept = SUGGESTED_QUESTIONS[1]
    QuestionTemplate.objects.for_user(user).exclude(text=kept).delete()
    QuestionTemplate.objects.filter(user=user).update(text=kept.upper())  # edited, same question

    response = client_logged_in.post(RESTORE, headers=HTMX)

    body = assert_fragment(response, 'id="question-library"')
    assert f"Added {len(SUGGESTED_QUESTIONS) - 1} suggested questions." in body
    assert len(texts(user)) == len(SUGGESTED_QUESTIONS)
    assert kept not in texts(user) and kept.upper() in texts(user)
    assert len(texts(other_user)) == len(SUGGESTED_QUESTIONS)  # theirs untouched

    again = client_logged_in.post(RESTORE, headers=HTMX)
    assert "Every suggested question is in your library already." in text(again)
    assert len(texts(user)) == len(SUGGESTED_QUESTIONS)


def test_restore_login_required(client, user):
    empty_library(user)
    assert_login_redirect(client.post(RESTORE), RESTORE)
    assert texts(user) == []


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_restore_wrong_method(client_logged_in, user, method):
    empty_library(user)
    assert_not_allowed(getattr(client_logged_in, method)(RESTORE), "POST")
    assert texts(user) == []


# --- the picker in the meeting form -------------------------------------------------------


def meeting_form(**overrides) -> dict:
    data = {
        "new_contact_name": "Emily Chen",
        "new_contact_organization": "Acme",
        "starts_at": "2026-03-04T10:00",
        "kind": "coffee",
        "length_minutes": 15,
        "purpose": "how Acme's data team hires",
        "questions": "",
        "invited_by": "me",
        "paid_by": "me",
    }
    return data | overrides


def test_the_log_form_offers_the_users_library(client_logged_in, user, mine, theirs):
    second = QuestionTemplate.objects.create(user=user, text="Who else should I talk to?")

    response = client_logged_in.get(LOG, headers=HTMX)

    body = assert_fragment(response, "Add from your library")
    questions_at = body.index('<details class="more-fields"')  # behind "More"
    assert body.index(picker_box(mine.text)) > questions_at
    assert picker_box(second.text) in body
    assert theirs.text.replace("'", "&#x27;") not in body
    assert f'href="{LIBRARY}"' in body


def test_the_log_form_with_an_empty_library(client_logged_in, user):
    empty_library(user)
    response = client_logged_in.get(LOG)
    assertContains(response, "Your question library is empty.")
    assertNotContains(response, 'name="add_questions"')


def test_picked_questions_are_appended_once_each(client_logged_in, user, mine):
    who = QuestionTemplate.objects.create(user=user, text="Who else should I talk to?")
    where = QuestionTemplate.objects.create(user=user, text="Where would you suggest I look?")

    response = client_logged_in.post(
        LOG,
        meeting_form(
            questions="How did you start?\r\nwhat do you know about  FINTECH?",
            add_questions=[mine.text, who.text, who.text],
        ),
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.questions.splitlines() == [
        "How did you start?",
        "what do you know about  FINTECH?",  # already there, in the user's own words
        "Who else should I talk to?",
    ]
    assert where.text not in meeting.questions


def test_picked_questions_on_an_empty_questions_box(client_logged_in, user, mine):
    client_logged_in.post(LOG, meeting_form(add_questions=[mine.text]))
    assert Meeting.objects.get().questions == "What do you know about fintech?"


def test_a_question_edited_meanwhile_is_added_as_it_was_shown(client_logged_in, user, mine):
    shown = mine.text
    mine.text = "What do you know about climate tech?"
    mine.save()

    response = client_logged_in.post(LOG, meeting_form(add_questions=[shown]))

    assert response.status_code == 302
    assert Meeting.objects.get().questions == shown


def test_picking_on_edit_appends_to_the_meetings_questions(client_logged_in, user, mine):
    emily = make_contact(user, "Emily Chen")
    meeting = make_meeting(user, [emily], questions="How did you start?")

    response = client_logged_in.post(
        reverse("meetings:edit-meeting", args=[meeting.pk]),
        meeting_form(
            contacts=[emily.pk], new_contact_name="", new_contact_organization="",
            questions="How did you start?", add_questions=[mine.text],
        ),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.questions == "How did you start?\nWhat do you know about fintech?"


def test_picks_survive_a_422_and_open_the_section(client_logged_in, user, mine):
    response = client_logged_in.post(
        LOG,
        meeting_form(new_contact_name="", new_contact_organization="", add_questions=[mine.text]),
        headers=HTMX,
    )

    body = assert_fragment(response, "Who did you meet?", status=422)
    assert f'{picker_box(mine.text)} id="id_add_questions_0" checked>' in body
    assert '<details class="more-fields" open>' in body
    assert not Meeting.objects.exists()


def test_a_blank_pick_is_rejected(client_logged_in, user, mine):
    response = client_logged_in.post(LOG, meeting_form(add_questions=["   "]))
    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_log_page_query_count_holds_as_the_library_grows(
    client_logged_in, user, django_assert_num_queries
):
    empty_library(user)
    QuestionTemplate.objects.create(user=user, text="Question 000?")
    one, response = count_queries(client_logged_in, LOG)
    assert text(response).count('name="add_questions"') == 1

    QuestionTemplate.objects.bulk_create(
        QuestionTemplate(user=user, text=f"Question {i:03d}?") for i in range(1, 200)
    )

    with django_assert_num_queries(one):
        response = client_logged_in.get(LOG)
    assert text(response).count('name="add_questions"') == 200


def test_edit_meeting_page_query_count_holds_as_the_library_grows(
    client_logged_in, user, django_assert_num_queries
):
    empty_library(user)
    meeting = make_meeting(
        user, [make_contact(user, "Emily Chen")], starts_at=timezone.now() + timedelta(days=2)
    )
    QuestionTemplate.objects.create(user=user, text="Question 000?")
    url = reverse("meetings:edit-meeting", args=[meeting.pk])
    one, _ = count_queries(client_logged_in, url)

    QuestionTemplate.objects.bulk_create(
        QuestionTemplate(user=user, text=f"Question {i:03d}?") for i in range(1, 200)
    )

    with django_assert_num_queries(one):
        response = client_logged_in.get(url)
    assert text(response).count('name="add_questions"') == 200


# --- merging questions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("questions", "picked", "merged"),
    [
        ("", ["A?"], "A?"),
        ("A?", ["A?"], "A?"),
        ("A?\r\n", ["b?", "B? ", "C?"], "A?\nb?\nC?"),
        ("  x?\n\n", [], "  x?\n\n"),
        ("", ["  two \n lines? "], "two lines?"),
    ],
)
def test_merge_questions(questions, picked, merged):
    assert merge_questions(questions, picked) == merged


def test_make_user_is_how_tests_get_their_library():
    bob = make_user("bob")
    assert texts(bob) == list(SUGGESTED_QUESTIONS)
