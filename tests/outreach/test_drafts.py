"""The drafted request follows the articles' scripts: the name-drop for a referral,
the old acquaintance, the length asked for, and the reply to “we're not hiring”."""

from __future__ import annotations

import pytest

from contacts.models import Source
from outreach.models import Channel, length_phrase
from referrals.models import Referral
from tests.factories import make_contact
from tests.outreach.factories import make_outreach

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_user(user):
    user.first_name, user.last_name = "Dana", "Demo"
    user.save()
    return user


def test_a_referral_is_dropped_by_name_first_on_the_phone(named_user):
    sara = make_contact(named_user, "Sara Smith")
    john = make_contact(named_user, "John Public", source=Source.REFERRAL)
    referral = Referral.objects.create(
        user=named_user, referrer=sara, referred=john, reason="he knows everyone in town"
    )
    ask = make_outreach(
        named_user, john, channel=Channel.PHONE, referral=referral,
        purpose="how I can use networking in my job search",
    )

    assert ask.script == "referral"
    assert ask.draft_request() == (
        "Hi John, this is Dana Demo. Sara Smith suggested I give you a call. Sara told me "
        "you know everyone in town, and I'm hoping you could share some ideas about how I "
        "can use networking in my job search. I'm not asking for a job; I'd value 15 minutes "
        "of your perspective. Would you have 15 minutes for a coffee or a call in the next "
        "week or two?"
    )


def test_a_written_name_drop_is_a_signed_note_with_a_subject(named_user):
    sara = make_contact(named_user, "Sara Smith")
    john = make_contact(named_user, "John Public", email="john@acme.example")
    referral = Referral.objects.create(user=named_user, referrer=sara, referred=john)
    ask = make_outreach(named_user, john, channel=Channel.EMAIL, referral=referral)

    text = ask.draft_request()
    assert text.startswith("Hi John,\n\nSara Smith suggested I get in touch. I'm hoping")
    assert "how Acme's data team hires" in text
    assert text.endswith("Best wishes,\nDana Demo")
    assert ask.subject_line() == "Sara Smith suggested I get in touch"
    assert ask.mailto(text).startswith(
        "mailto:john@acme.example?subject=Sara%20Smith%20suggested%20I%20get%20in%20touch&body=Hi%20John"
    )


def test_an_old_acquaintance_is_told_you_value_their_perspective(named_user):
    alan = make_contact(named_user, "Alan Park", source=Source.KNEW)
    ask = make_outreach(
        named_user, alan, channel=Channel.IN_PERSON, length_minutes=30,
        purpose="where the platform team is heading.",
    )

    assert ask.script == "acquaintance"
    assert ask.draft_request() == (
        "Alan, I've known you for several years and value your perspective. I'd like to sit "
        "down with you, for half an hour or so, and ask you some questions about where the "
        "platform team is heading, as well as discuss some ideas that I have. I'm not asking "
        "for a job. Are you open to that?"
    )
    assert ask.mailto(ask.draft_request()) == ""  # no address, no link


def test_someone_met_lately_gets_an_introduction_with_the_length(named_user):
    isabel = make_contact(named_user, "Isabel Cruz", source=Source.EVENT)
    ask = make_outreach(named_user, isabel, channel=Channel.LINKEDIN, length_minutes=20)

    text = ask.draft_request()
    assert ask.script == "introduction"
    assert "Would you have 20 minutes for a coffee or a call" in text
    assert "I'm not asking for a job" in text
    assert ask.subject_line() == "20 minutes of your perspective?"


def test_the_reply_to_we_are_not_hiring_is_not_about_a_job(named_user):
    kevin = make_contact(named_user, "Kevin O'Brien", organization="Northwind Bank")
    ask = make_outreach(named_user, kevin, channel=Channel.PHONE, purpose="how the risk team works")

    assert ask.draft_not_hiring() == (
        "Great, I understand Northwind Bank has a very stable team, and I'm not asking for a "
        "job. I'd like to find out more about how the risk team works; I hope to learn "
        "something that will help me in my job search. Would you have 15 minutes to share "
        "your perspective? And if you're not the right person, I'd like to talk to anyone "
        "you can think of, for any reason: who else would you suggest I talk to?"
    )


def test_names_are_not_html_escaped_in_a_draft(named_user):
    kevin = make_contact(named_user, "Kevin O'Brien", organization="K&B <Partners>")
    ask = make_outreach(named_user, kevin, channel=Channel.EMAIL, purpose="how K&B's team works")
    assert ask.draft_request().startswith("Hi Kevin,")
    assert "I understand K&B <Partners> has" in ask.draft_not_hiring()
    assert "about how K&B's team works" in ask.draft_request()


@pytest.mark.parametrize(
    "minutes, phrase",
    [(15, "15 minutes"), (30, "half an hour"), (60, "an hour"), (1, "1 minute"), (45, "45 minutes")],
)
def test_the_length_in_words(minutes, phrase):
    assert length_phrase(minutes) == phrase
