"""A contact's page traces how you reached them and whom they led you to."""

from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from referrals.graph import MAX_DEPTH
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def people(user, *names) -> list[Contact]:
    return [Contact.objects.create(user=user, name=n) for n in names]


def refer(user, *pairs, **fields) -> None:
    for a, b in pairs:
        Referral.objects.create(user=user, referrer=a, referred=b, **fields)


def page(client, contact) -> str:
    return client.get(reverse("home:contact-detail", args=[contact.pk])).text


def chain_texts(html: str) -> list[str]:
    import re

    items = re.findall(r'<li class="chain">(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", i).split()) for i in items]


def test_the_chain_from_someone_you_knew(client_logged_in, user):
    sara, john, alan = people(user, "Sara Smith", "John Public", "Alan Ames")
    refer(user, (sara, john), (john, alan), reason="he knows everyone in town")
    assert chain_texts(page(client_logged_in, alan)) == [
        "You → Sara Smith → John Public → Alan Ames"
    ]
    html = page(client_logged_in, sara)
    assert "nobody referred Sara" in html
    assert "1 referred directly · 2 in all" in html
    assert html.index("John Public") < html.index("Alan Ames")


def test_every_chain_when_several_people_referred_them(client_logged_in, user):
    sara, bea, john, alan = people(user, "Sara Smith", "Bea Bond", "John Public", "Alan Ames")
    refer(user, (sara, john), (bea, john), (john, alan))
    assert sorted(chain_texts(page(client_logged_in, alan))) == [
        "You → Bea Bond → John Public → Alan Ames",
        "You → Sara Smith → John Public → Alan Ames",
    ]
    html = page(client_logged_in, john)
    assert "Sara Smith</a> referred you" in html and "Bea Bond</a> referred you" in html


def test_a_loop_ends_the_chain_and_the_tree(client_logged_in, user):
    # Ann referred you to Ben and Ben to Ann: you did not know Ben already, so the
    # route is not "You → Ben Bold → Ann Able".
    a, b = people(user, "Ann Able", "Ben Bold")
    refer(user, (a, b), (b, a))
    assert chain_texts(page(client_logged_in, a)) == [
        "… → Ben Bold → Ann Able"
        + " (a loop: Ben was referred to you by someone further along this route)"
    ]
    html = page(client_logged_in, a)
    assert "1 referred directly · 1 in all" in html


def test_a_chain_into_a_loop_does_not_start_with_you(client_logged_in, user):
    # Ann and Ben referred each other; Ben also named Carl.
    a, b, c = people(user, "Ann Able", "Ben Bold", "Carl Cole")
    refer(user, (a, b), (b, a), (b, c))
    assert chain_texts(page(client_logged_in, c)) == [
        "… → Ann Able → Ben Bold → Carl Cole"
        + " (a loop: Ann was referred to you by someone further along this route)"
    ]


def test_a_chain_longer_than_the_walk_does_not_start_with_you(client_logged_in, user):
    line = people(user, *(f"Person {i:02}" for i in range(MAX_DEPTH + 2)))
    refer(user, *pairwise(line))
    [text] = chain_texts(page(client_logged_in, line[-1]))
    assert text.startswith("… → Person 01 → Person 02")
    assert text.endswith(
        f"→ Person {MAX_DEPTH + 1} (traced {MAX_DEPTH} referrals back:"
        " Person was referred to you by someone before that)"
    )
    # One step shorter, the first link is someone you knew.
    assert chain_texts(page(client_logged_in, line[-2]))[0].startswith("You → Person 00 →")


def test_another_users_referrals_never_show(client_logged_in, user, other_user):
    sara, = people(user, "Sara Smith")
    mine = people(other_user, "Mallory Mole")[0]
    theirs = people(other_user, "Trent Third")[0]
    refer(other_user, (mine, theirs))
    html = page(client_logged_in, sara)
    assert "Mallory" not in html and "Trent" not in html
    assert client_logged_in.get(reverse("home:contact-detail", args=[theirs.pk])).status_code == 404


def test_the_query_count_does_not_grow_with_the_network(client_logged_in, user):
    root, = people(user, "Root Person")

    def grow(n: int) -> None:
        new = Contact.objects.bulk_create(
            [Contact(user=user, name=f"P{Contact.objects.count()}-{i}") for i in range(n)]
        )
        parents = [root] + list(Contact.objects.filter(user=user).exclude(pk=root.pk)[:50])
        Referral.objects.bulk_create(
            [Referral(user=user, referrer=parents[i % len(parents)], referred=c) for i, c in enumerate(new)],
            ignore_conflicts=True,
        )

    grow(10)
    with CaptureQueriesContext(connection) as small:
        page(client_logged_in, root)
    grow(1000)
    with CaptureQueriesContext(connection) as large:
        html = page(client_logged_in, root)
    assert len(large) == len(small)
    assert "in all" in html


def test_a_hub_shows_the_first_of_the_people_they_led_you_to_and_how_many_more(
    client_logged_in, user, django_assert_num_queries
):
    hub, = people(user, "Hub Person")
    led = Contact.objects.bulk_create(
        [Contact(user=user, name=f"Led {i:03}") for i in range(500)]
    )
    Referral.objects.bulk_create([Referral(user=user, referrer=hub, referred=c) for c in led])
    # The first of them referred 30 people in turn: they show under it, 10 of them.
    further = Contact.objects.bulk_create(
        [Contact(user=user, name=f"Further {i:02}") for i in range(30)]
    )
    Referral.objects.bulk_create(
        [Referral(user=user, referrer=led[0], referred=c) for c in further]
    )

    with CaptureQueriesContext(connection) as big:
        html = page(client_logged_in, hub)
    assert "500 referred directly · 530 in all" in html
    assert len(html.encode()) < 100_000
    shown = [c for c in led if f">{c.name}</a>" in html]
    assert shown == led[:10]
    children = reverse("referrals:children", args=[hub.pk])
    assert f'<a href="{children}">and 490 more</a>' in html
    assert f'<a href="{reverse("referrals:children", args=[led[0].pk])}">and 20 more</a>' in html
    assert sum(f">{c.name}</a>" in html for c in further) == 10

    small_hub, = people(user, "Small Hub")
    refer(user, (small_hub, led[0]))
    with django_assert_num_queries(len(big)):
        html = page(client_logged_in, small_hub)
    assert "1 referred directly · 31 in all" in html and "more</a>" in html
