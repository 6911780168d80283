"""contacts/identity.py: the same person by email, phone or profile URL in their
normal forms; a similar name only at the same organization, and only as a question."""

import pytest

from contacts.identity import (
    EMAIL, PHONE, URL, Index, Key, Person, contact_keys, likely_duplicates, normal_email,
    normal_phone, normal_url, similar_names,
)
from contacts.models import Contact
from tests.factories import make_contact


@pytest.mark.parametrize("value, expected", [
    (" Sara.Smith@Example.COM ", "sara.smith@example.com"),
    ("mailto:sara@example.com", "sara@example.com"),
    ("<sara@example.com>", "sara@example.com"),
    ("not an address", ""), ("", ""), ("a@b", ""),
])
def test_emails(value, expected):
    assert normal_email(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("(415) 555-0123", "+14155550123"),
    ("+1 415 555 0123", "+14155550123"),
    ("tel:+14155550123", "+14155550123"),
    ("+44 20 7946 0958", "+442079460958"),
    ("12", ""), ("", ""), ("call me", ""),
])
def test_phones(value, expected):
    assert normal_phone(value, "US") == expected


def test_a_phone_without_country_code_is_read_in_the_region(settings):
    settings.NETCRM_PHONE_REGION = "GB"
    assert normal_phone("020 7946 0958") == "+442079460958"
    assert normal_phone("0044 20 7946 0958") == "+442079460958"  # 00: Britain's way out


@pytest.mark.parametrize("value, expected", [
    ("https://www.linkedin.com/in/SaraSmith/", "linkedin.com/in/sarasmith"),
    ("http://linkedin.com/in/sarasmith?trk=abc#x", "linkedin.com/in/sarasmith"),
    ("uk.linkedin.com/in/sarasmith", "linkedin.com/in/sarasmith"),
    ("https://www.linkedin.com/pub/sarasmith", "linkedin.com/in/sarasmith"),
    ("sarasmith.dev", "sarasmith.dev"),
    ("mailto:sara@example.com", ""), ("not a url", ""), ("https://[", ""),
])
def test_profile_urls(value, expected):
    assert normal_url(value) == expected


def test_a_contacts_keys_come_from_email_phone_and_links():
    keys = contact_keys("Sara@example.com", "415-555-0123",
                        "https://linkedin.com/in/sara\nmailto:sara@work.example\ntel:+1 415 555 0199")
    assert keys == {
        Key(EMAIL, "sara@example.com"), Key(EMAIL, "sara@work.example"),
        Key(PHONE, "+14155550123"), Key(PHONE, "+14155550199"), Key(URL, "linkedin.com/in/sara"),
    }


def test_the_index_finds_the_same_person_and_asks_about_similar_names():
    sara = Person(1, "Sara Smith", "Acme", {Key(EMAIL, "sara@example.com")})
    john = Person(2, "John Public", "Acme", set())
    index = Index([sara, john])
    assert index.same({Key(EMAIL, "sara@example.com")}) == (sara, Key(EMAIL, "sara@example.com"))
    assert index.same({Key(EMAIL, "other@example.com")}) is None
    assert [p for p, _ in index.similar("Jon Public", "acme ")] == [john]
    assert index.similar("John Public", "Globex") == []  # a name alone is never enough
    assert index.similar("Alan Park", "Acme") == []


@pytest.mark.django_db
def test_likely_duplicates_in_two_queries(user, other_user, django_assert_num_queries):
    a = make_contact(user, "Sara Smith", email="sara@example.com")
    b = make_contact(user, "S. Smith", links="mailto:SARA@example.com")
    c = make_contact(user, "John Public", organization="Acme")
    d = make_contact(user, "Jon Public", organization="Acme")
    make_contact(user, "John Public", organization="Globex")  # same name, elsewhere: not a pair
    e = make_contact(user, "Sara Smith")  # the same name at no organization: a question
    make_contact(other_user, "Sara Smith", email="sara@example.com")  # another user's
    with django_assert_num_queries(2):  # the contacts, their organizations' names
        pairs = likely_duplicates(user)
    assert [(p.first, p.second, p.sure) for p in pairs] == [
        (a.pk, b.pk, True), (a.pk, e.pk, False), (c.pk, d.pk, False),
    ]
    assert pairs[0].reason == "same email"
    assert pairs[1].reason == "the same name"
    assert pairs[2].reason.startswith("similar name at Acme")


@pytest.mark.django_db
def test_a_key_three_people_share_makes_each_pair_once(user):
    """Owners listed only for a key someone else has too: the third owner pairs with
    both before, and two keys shared by the same two make one pair, by the key that
    says sure (a phone under another name is only a question)."""
    a = make_contact(user, "Ann One", email="ann@example.com", phone="+1 415 555 0100")
    b = make_contact(user, "Bea Two", email="ANN@example.com", phone="(415) 555-0100")
    c = make_contact(user, "Cy Three", links="mailto:ann@example.com")
    make_contact(user, "Dee Four", email="dee@example.com")
    pairs = likely_duplicates(user, region="US")
    assert [(p.first, p.second, p.sure) for p in pairs] == [
        (a.pk, b.pk, True), (a.pk, c.pk, True), (b.pk, c.pk, True),
    ]
    assert {p.reason for p in pairs} == {"same email"}


@pytest.mark.django_db
def test_a_phone_or_a_team_address_under_two_unrelated_names_is_a_question(user):
    """As the import asks it (imports.services.plan): a switchboard's phone or jobs@
    under "Anna Berg" and "Carl Holm" may be two people; under "A. Berg" and "Anna
    Berg", one. A key that is one person's alone (their own email) is sure whatever
    the names."""
    anna = make_contact(user, "Anna Berg", phone="+1 415 555 0100")
    carl = make_contact(user, "Carl Holm", phone="(415) 555-0100")
    initial = make_contact(user, "A. Berg", phone="415.555.0100")
    jobs = make_contact(user, "Dana Whitfield", email="jobs@acme.example")
    eli = make_contact(user, "Eli Park", email="JOBS@acme.example")
    own = make_contact(user, "Fay Lund", email="fay@example.com")
    nick = make_contact(user, "Gus Moe", email="fay@example.com")
    # A team's address and a person's own email, both shared: the own email says sure.
    both = make_contact(user, "Hal Ives", email="info@globex.example",
                        links="mailto:hal@globex.example")
    again = make_contact(user, "Ina Jay", email="info@globex.example",
                         links="mailto:hal@globex.example")
    pairs = {(p.first, p.second): (p.reason, p.sure) for p in likely_duplicates(user, region="US")}
    assert pairs == {
        (anna.pk, carl.pk): ("same phone", False),
        (anna.pk, initial.pk): ("same phone", True),
        (carl.pk, initial.pk): ("same phone", False),
        (jobs.pk, eli.pk): ("same email", False),
        (own.pk, nick.pk): ("same email", True),
        (both.pk, again.pk): ("same email", True),
    }
    ordered = likely_duplicates(user, region="US")
    assert [p.sure for p in ordered] == [True] * 3 + [False] * 3  # the sure first


@pytest.mark.django_db
def test_only_the_organization_someone_changed_at_is_compared_again(user):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    sarah = make_contact(user, "Sarah Smith", organization="Acme")
    make_contact(user, "John Public", organization="Globex")
    make_contact(user, "Jon Public", organization="Globex")

    def similar():
        return {(p.first, p.second) for p in likely_duplicates(user) if not p.sure}

    globex = {tuple(sorted(Contact.objects.filter(organization__name="Globex")
                           .values_list("pk", flat=True)))}
    assert similar() == {(sara.pk, sarah.pk)} | globex
    similar_names.cache_clear()
    assert similar() == {(sara.pk, sarah.pk)} | globex
    assert similar_names.cache_info().misses == 2  # both organizations compared
    Contact.objects.filter(pk=sarah.pk).update(name="Bob Jones")
    assert similar() == globex  # Acme's names compared again: no pair there now
    info = similar_names.cache_info()
    assert (info.misses, info.hits) == (3, 1)  # Globex's kept
    Contact.objects.filter(pk=sarah.pk).update(name="Sarah Smith")
    assert similar() == {(sara.pk, sarah.pk)} | globex


@pytest.mark.django_db
def test_one_company_written_two_ways_is_one_organization_to_compare_at(user):
    """"Juniper Software" and "JUNIPER SOFTWARE, Inc." (an import from LinkedIn) are
    one company: the same name at both is a question, as at one."""
    tom = make_contact(user, "Tom Becker", organization="Juniper Software")
    again = make_contact(user, "Tom Becker", organization="JUNIPER SOFTWARE, Inc.")
    make_contact(user, "Tom Becker", organization="Juniper Networks")  # another company
    pairs = likely_duplicates(user)
    assert [(p.first, p.second, p.sure) for p in pairs] == [(tom.pk, again.pk, False)]
    assert pairs[0].reason.startswith("similar name at Juniper Software")


def test_the_very_same_name_at_no_organization_is_a_question(user):
    first = make_contact(user, "Noemail Person")
    second = make_contact(user, "noemail  person")
    make_contact(user, "Noemail Persons")  # another name: not asked
    pairs = [p for p in likely_duplicates(user) if not p.sure]
    assert [(p.first, p.second, p.reason) for p in pairs] == [
        (first.pk, second.pk, "the same name")
    ]


def test_the_very_same_name_is_a_question_when_one_of_the_two_is_at_no_organization(user):
    """As the add form asks (whatever the case and accents): Sara Smith at Acme and
    Sara Smith at none may be one person; Sara Smith at Acme and at Globex are two."""
    acme = make_contact(user, "Sara Smith", organization="Acme")
    make_contact(user, "Sara Smith", organization="Globex")  # two organizations: two people
    none = make_contact(user, "sara smith")
    jose = make_contact(user, "José Núñez", organization="Acme")
    jose_none = make_contact(user, "Jose Nunez")
    pairs = [p for p in likely_duplicates(user) if not p.sure]
    globex = Contact.objects.get(user=user, organization__name="Globex")
    assert [(p.first, p.second, p.reason) for p in pairs] == [
        (acme.pk, none.pk, "the same name"),
        (globex.pk, none.pk, "the same name"),
        (jose.pk, jose_none.pk, "the same name"),
    ]


@pytest.mark.parametrize(
    "name, first",
    [
        ("Sara Smith", "Sara"),
        ("Dr. Émile Zola-Dupont", "Émile"),
        ("dr jane roe", "jane"),
        ("Prof. Dr. Ada Lovelace", "Ada"),
        ("Mme Claire Fontaine", "Claire"),
        ("Dr. Who", "Who"),  # a title and one more word: the word
        ("Dr.", "Dr."),  # a title alone is all there is
        ("Drew Barry", "Drew"),
        ("  ", "  "),
    ],
)
def test_a_title_before_the_name_is_not_the_first_name(name, first):
    assert Contact(name=name).first_name == first
