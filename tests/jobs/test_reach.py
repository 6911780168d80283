"""Who I know there: one hop, one referral away, intro paths through referral chains,
and the warmth that ranks them."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from jobs.reach import BRIDGES_LIMIT, OWED, warmth, who_i_know_at, with_warmth
from contacts.models import Contact
from reciprocity.models import InboundRequest, RequestStatus
from referrals import graph
from referrals.models import Referral
from tests.factories import make_contact, make_meeting, make_organization

pytestmark = pytest.mark.django_db


def refer(user, referrer, referred):
    return Referral.objects.create(user=user, referrer=referrer, referred=referred)


def names(people) -> list[str]:
    return [p.contact.name for p in people]


def test_one_hop_the_people_who_work_there(user, other_user):
    acme = make_organization(user, "Acme")
    make_contact(user, "Sara Smith", organization=acme)
    make_contact(user, "John Public", organization=acme)
    make_contact(user, "Elsewhere", organization="Globex")
    make_contact(other_user, "Mallory", organization=make_organization(other_user, "Acme"))

    reach = who_i_know_at(user, acme)

    assert sorted(names(reach.people)) == ["John Public", "Sara Smith"]
    assert reach.bridges == [] and reach.paths == []
    assert not reach.is_empty


def test_nobody_there(user):
    reach = who_i_know_at(user, make_organization(user, "Initech"))
    assert reach.is_empty


def test_one_referral_away_in_both_directions(user):
    acme = make_organization(user, "Acme")
    john = make_contact(user, "John Public", organization=acme)
    sara = make_contact(user, "Sara Smith", organization="Globex")  # referred you to John
    alan = make_contact(user, "Alan Park")  # John referred you to Alan
    colleague = make_contact(user, "Ann Acme", organization=acme)
    refer(user, sara, john)
    refer(user, john, alan)
    refer(user, john, colleague)  # both there: no bridge

    reach = who_i_know_at(user, acme)

    bridges = {(b.person.contact.name, b.insider.name, b.referred_you) for b in reach.bridges}
    assert bridges == {("Sara Smith", "John Public", True), ("Alan Park", "John Public", False)}


def test_an_intro_path_through_a_chain(user):
    acme = make_organization(user, "Acme")
    linda = make_contact(user, "Linda Greene")
    ethan = make_contact(user, "Ethan Wright", organization="Greenleaf")
    rachel = make_contact(user, "Rachel Stone", organization=acme)
    refer(user, linda, ethan)
    refer(user, ethan, rachel)

    reach = who_i_know_at(user, acme)

    assert [[c.name for c in p.people] for p in reach.paths] == [
        ["Linda Greene", "Ethan Wright", "Rachel Stone"],
    ]
    assert reach.paths[0].asker.contact == ethan  # who referred you to the person there
    assert reach.paths[0].target == rachel
    assert reach.paths[0].people.start == graph.Chain.YOU  # nobody referred Linda


def test_an_intro_path_round_a_loop_does_not_start_with_you(user, django_assert_num_queries):
    # Ann referred you to Ben, and Ben to Ann: you did not know Ann already.
    acme = make_organization(user, "Acme")
    ann = make_contact(user, "Ann Able")
    ben = make_contact(user, "Ben Bold", organization=acme)
    refer(user, ann, ben)
    refer(user, ben, ann)

    with django_assert_num_queries(5):  # as many as for any path: read with its people
        reach = who_i_know_at(user, acme)

    [path] = reach.paths
    assert path.people == [ann, ben] and path.asker.contact == ann
    assert path.people.start == graph.Chain.LOOP


def test_an_intro_path_longer_than_the_walk_does_not_start_with_you(user):
    acme = make_organization(user, "Acme")
    line = [make_contact(user, f"Person {i:02}") for i in range(graph.MAX_DEPTH + 1)]
    line.append(make_contact(user, "At Acme", organization=acme))
    for referrer, referred in pairwise(line):
        refer(user, referrer, referred)

    [path] = who_i_know_at(user, acme).paths
    assert path.people == line[1:]  # the walk's depth: Person 00 is not on it
    assert path.people.start == graph.Chain.FAR


def test_paths_are_the_referral_chains_of_everyone_there(user):
    """chains_to_organization is chains_to for each person there, in one query."""
    acme = make_organization(user, "Acme")
    a, b, c = (make_contact(user, n) for n in ("A", "B", "C"))
    x = make_contact(user, "X", organization=acme)
    y = make_contact(user, "Y", organization=acme)
    refer(user, a, b)
    refer(user, b, x)
    refer(user, c, x)
    refer(user, x, y)
    refer(user, y, a)  # a loop back through the organization

    together = graph.chains_to_organization(user.pk, acme.pk)

    one_by_one = graph.chains_to(user.pk, x.pk) + graph.chains_to(user.pk, y.pk)
    assert sorted(together) == sorted(one_by_one)
    assert together  # and none loops forever


def test_another_users_referrals_make_no_path(user, other_user):
    acme = make_organization(user, "Acme")
    john = make_contact(user, "John Public", organization=acme)
    theirs = make_contact(other_user, "Mallory")
    Referral.objects.create(user=other_user, referrer=theirs, referred=john)

    reach = who_i_know_at(user, acme)

    assert reach.paths == [] and reach.bridges == []


def test_warmth_is_recency_referrals_and_the_ledger(user):
    now = timezone.now()
    sara = make_contact(user, "Sara Smith", last_interaction_at=now - timedelta(days=3))
    for i in range(4):
        refer(user, sara, make_contact(user, f"Referred {i}"))
    zoe = make_contact(user, "Zoe Carter", last_interaction_at=now - timedelta(days=60))
    InboundRequest.objects.create(user=user, contact=zoe, status=RequestStatus.HELPED)
    old = make_contact(user, "Old Friend", last_interaction_at=now - timedelta(days=400))
    owed = make_contact(user, "Generous Gary", last_interaction_at=now - timedelta(days=200))
    for i in range(OWED):
        make_meeting(user, [owed], starts_at=now - timedelta(days=200 + i))

    scored = {
        c.name: warmth(c, now)
        for c in with_warmth(Contact.objects.for_user(user).filter(
            pk__in=[sara.pk, zoe.pk, old.pk, owed.pk]
        ), user, now)
    }

    # Sara: in touch 3 days ago (3) + referrals, capped (3) - they helped you 4 times more (1).
    assert scored["Sara Smith"].score == 3 + 3 - 1
    assert "referred you to 4 people" in scored["Sara Smith"].reasons
    assert scored["Zoe Carter"].score == 2 + 1  # 60 days; you helped her
    assert scored["Zoe Carter"].reasons == ("in touch 60 days ago", "you helped them once")
    assert scored["Old Friend"].score == 0 and scored["Old Friend"].reasons == ()
    assert scored["Generous Gary"].score == 1 - 1
    assert "offer help back before you ask" in scored["Generous Gary"].reasons


def test_warmest_first(user):
    now = timezone.now()
    acme = make_organization(user, "Acme")
    cold = make_contact(user, "Aaron Cold", organization=acme)
    warm = make_contact(user, "Zed Warm", organization=acme, last_interaction_at=now)
    # Two ways in to Rachel: through a cold referrer and a warm one.
    rachel = make_contact(user, "Rachel Stone", organization=acme)
    cold_bridge = make_contact(user, "Abe Distant", last_interaction_at=now - timedelta(days=300))
    warm_bridge = make_contact(user, "Yara Close", last_interaction_at=now - timedelta(days=1))
    refer(user, cold_bridge, rachel)
    refer(user, warm_bridge, rachel)

    reach = who_i_know_at(user, acme, now)

    assert names(reach.people)[0] == "Zed Warm"
    assert names(reach.people)[-1] in {"Aaron Cold", "Rachel Stone"}
    assert [b.person.contact.name for b in reach.bridges] == ["Yara Close", "Abe Distant"]
    assert [p.asker.contact.name for p in reach.paths] == ["Yara Close", "Abe Distant"]
    assert cold in [p.contact for p in reach.people] and warm in [p.contact for p in reach.people]


def test_the_bridges_are_the_newest_referrals_of_both_directions(user, other_user):
    """More referrals with one end there than are shown, in both directions and
    interleaved in time: the newest BRIDGES_LIMIT of them all, whichever way they go."""
    acme = make_organization(user, "Acme")
    john = make_contact(user, "John Public", organization=acme)
    day = timezone.localdate()
    expected = []
    for i in range(BRIDGES_LIMIT + 20):  # 0 is the newest
        other = make_contact(user, f"Bridge {i:02}", organization="Globex")
        to_john, referred_you = ((other, john), True) if i % 3 else ((john, other), False)
        referral = refer(user, *to_john)
        Referral.objects.filter(pk=referral.pk).update(referred_on=day - timedelta(days=i))
        if i < BRIDGES_LIMIT:
            expected.append((other.name, referred_you))
    refer(user, john, make_contact(user, "Ann Acme", organization=acme))  # both there: none
    theirs_at_acme = make_organization(other_user, "Acme")
    refer(other_user, make_contact(other_user, "Mallory", organization="Globex"),
          make_contact(other_user, "Jo", organization=theirs_at_acme))

    reach = who_i_know_at(user, acme)

    assert sorted((b.person.contact.name, b.referred_you) for b in reach.bridges) == sorted(expected)
    assert {b.insider for b in reach.bridges} == {john}


def test_the_query_count_holds_from_10_to_110_people(user, django_assert_num_queries):
    acme = make_organization(user, "Acme")

    def grow(count, prefix):
        for i in range(count):
            first = make_contact(user, f"{prefix} first {i}")
            middle = make_contact(user, f"{prefix} middle {i}", organization="Globex")
            there = make_contact(user, f"{prefix} there {i}", organization=acme)
            refer(user, first, middle)
            refer(user, middle, there)

    grow(10, "A")
    with django_assert_num_queries(5):
        small = who_i_know_at(user, acme)
    grow(100, "B")
    with django_assert_num_queries(5):
        big = who_i_know_at(user, acme)
    assert len(small.paths) == 10 and len(big.paths) == 10
    assert len(big.people) == 50 and big.more_people


def test_people_who_used_to_work_there(user, django_assert_num_queries):
    acme = make_organization(user, "Acme")
    alan = make_contact(user, "Alan Park", organization="Globex")
    alan.past_organizations.add(acme)
    now_there = make_contact(user, "Jo Lee", organization=acme)
    now_there.past_organizations.add(acme)  # worked there before and again: one of "there"
    make_contact(user, "Someone else", organization="Globex")
    reach = who_i_know_at(user, acme)
    assert [p.contact for p in reach.alumni] == [alan]
    assert [p.contact for p in reach.people] == [now_there]
    assert not reach.is_empty


def test_the_contact_form_records_where_they_used_to_work(client_logged_in, user):
    from django.urls import reverse

    alan = make_contact(user, "Alan Park")
    url = reverse("contacts:edit-contact", args=[alan.pk])
    response = client_logged_in.post(url, {
        "name": "Alan Park", "source": "knew", "past_organization_names": "Acme,  acme , Globex Corp",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(o.name for o in alan.past_organizations.all()) == ["Acme", "Globex Corp"]
    page = client_logged_in.get(alan.get_absolute_url()).content.decode()
    assert "Used to work at" in page and "Globex Corp" in page
    too_many = ", ".join(f"Org {i}" for i in range(11))
    response = client_logged_in.post(url, {"name": "Alan Park", "source": "knew",
                                           "past_organization_names": too_many})
    assert response.status_code == 422 and "Org 10" in response.content.decode()


def test_in_touch_counts_days_of_the_calendar_where_the_user_lives(user):
    """19 hours ago, the evening before, was yesterday, not today."""
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    now = datetime(2026, 12, 2, 14, 0, tzinfo=paris)
    cases = {
        "Last Night": (now - timedelta(hours=19), "in touch yesterday"),
        "This Morning": (now - timedelta(hours=5), "in touch today"),
        "Last Week": (now - timedelta(days=7), "in touch 7 days ago"),
    }
    for name, (last, _) in cases.items():
        make_contact(user, name, last_interaction_at=last)
    with timezone.override(paris):
        scored = {c.name: warmth(c, now) for c in with_warmth(
            Contact.objects.for_user(user), user, now)}
    for name, (_, said) in cases.items():
        assert scored[name].reasons[0] == said, name
