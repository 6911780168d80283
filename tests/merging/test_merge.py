"""Merging two contacts who are one person: what to keep, what moves, what goes, in one
transaction, and undone exactly from the Trash."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from taggit.models import TaggedItem

from contacts.models import Contact, Note
from followups.models import FollowUp
from jobs.models import Lead
from meetings.models import Meeting
from merging.models import DismissedPair
from merging.services import merge, relation_label, relations
from reciprocity.models import InboundRequest
from referrals.models import Referral
from tests.engine import run_kind, sweep_kinds
from tests.factories import make_contact, make_meeting
from tests.helpers import assert_not_allowed, text
from trash.models import TrashEntry
from trash.services import CannotRestore, move_to_trash, restore

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (the session aside), every column: equal means exact."""
    return {
        model._meta.label_lower: sorted(model._base_manager.values_list(), key=repr)
        for model in apps.get_models()
        if model._meta.label_lower != "sessions.session"
    }


@pytest.fixture
def world(user):
    """Alan Park (older) and Al Park (newer, the same email) at Acme, with everything a
    contact can have, including what collides when they become one."""
    now = timezone.now()
    alan = make_contact(
        user, "Alan Park", organization="Acme", email="alan@acme.example", title="Data lead",
        tags=["data", "mentor"], keep_in_touch_days=30, notes="Met at the data meetup",
        links="linkedin.com/in/alanpark", created_at=now - timedelta(days=40),
    )
    al = make_contact(
        user, "Al Park", email="ALAN@acme.example", phone="+1 415 555 0123", title="Head of data",
        tags=["mentor", "alumni"], keep_in_touch_days=60, notes="Coffee friend",
        links="https://www.linkedin.com/in/alanpark/\nhttps://alpark.example",
    )
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    Contact.objects.filter(pk=alan.pk).update(created_at=now - timedelta(days=40))
    alan.refresh_from_db()
    alan.log_note("Called about the data team")
    al.log_note("Sent the article")
    with_alan = make_meeting(user, [alan, sara], notes="with Alan")
    with_al = make_meeting(user, [al, sara], notes="with Al")
    with_both = make_meeting(user, [alan, al], notes="both of them")
    Referral.objects.create(user=user, referrer=sara, referred=alan, meeting=with_alan)
    Referral.objects.create(user=user, referrer=sara, referred=al, meeting=with_al, reason="twice")
    Referral.objects.create(user=user, referrer=al, referred=john, reason="knows everyone")
    Referral.objects.create(user=user, referrer=al, referred=alan, reason="himself")
    Referral.objects.create(user=user, referrer=john, referred=al)
    InboundRequest.objects.create(user=user, contact=al, details="15 minutes?")
    Lead(user=user, organization=alan.organization, role="Data Analyst").save_new([alan, al])
    Lead(user=user, organization=alan.organization, role="Engineer").save_new([al])
    DismissedPair.dismiss(user, al, john)
    from contacts.models import Organization
    from events.models import Event
    from outreach.models import Outreach

    alan.past_organizations.add(Organization.objects.named(user, "Globex"))
    al.past_organizations.add(
        Organization.objects.named(user, "Globex"), Organization.objects.named(user, "Initech")
    )
    Outreach.objects.create(user=user, contact=al, purpose="how Acme hires")
    Event.objects.create(user=user, name="Data Breakfast").went(people=[alan, al])
    sweep_kinds("keep_in_touch", "referral_call", "ask_intro", "thank_you", "reply")
    return {"alan": alan, "al": al, "sara": sara, "john": john, "both": with_both}


def merge_url(kept, other=None) -> str:
    url = reverse("merging:merge-contact", args=[kept.pk])
    return f"{url}?contact={other.pk}" if other else url


def test_every_relation_to_a_contact_is_handled() -> None:
    """Every link to a contact, whatever app it is in, is walked by the merge. A new one
    shows up here: check the default (repoint, drop what a unique constraint refuses)
    is right for it, or add a handler to merging.services.HANDLERS, then list it."""
    assert sorted(relation_label(f) for f in relations()) == [
        "contacts.note.contact",
        "events.eventvisit.people",
        "followups.followup.contact",
        "jobs.lead.contacts",
        "meetings.meeting.contacts",
        "merging.dismissedpair.first",
        "merging.dismissedpair.second",
        "outreach.outreach.contact",
        "reciprocity.inboundrequest.contact",
        "referrals.referral.referred",
        "referrals.referral.referrer",
    ]


def test_the_merge_page_offers_each_field_and_says_what_moves_and_goes(client_logged_in, world):
    alan, al = world["alan"], world["al"]
    before = snapshot()
    response = client_logged_in.get(merge_url(alan, al))
    page = text(response)
    assert response.status_code == 200
    assert "Merge Al Park into Alan Park?" in page
    # A conflict is a choice, the newer record's (Al's) picked by default, and said so.
    assert 'name="title" value="other"' in page and "Head of data" in page and "Data lead" in page
    assert 'value="other" id="id_title_1" checked' in page
    assert "the other's, added" in page
    # Where one only has a value (Al's phone, Alan's organization), it is kept.
    assert 'name="phone"' not in page and "+1 415 555 0123" in page
    assert 'name="organization"' not in page and "Acme" in page
    # What moves and what goes.
    assert 'name="email"' not in page  # ALAN@acme.example is alan@acme.example
    # One meeting both were at stays one meeting; one lead both were on, one lead.
    assert "<li>1 meeting</li>" in page and "<li>1 lead</li>" in page
    assert "<li>2 referrals</li>" in page and "<li>1 request for help</li>" in page
    assert "The referral Al Park → Alan Park goes: they are one person now" in page
    assert "Sara Smith → Alan Park was recorded for both: one referral stays" in page
    assert "Al Park&#x27;s open keep-in-touch reminder goes" in page
    assert "Thank-you note “Thank Al Park for the coffee” goes: Alan Park has the same one." in page
    assert snapshot() == before  # the preview changes nothing


def test_merging_moves_everything_in_one_go(client_logged_in, user, world):
    alan, al, sara, john = world["alan"], world["al"], world["sara"], world["john"]
    alan_open_kit = alan.keep_in_touch_reminder()
    response = client_logged_in.post(merge_url(alan), {"contact": al.pk, "title": "kept",
                                                       "name": "kept", "keep_in_touch_days": "other"})
    assert response.status_code == 302 and response.url == alan.get_absolute_url()
    assert not Contact.objects.filter(pk=al.pk).exists()
    alan.refresh_from_db()
    # Fields: picked, or the one there; notes joined; links and tags united.
    assert (alan.name, alan.title, alan.keep_in_touch_days) == ("Alan Park", "Data lead", 60)
    assert alan.phone == "+1 415 555 0123" and alan.organization.name == "Acme"
    assert alan.notes == "Met at the data meetup\n\nCoffee friend"
    assert alan.links.splitlines() == ["linkedin.com/in/alanpark", "https://alpark.example"]
    assert sorted(alan.tags.names()) == ["alumni", "data", "mentor"]
    # Meetings: the three, one link each.
    assert Meeting.objects.filter(contacts=alan).count() == 3
    assert Meeting.objects.get(pk=world["both"].pk).contacts.count() == 1
    # Referrals: both directions moved, the same edge once, no self-referral.
    edges = set(Referral.objects.values_list("referrer__name", "referred__name"))
    assert edges == {("Sara Smith", "Alan Park"), ("Alan Park", "John Public"),
                     ("John Public", "Alan Park")}
    assert not Referral.objects.filter(referrer=alan, referred=alan).exists()
    sara_to_alan = Referral.objects.get(referrer=sara, referred=alan)
    kinds = list(sara_to_alan.followups.values_list("kind", flat=True))
    assert len(kinds) == len(set(kinds))  # one of each kind: the same ones were dropped
    # Notes, requests, leads, follow-ups.
    assert Note.objects.filter(contact=alan).count() == 2
    assert InboundRequest.objects.get().contact == alan
    assert set(Lead.objects.filter(contacts=alan).values_list("role", flat=True)) == {
        "Data Analyst", "Engineer",
    }
    assert Lead.objects.get(role="Data Analyst").contacts.count() == 1
    assert FollowUp.objects.filter(contact_id=al.pk).count() == 0
    thank_yous = FollowUp.objects.filter(kind="thank_you", meeting=world["both"], contact=alan)
    assert thank_yous.count() == 1
    open_kit = FollowUp.objects.filter(kind="keep_in_touch", contact=alan).open()
    assert list(open_kit) == [alan_open_kit]  # the kept one's, moved to the new cadence
    # "Not the same person" stays said of the merged contact.
    assert DismissedPair.objects.filter(first=min(alan, john, key=lambda c: c.pk)).exists()
    # One Trash entry, and an Undo on the page it lands on.
    entry = TrashEntry.objects.get(user=user)
    assert entry.kind == "merge" and entry.label == "Al Park, merged into Alan Park"
    page = text(client_logged_in.get(response.url))
    assert "Merged Al Park into Alan Park." in page and entry.get_restore_url() in page
    assert page.count("Merged Al Park into Alan Park.") == 1  # said once, with its Undo


def test_the_merge_names_the_person_as_they_are_after_it(client_logged_in, world):
    """Al Park's name picked over Alan Park's: the page it lands on says who they are now."""
    alan, al = world["alan"], world["al"]
    response = client_logged_in.post(merge_url(alan), {"contact": al.pk, "name": "other"})
    assert response.status_code == 302 and response.url == alan.get_absolute_url()
    page = text(client_logged_in.get(response.url))
    assert "<h1>Al Park" in page
    assert "Merged Alan Park and Al Park into Al Park." in page
    assert "into Alan Park" not in page


def test_a_merge_undone_from_the_trash_leaves_everything_exactly_as_before(client_logged_in, user, world):
    alan, al = world["alan"], world["al"]
    before = snapshot()
    client_logged_in.post(merge_url(alan), {"contact": al.pk})
    assert snapshot() != before
    entry = TrashEntry.objects.get(user=user)
    response = client_logged_in.post(reverse("trash:restore", args=[entry.pk]))
    assert response.url == al.get_absolute_url()
    assert snapshot() == before


def test_what_was_edited_after_the_merge_keeps_its_edit_when_it_is_undone(user, world):
    """Undone a week later: the merge's own changes go back, but what the person wrote
    since (the kept contact's title and notes, a note's text) is not lost."""
    alan, al = world["alan"], world["al"]
    before = {c.pk: c for c in Contact.objects.all()}
    merge(user, alan.pk, al.pk, {})
    alan.refresh_from_db()
    assert alan.phone == "+1 415 555 0123"  # the merge's: Al's phone
    alan.title = "VP of Data"
    alan.notes += "\n\nNow runs the data org."
    alan.save()
    note = Note.objects.get(contact=alan, body="Called about the data team")
    note.body = "Called about the data team: they hire in March"
    note.save()

    restore(TrashEntry.objects.get())

    alan.refresh_from_db()
    was = before[alan.pk]
    assert alan.title == "VP of Data"
    assert alan.notes == "Met at the data meetup\n\nCoffee friend\n\nNow runs the data org."
    assert Note.objects.get(pk=note.pk).body == "Called about the data team: they hire in March"
    # The merge's changes to fields nobody edited since are undone.
    assert (alan.phone, alan.links, alan.keep_in_touch_days) == (
        was.phone, was.links, was.keep_in_touch_days)
    assert sorted(alan.tags.names()) == ["data", "mentor"]
    back = Contact.objects.get(pk=al.pk)
    assert (back.name, back.phone, back.title) == ("Al Park", "+1 415 555 0123", "Head of data")
    assert Note.objects.filter(contact=back).count() == 1


def test_a_merge_into_the_other_way_round_is_undone_exactly_too(user, world):
    before = snapshot()
    merge(user, world["al"].pk, world["alan"].pk, {})
    restore(TrashEntry.objects.get())
    assert snapshot() == before


def test_the_merge_comes_back_only_once_what_it_was_merged_into_is_back(user, world):
    alan, al = world["alan"], world["al"]
    before = snapshot()
    merge(user, alan.pk, al.pk, {})
    merged = TrashEntry.objects.get()
    deleted = move_to_trash(Contact.objects.get(pk=alan.pk), kind="contact", label="Alan Park")
    with pytest.raises(CannotRestore, match="Alan Park is gone"):
        restore(merged)
    assert TrashEntry.objects.filter(pk=merged.pk).exists()  # nothing happened
    restore(deleted)
    restore(TrashEntry.objects.get(pk=merged.pk))
    assert snapshot() == before


def test_a_double_tap_merges_once(client_logged_in, user, world):
    alan, al = world["alan"], world["al"]
    first = client_logged_in.post(merge_url(alan), {"contact": al.pk})
    second = client_logged_in.post(merge_url(alan), {"contact": al.pk}, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[-1][0] == alan.get_absolute_url()
    assert "Merged already." in text(second)
    assert TrashEntry.objects.filter(user=user).count() == 1


def test_a_bad_pick_is_shown_back_and_merges_nothing(client_logged_in, world):
    alan, al = world["alan"], world["al"]
    response = client_logged_in.post(merge_url(alan), {"contact": al.pk, "title": "neither"})
    assert response.status_code == 422
    assert "Pick one value for each field." in text(response)
    assert Contact.objects.filter(pk=al.pk).exists()


def test_another_users_contact_is_a_404_either_way(client_logged_in, other_user, world):
    alan = world["alan"]
    mallory = make_contact(other_user, "Alan Park", email="alan@acme.example")
    assert client_logged_in.get(merge_url(alan, mallory)).status_code == 404
    assert client_logged_in.get(merge_url(mallory, alan)).status_code == 404
    assert client_logged_in.get(merge_url(mallory)).status_code == 404
    assert client_logged_in.post(merge_url(alan), {"contact": mallory.pk}).status_code == 404
    assert client_logged_in.post(merge_url(mallory), {"contact": alan.pk}).status_code == 404
    assert Contact.objects.filter(pk=mallory.pk).exists() and not TrashEntry.objects.exists()


def test_merging_needs_a_login_and_takes_get_and_post_only(client, client_logged_in, world):
    url = merge_url(world["alan"])
    assert_not_allowed(client_logged_in.put(url), "GET, POST")
    assert_not_allowed(client_logged_in.delete(url), "GET, POST")
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response.url


def test_merge_from_a_contact_page_picks_the_other_first(client_logged_in, world):
    alan, al = world["alan"], world["al"]
    detail = text(client_logged_in.get(alan.get_absolute_url()))
    assert f'href="{merge_url(alan)}"' in detail
    pick = text(client_logged_in.get(merge_url(alan)))
    assert "Merge someone into Alan Park" in pick
    assert f'action="{merge_url(alan)}"' in pick and 'method="get"' in pick
    assert f'value="{al.pk}"' in pick  # a recent contact to pick
    assert "Pick someone other than Alan Park." in text(
        client_logged_in.get(merge_url(alan, alan))
    )
    found = text(client_logged_in.get(reverse("contacts:contact-search"), {"q": "Al Pa"}))
    assert f'name="contact" value="{al.pk}"' in found


def test_the_picks_default_to_what_is_there_and_the_newer_on_conflict(user):
    from merging.services import field_choices

    old = make_contact(user, "Ann Lee", title="CTO", email="")
    new = make_contact(user, "Ann Lee", title="CEO", email="ann@example.com")
    picks = {c.name: (c.pick, c.conflict) for c in field_choices(old, new)}
    assert picks["title"] == ("other", True)
    assert picks["email"] == ("other", False)
    assert picks["name"] == ("kept", False)
    assert picks["phone"] == ("kept", False)
    picks = {c.name: c.pick for c in field_choices(new, old)}
    assert picks["title"] == "kept"  # the newer is kept now


def test_how_you_met_defaults_to_the_older_records(user):
    """Sara referred Alan; a LinkedIn import added him again, met "Online": merged, he
    stays someone Sara referred (the chain says so, and insights count him so)."""
    from merging.services import field_choices

    old = make_contact(user, "Alan Park", source="referral")
    imported = make_contact(user, "Alan Park", source="online", email="alan@example.com")
    assert old.created_at < imported.created_at or old.pk < imported.pk
    picks = {c.name: (c.pick, c.conflict) for c in field_choices(old, imported)}
    assert picks["source"] == ("kept", True)
    assert picks["email"] == ("other", False)
    picks = {c.name: c.pick for c in field_choices(imported, old)}
    assert picks["source"] == "other"  # the older one's, whichever is kept


def test_tags_both_carry_stay_once(user, world):
    alan, al = world["alan"], world["al"]
    merge(user, alan.pk, al.pk, {})
    ct = ContentType.objects.get_for_model(Contact)
    names = TaggedItem.objects.filter(content_type=ct, object_id=alan.pk).values_list(
        "tag__name", flat=True
    )
    assert sorted(names) == ["alumni", "data", "mentor"]


def test_what_the_merge_made_goes_when_it_is_undone(user):
    """Only the other had a cadence: its open reminder goes and the merged contact gets
    one of its own, made by the merge; undoing removes that one and brings the other's back."""
    kept = make_contact(user, "Bea Ray", email="bea@example.com")
    other = make_contact(user, "Bea Ray", email="bea@example.com", keep_in_touch_days=14)
    sweep_kinds("keep_in_touch")
    theirs = other.keep_in_touch_reminder()
    before = snapshot()
    merge(user, kept.pk, other.pk, {})
    kept.refresh_from_db()
    made = kept.keep_in_touch_reminder()
    assert kept.keep_in_touch_days == 14 and made is not None and made.pk != theirs.pk
    entry = TrashEntry.objects.get()
    assert entry.made == [{"model": "followups.followup", "pk": made.pk}]
    restore(entry)
    assert snapshot() == before


def test_where_they_worked_what_you_asked_and_where_you_met_them_join_the_kept(user, world):
    from events.models import EventVisit
    from outreach.models import Outreach

    alan, al = world["alan"], world["al"]
    merge(user, alan.pk, al.pk, {})
    assert sorted(o.name for o in alan.past_organizations.all()) == ["Globex", "Initech"]
    assert Outreach.objects.get().contact == alan
    assert list(EventVisit.objects.get().people.all()) == [alan]  # once, not twice


def test_the_calls_that_named_the_merged_away_contact_name_the_kept_one_once(user, world):
    """Al Park referred you to John, and Sara to both Al and Alan: once Al is merged into
    Alan, the calls are redrafted from the referrals as they are now."""
    alan, al, john = world["alan"], world["al"], world["john"]
    calls = FollowUp.objects.filter(kind="referral_call").open()
    assert calls.get(contact=john).title == "Call John Public, mention Al Park"
    second = Referral.objects.create(user=user, referrer=alan, referred=john)
    run_kind("referral_call", [second.pk])  # as after its save
    assert calls.get(contact=john).title == "Call John Public, mention Al Park and Alan Park"
    merge(user, alan.pk, al.pk, {"name": "kept"})
    call = calls.get(contact=john)
    assert call.title == "Call John Public, mention Alan Park"
    assert "Al Park" not in call.draft and call.draft.count("Alan Park") == 1
    assert [c.title for c in calls.filter(contact=alan)] == [
        "Call Alan Park, mention Sara Smith and John Public"
    ]
    assert not any("Al Park" in c.title + c.draft for c in calls)


def test_the_trash_entry_names_the_kept_contact_as_it_was_and_says_its_new_name(user, world):
    alan, al = world["alan"], world["al"]
    _, entry, _ = merge(user, alan.pk, al.pk, {"name": "other"})
    assert entry.label == "Al Park, merged into Alan Park"
    lines = entry.summary.splitlines()
    assert lines[0].startswith("Moved to Alan Park: ") and "Alan Park is called Al Park now." in lines
    _, entry, _ = merge(user, alan.pk, make_contact(user, "Alan P.").pk, {"name": "kept"})
    assert "is called" not in entry.summary  # the name stayed
