"""Undo for done, skip, snooze and delete: a form that posts back, with and without
JavaScript, honoured for a few seconds, taking back exactly what the action changed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp, Status
from followups.undo import CannotUndo, undo
from reciprocity.models import InboundRequest, RequestStatus
from referrals.models import IntroStatus, Progress, Referral
from tests.engine import sweep_kinds
from tests.factories import make_contact, make_followup
from tests.helpers import HTMX, text

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("home:dashboard")
UNDO = reverse("followups:undo")


def undo_form(html: str) -> dict[str, str]:
    """The Undo offered in a page or fragment: its action and hidden token."""
    form = re.search(r'<form class="undo" method="post" action="([^"]+)"(.*?)</form>', html, re.S)
    assert form, "no Undo offered"
    token = re.search(r'name="token" value="([^"]+)"', form.group(2))
    return {"action": form.group(1), "token": token.group(1) if token else ""}


@pytest.fixture
def item(user):
    return make_followup(user, title="Send the article", due_at=timezone.now() - timedelta(hours=1))


@pytest.mark.parametrize("action", ["mark-done", "skip"])
def test_htmx_done_or_skip_offers_undo_that_reopens_it(client_logged_in, item, action):
    response = client_logged_in.post(reverse(f"followups:{action}", args=[item.pk]), headers=HTMX)
    offered = undo_form(text(response))
    assert offered["action"] == UNDO
    assert 'hx-target="#queue"' in text(response)
    item.refresh_from_db()
    assert item.status != Status.PENDING

    response = client_logged_in.post(UNDO, {"token": offered["token"]}, headers=HTMX)
    assert "Undone: Send the article is back in your queue." in text(response)
    due = item.due_at
    item.refresh_from_db()
    assert (item.status, item.completed_at, item.due_at) == (Status.PENDING, None, due)
    assert 'id="followup-%d"' % item.pk in text(response)  # back in the queue shown


def test_without_javascript_the_undo_is_on_the_page_redirected_to_once(client_logged_in, item):
    response = client_logged_in.post(reverse("followups:mark-done", args=[item.pk]))
    assert response.url == DASHBOARD
    page = text(client_logged_in.get(DASHBOARD))
    offered = undo_form(page)
    assert "Done: Send the article." in page
    assert 'class="undo"' not in text(client_logged_in.get(DASHBOARD))  # once
    response = client_logged_in.post(UNDO, {"token": offered["token"]})
    assert response.url == DASHBOARD
    item.refresh_from_db()
    assert item.status == Status.PENDING


def test_undo_of_snooze_puts_the_due_time_back(client_logged_in, user, item):
    was = (item.status, item.due_at)
    response = client_logged_in.post(
        reverse("followups:snooze", args=[item.pk]), {"days": 3}, headers=HTMX
    )
    item.refresh_from_db()
    assert item.status == Status.SNOOZED
    client_logged_in.post(UNDO, {"token": undo_form(text(response))["token"]}, headers=HTMX)
    item.refresh_from_db()
    assert (item.status, item.due_at) == was


def test_a_second_undo_changes_nothing(client_logged_in, user, item):
    item.mark_done()
    from followups.undo import token

    value = token(item)
    undo(user, value)
    item.refresh_from_db()
    item.mark_done()  # done again, later: the old token must not reopen it
    with pytest.raises(CannotUndo, match="has changed since"):
        undo(user, value)
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_undo_tapped_twice_without_javascript_says_it_is_undone(client_logged_in, item):
    # Without JavaScript nothing stops a second tap: the page shown is the second
    # answer, which must not say the undo failed while the item is back in the queue.
    client_logged_in.post(reverse("followups:mark-done", args=[item.pk]))
    offered = undo_form(text(client_logged_in.get(DASHBOARD)))
    client_logged_in.post(UNDO, {"token": offered["token"]})
    response = client_logged_in.post(UNDO, {"token": offered["token"]}, follow=True)
    assert "Undone: Send the article is back in your queue." in text(response)
    assert "Not undone" not in text(response)
    item.refresh_from_db()
    assert (item.status, item.completed_at) == (Status.PENDING, None)


def test_undo_runs_out_after_a_few_seconds(user, item, settings):
    from followups.undo import GRACE_SECONDS, token

    item.mark_done()
    settings.UNDO_SECONDS = -GRACE_SECONDS - 1  # every token is already too old
    with pytest.raises(CannotUndo, match="Too late"):
        undo(user, token(item))


def test_a_token_is_only_its_users_and_cannot_be_forged(user, other_user, item):
    from followups.undo import token

    item.mark_done()
    value = token(item)
    with pytest.raises(CannotUndo):
        undo(other_user, value)
    with pytest.raises(CannotUndo, match="Nothing to undo"):
        undo(user, value[:-2] + "xx")
    with pytest.raises(CannotUndo, match="Nothing to undo"):
        undo(user, "\x00" * 3000)
    item.refresh_from_db()
    assert item.status == Status.DONE


def test_undo_view_tells_why_not_and_is_post_only(client_logged_in, item):
    response = client_logged_in.post(UNDO, {"token": "nonsense"}, follow=True)
    assert "Nothing to undo." in text(response)
    assert client_logged_in.get(UNDO).status_code == 405


def test_undoing_keep_in_touch_takes_back_the_touch_and_the_next_reminder(user):
    earlier = timezone.now() - timedelta(days=40)
    alan = make_contact(user, "Alan Park", keep_in_touch_days=30, last_interaction_at=earlier)
    sweep_kinds("keep_in_touch")
    reminder = FollowUp.objects.get(kind="keep_in_touch")
    assert reminder.mark_done()
    assert FollowUp.objects.filter(kind="keep_in_touch").open().exclude(pk=reminder.pk).exists()
    from followups.undo import token

    undo(user, token(reminder))
    alan.refresh_from_db()
    assert alan.last_interaction_at == earlier
    assert list(FollowUp.objects.filter(kind="keep_in_touch")) == [reminder]
    reminder.refresh_from_db()
    assert reminder.status == Status.PENDING


def test_undoing_a_referral_call_makes_the_person_not_contacted_again(user):
    sara, alan = make_contact(user, "Sara Smith"), make_contact(user, "Alan Park")
    jo = make_contact(user, "Jo Lee")
    Referral.objects.create(user=user, referrer=sara, referred=alan)
    Referral.objects.create(user=user, referrer=jo, referred=alan)
    sweep_kinds("referral_call")
    call = FollowUp.objects.get(kind="referral_call")
    call.mark_done()
    assert set(Referral.objects.values_list("progress", flat=True)) == {Progress.CONTACTED}
    from followups.undo import token

    undo(user, token(call))
    assert set(Referral.objects.values_list("progress", flat=True)) == {Progress.NOT_CONTACTED}


def test_undoing_ask_intro_and_reply_take_back_their_subjects(user):
    from followups.undo import token

    sara, alan = make_contact(user, "Sara Smith"), make_contact(user, "Alan Park")
    referral = Referral.objects.create(user=user, referrer=sara, referred=alan)
    inbound = InboundRequest.objects.create(user=user, contact=alan)
    sweep_kinds("ask_intro", "reply")
    for followup in FollowUp.objects.filter(kind__in=["ask_intro", "reply"]):
        followup.mark_done()
        value = token(followup)
        undo(user, value)
    referral.refresh_from_db()
    inbound.refresh_from_db()
    assert referral.intro_status == IntroStatus.NOT_ASKED
    assert inbound.status == RequestStatus.OPEN


def test_undo_leaves_a_subject_changed_since_alone(user):
    """Asked, undone... but the user set the referral to "called ahead" meanwhile: that stays."""
    from followups.undo import token

    sara, alan = make_contact(user, "Sara Smith"), make_contact(user, "Alan Park")
    referral = Referral.objects.create(user=user, referrer=sara, referred=alan)
    sweep_kinds("ask_intro")
    ask = FollowUp.objects.get(kind="ask_intro")
    ask.mark_done()
    Referral.objects.filter(pk=referral.pk).update(intro_status=IntroStatus.CALLED)
    undo(user, token(ask))
    referral.refresh_from_db()
    assert referral.intro_status == IntroStatus.CALLED


def test_delete_offers_undo_that_restores(client_logged_in, user):
    alan = make_contact(user, "Alan Park")
    response = client_logged_in.post(reverse("contacts:delete-contact", args=[alan.pk]))
    page = text(client_logged_in.get(response.url))
    offered = undo_form(page)
    assert "Deleted Alan Park." in page
    assert offered["action"].startswith("/trash/")
    response = client_logged_in.post(offered["action"])
    assert response.url == alan.get_absolute_url()
    assert Contact.objects.filter(name="Alan Park").exists()
