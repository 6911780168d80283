"""Views of referrals/: the network page, a node's children, the graph drawing."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from referrals.layout import SUB_SIZE, VIEW_WIDTH, text_width
from referrals.models import Progress, Referral
from referrals.network import (
    CHILDREN_LIMIT,
    best_connectors,
    loops_led_into_by_nobody,
    meeting_counts,
)
from referrals.views import GRAPH_LIMIT
from tests.factories import bulk_contacts, bulk_organizations, make_contact, make_meeting
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

NETWORK = reverse("referrals:network")
GRAPH = reverse("referrals:graph")


def children_url(contact: Contact) -> str:
    return reverse("referrals:children", args=[contact.pk])


def contact_url(contact: Contact) -> str:
    return reverse("home:contact-detail", args=[contact.pk])


def words(html: str) -> str:
    """The text of some HTML, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def refer(user: User, referrer: Contact, referred: Contact, **fields) -> Referral:
    return Referral.objects.create(user=user, referrer=referrer, referred=referred, **fields)


@pytest.fixture
def people(user):
    """Sara → John → Alan; Sara → Priya; Linda → Ethan → Rachel; Linda → Rachel; Beth → Carlos.

    Beth, Linda and Sara are first links; Rachel has two chains. One held meeting
    gave the Sara → John referral, another held one gave none, one is upcoming.
    """
    names = {
        "sara": ("Sara Smith", "Acme"), "john": ("John Public", "Acme"),
        "alan": ("Alan Park", "Juniper"), "priya": ("Priya Raman", "Acme"),
        "linda": ("Linda Greene", "State U"), "ethan": ("Ethan Wright", "Greenleaf"),
        "rachel": ("Rachel Stone", "Greenleaf"), "beth": ("Beth Collins", "Riverbend"),
        "carlos": ("Carlos Mendes", "Riverbend"), "loner": ("Lone Wolf", None),
    }
    p = {key: make_contact(user, name, organization=org) for key, (name, org) in names.items()}
    coffee = make_meeting(user, [p["sara"]])
    make_meeting(user, [p["linda"]])
    make_meeting(user, [p["beth"]], starts_at=timezone.now() + timedelta(days=2))
    refer(user, p["sara"], p["john"], meeting=coffee, progress=Progress.MET)
    refer(user, p["john"], p["alan"], progress=Progress.MET)
    refer(user, p["sara"], p["priya"])
    refer(user, p["linda"], p["ethan"], progress=Progress.MET)
    refer(user, p["ethan"], p["rachel"])
    refer(user, p["linda"], p["rachel"], progress=Progress.CONTACTED)
    refer(user, p["beth"], p["carlos"])
    return p


@pytest.fixture
def mallory_network(other_user):
    """Another user's referral, between people with names nobody else has."""
    secret = make_contact(other_user, "Mallory Secret", organization="Evil Corp")
    target = make_contact(other_user, "Victim Vance")
    refer(other_user, secret, target)
    return {"secret": secret, "target": target}


def bulk_network(user: User, referrals: int) -> list[Contact]:
    """`referrals` referrals in trees of three children each, under 30 first links."""
    organizations = bulk_organizations(user, 3, prefix=f"Org{referrals}")
    contacts = bulk_contacts(user, referrals + 30, prefix="Net", organizations=organizations)
    Referral.objects.bulk_create(
        Referral(user=user, referrer=contacts[(k - 30) // 3], referred=contacts[k],
                 progress=Progress.MET if k % 2 else Progress.NOT_CONTACTED)
        for k in range(30, 30 + referrals)
    )
    return contacts


# --- the network page -----------------------------------------------------------------------


def test_network_shows_first_links_counts_and_connectors(client_logged_in, people):
    response = client_logged_in.get(NETWORK)

    body = assert_full_page(response, "<h1>Network</h1>")
    nodes = response.context["nodes"]
    assert [n.contact.name for n in nodes] == ["Beth Collins", "Linda Greene", "Sara Smith"]
    assert [n.count for n in nodes] == [1, 2, 2]
    for node in nodes:  # a name links to the contact; opening loads the next level
        assert f'href="{contact_url(node.contact)}"' in body
        assert f'hx-get="{children_url(node.contact)}"' in body
    assert "Riverbend" in body and "referred 2" in body
    assert 'data-count="referrals">7<' in body
    assert 'data-count="met">3<' in body
    assert 'data-count="barren">1</span> of 2 meetings gave no referral' in body
    connectors = [(c.name, c.given, c.met) for c in response.context["connectors"]]
    assert connectors == [
        ("Linda Greene", 2, 1), ("Sara Smith", 2, 1), ("John Public", 1, 1),
        ("Beth Collins", 1, 0), ("Ethan Wright", 1, 0),
    ]  # most referred first, then most met
    assert "referred 2 · you met 1" in words(body)
    assert "Lone Wolf" not in body  # in no referral


def test_best_connectors_are_ranked_by_referrals_then_met_then_name_across_the_cut(
    user, other_user
):
    """Ties at the last place taken are broken by name, whatever their number."""
    people = {name: make_contact(user, name) for name in (
        "Zed Young", "Yan Xu", "Cara Diaz", "Bob Evans", "al ward", "Tom Otis",
    )}
    for name, given, met in (
        ("Zed Young", 3, 0), ("Yan Xu", 2, 1), ("Cara Diaz", 2, 0), ("Bob Evans", 2, 0),
        ("al ward", 2, 0), ("Tom Otis", 1, 1),
    ):
        for k in range(given):
            referred = make_contact(user, f"{name} referral {k}")
            refer(user, people[name], referred,
                  progress=Progress.MET if k < met else Progress.NOT_CONTACTED)

    def ranked(limit):
        return [(c.name, c.given, c.met) for c in best_connectors(user, limit)]

    assert ranked(3) == [("Zed Young", 3, 0), ("Yan Xu", 2, 1), ("al ward", 2, 0)]
    assert ranked(4)[-1] == ("Bob Evans", 2, 0)
    assert ranked(10) == [
        ("Zed Young", 3, 0), ("Yan Xu", 2, 1), ("al ward", 2, 0), ("Bob Evans", 2, 0),
        ("Cara Diaz", 2, 0), ("Tom Otis", 1, 1),
    ]
    assert best_connectors(other_user, 3) == []  # nobody referred anyone


def test_a_meeting_gave_a_referral_once_it_has_been_held(user):
    """Referrals from a meeting yet to come (logged ahead) count once it starts."""
    sara, john, alan, priya = (make_contact(user, n) for n in ("Sara", "John", "Alan", "Priya"))
    fruitful, barren = make_meeting(user, [sara]), make_meeting(user, [john])
    ahead = make_meeting(user, [alan], starts_at=timezone.now() + timedelta(days=2))
    refer(user, sara, john, meeting=fruitful)
    refer(user, sara, alan, meeting=fruitful)
    refer(user, alan, priya, meeting=ahead)
    refer(user, john, priya)  # from no meeting
    assert barren.referrals.count() == 0

    assert meeting_counts(user) == {"held": 2, "barren": 1}
    later = timezone.now() + timedelta(days=3)
    assert meeting_counts(user, later) == {"held": 3, "barren": 1}


def test_the_whole_networks_figures_are_kept_until_something_changes(
    client_logged_in, user, people, monkeypatch
):
    fresh, response = count_queries(client_logged_in, NETWORK)
    kept, again = count_queries(client_logged_in, NETWORK)
    # Kept: the referrals, connectors (2), meetings (2), first links, until.
    assert kept == fresh - 7
    for page in (response, again):
        assert 'data-count="referrals">7<' in text(page)
        assert 'data-count="barren">1</span> of 2 meetings' in text(page)
    assert [c.name for c in again.context["connectors"]] == [
        c.name for c in response.context["connectors"]
    ]
    assert again.context["page"].paginator.count == 3
    # A new referral, from a new first link: counted at once.
    refer(user, people["loner"], people["carlos"], progress=Progress.MET)
    changed, response = count_queries(client_logged_in, NETWORK)
    assert changed == fresh
    assert 'data-count="referrals">8<' in text(response) and 'data-count="met">4<' in text(response)
    assert response.context["page"].paginator.count == 4
    assert "Lone Wolf" in [c.name for c in response.context["connectors"]]
    # The planned meeting (in two days) has started: it now counts as held.
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    recounted, response = count_queries(client_logged_in, NETWORK)
    assert recounted == fresh
    assert 'data-count="barren">2</span> of 3 meetings' in text(response)


def test_network_is_empty_for_a_new_user(client_logged_in, user, mallory_network):
    make_contact(user, "Sara Smith")

    body = assert_full_page(client_logged_in.get(NETWORK), "No referrals yet")

    assert "when you log a meeting" in body.lower()
    assert f'href="{reverse("meetings:log-meeting")}"' in body
    assert 'class="net-tree"' not in body and "Best connectors" not in body
    assert "Mallory" not in body and "Victim" not in body


def test_network_shows_only_the_users_referrals(client_logged_in, people, mallory_network):
    body = text(client_logged_in.get(NETWORK))

    assert "Mallory Secret" not in body and "Evil Corp" not in body
    assert 'data-count="referrals">7<' in body


def test_network_when_every_referral_is_in_a_loop(client_logged_in, user):
    a, b = make_contact(user, "Ann Loop"), make_contact(user, "Bob Loop")
    refer(user, a, b)
    refer(user, b, a)

    response = client_logged_in.get(NETWORK)
    body = assert_full_page(response, "Who referred whom")
    assert "No referrals yet" not in body
    assert "gave no referral" not in body  # no meeting held: nothing to count
    # The loop's first by name leads it in the tree, so neither is hidden; the tree
    # says Ann is no one you knew already.
    assert [(n.contact.name, n.count) for n in response.context["nodes"]] == [("Ann Loop", 1)]
    assert "a loop: referred to you by someone Ann led you to" in words(body)


def test_a_loop_apart_from_the_tree_gets_a_first_link_and_one_within_it_none(
    client_logged_in, user
):
    ann, bob = make_contact(user, "Ann Loop"), make_contact(user, "Bob Loop")
    refer(user, bob, ann)
    refer(user, ann, bob)
    zed, yan = make_contact(user, "Zed Root"), make_contact(user, "Yan Leaf")
    refer(user, zed, yan)
    nodes = client_logged_in.get(NETWORK).context["nodes"]
    assert [(n.contact.name, n.loop) for n in nodes] == [("Ann Loop", True), ("Zed Root", False)]
    refer(user, zed, bob)  # now the tree leads into the loop: Zed's tree holds it
    nodes = client_logged_in.get(NETWORK).context["nodes"]
    assert [(n.contact.name, n.count) for n in nodes] == [("Zed Root", 2)]


def test_someone_a_loop_led_you_to_is_no_first_link(client_logged_in, user):
    # Ann and Bob named each other, and Bob named Carl, who named Dee: Carl and Dee,
    # though first by name, were referred to you; the loop leads them.
    ann, bob = make_contact(user, "Zara Loop"), make_contact(user, "Yves Loop")
    carl, dee = make_contact(user, "Carl Below"), make_contact(user, "Dee Below")
    refer(user, ann, bob)
    refer(user, bob, ann)
    refer(user, bob, carl)
    refer(user, carl, dee)

    nodes = client_logged_in.get(NETWORK).context["nodes"]

    assert [(n.contact.name, n.count) for n in nodes] == [("Yves Loop", 2)]


def test_loops_led_into_by_nobody():
    # 1 <-> 2 leads into 3 <-> 4, which leads to 5 -> 6; 7 <-> 8 apart; 9 -> 9.
    below = {1: [2], 2: [1, 3], 3: [4], 4: [3, 5], 5: [6], 7: [8], 8: [7], 9: [9]}
    assert loops_led_into_by_nobody(below, set(below)) == {1, 2, 7, 8, 9}
    line = {i: [i + 1] for i in range(5000)} | {5000: [0]}  # one long loop
    assert loops_led_into_by_nobody(line, set(line)) == set(line)


def test_network_pages_its_first_links(client_logged_in, user, settings):
    bulk_network(user, 90)  # 30 first links

    first = client_logged_in.get(NETWORK)
    second = client_logged_in.get(NETWORK, {"page": 2})

    assert len(first.context["nodes"]) == settings.NETCRM_PAGE_SIZE
    assert len(second.context["nodes"]) == 30 - settings.NETCRM_PAGE_SIZE
    assert "Page 1 of 2" in text(first) and 'href="?page=2"' in text(first)


def test_network_login_required(client):
    assert_login_redirect(client.get(NETWORK), NETWORK)
    assert_htmx_login_redirect(client.get(NETWORK, headers=HTMX), NETWORK)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_network_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(NETWORK), "GET")


# --- search and chains ------------------------------------------------------------------------


def test_search_htmx_gets_the_results_fragment(client_logged_in, people, mallory_network):
    response = client_logged_in.get(NETWORK, {"q": "a"}, headers=HTMX)

    body = assert_fragment(response, 'id="network-search"')
    assert f'href="{NETWORK}?focus={people["alan"].pk}"' in body
    assert "Alan Park" in body and "Juniper" in body
    assert "Mallory" not in body
    assert 'role="search"' not in body and "Best connectors" not in body
    assert "hx-request" in response["Vary"].lower()


def test_search_without_javascript_gets_the_page_with_results(client_logged_in, people):
    response = client_logged_in.get(NETWORK, {"q": "rachel"})

    body = assert_full_page(response, 'id="network-search"')
    assert 'value="rachel"' in body
    assert f'href="{NETWORK}?focus={people["rachel"].pk}"' in body
    assert "Best connectors" in body


def test_search_without_match(client_logged_in, people):
    body = text(client_logged_in.get(NETWORK, {"q": "zzz"}, headers=HTMX))
    assert "Nobody matches “zzz”" in body


def test_history_restore_gets_the_whole_page(client_logged_in, people):
    response = client_logged_in.get(
        NETWORK, {"q": "alan"}, headers=HTMX | {"HX-History-Restore-Request": "true"}
    )
    assert_full_page(response, 'role="search"')


def test_focus_shows_every_chain_and_opens_the_tree_along_them(client_logged_in, people):
    rachel = people["rachel"]

    response = client_logged_in.get(NETWORK, {"focus": rachel.pk})

    body = assert_full_page(response, "How you reached Rachel Stone")
    chains = [words(c) for c in re.findall(r'<p class="net-chain">(.*?)</p>', body, re.S)]
    assert chains == [
        "You → Linda Greene → Rachel Stone",
        "You → Linda Greene → Ethan Wright → Rachel Stone",
    ]
    assert "<mark>Rachel Stone</mark>" in body
    assert f'href="{GRAPH}?contact={rachel.pk}"' in body
    # Linda, her chains' first link, comes first and is open down to Rachel.
    linda = response.context["nodes"][0]
    assert linda.contact == people["linda"] and linda.on_path
    assert [(n.contact.name, n.on_path, n.focus) for n in linda.children] == [
        ("Ethan Wright", True, False), ("Rachel Stone", True, True),
    ]
    assert [n.contact.name for n in linda.children[0].children] == ["Rachel Stone"]
    opened = rf'<li class="node on-path" data-contact="{linda.contact.pk}">\s*<details open>'
    assert re.search(opened, body)
    assert body.count(f'class="node on-path focus" data-contact="{rachel.pk}"') == 2
    others = [n for n in response.context["nodes"][1:]]
    assert not any(n.on_path or n.children for n in others)


def test_focus_on_someone_reached_round_a_loop_does_not_start_with_you(client_logged_in, user):
    # Ann and Ben referred each other: neither is someone you knew already.
    ann, ben = make_contact(user, "Ann Able"), make_contact(user, "Ben Bold")
    refer(user, ann, ben)
    refer(user, ben, ann)

    body = assert_full_page(client_logged_in.get(NETWORK, {"focus": ann.pk}), "How you reached")
    chains = [words(c) for c in re.findall(r'<p class="net-chain">(.*?)</p>', body, re.DOTALL)]
    assert chains == [
        "… → Ben Bold → Ann Able"
        + " (a loop: Ben was referred to you by someone further along this route)"
    ]


def test_focus_on_a_first_link(client_logged_in, people):
    body = text(client_logged_in.get(NETWORK, {"focus": people["sara"].pk}))
    assert "Nobody referred you to Sara Smith" in body


def test_focus_shows_only_part_of_a_wide_node_and_says_how_many_more(client_logged_in, people):
    response = client_logged_in.get(NETWORK, {"focus": people["john"].pk})
    sara = next(n for n in response.context["nodes"] if n.contact == people["sara"])
    assert [n.contact.name for n in sara.children] == ["John Public"]
    assert sara.others == 1  # Priya
    assert f'hx-get="{children_url(people["sara"])}"' in text(response)
    assert "and 1 more" in text(response)


def test_focus_on_another_users_contact_is_404(client_logged_in, people, mallory_network):
    assert client_logged_in.get(NETWORK, {"focus": mallory_network["secret"].pk}).status_code == 404
    assert client_logged_in.get(NETWORK, {"focus": "nope"}).status_code == 404
    assert client_logged_in.get(NETWORK, {"focus": 10**9}).status_code == 404
    assert client_logged_in.get(NETWORK, {"focus": 10**30}).status_code == 404


def test_network_query_count_holds(client_logged_in, user, django_assert_num_queries):
    contacts = bulk_network(user, 10)
    make_meeting(user, contacts[:1])
    plain, response = count_queries(client_logged_in, NETWORK)
    assert len(response.context["nodes"]) == 4
    deep = contacts[-1]
    focused, response = count_queries(client_logged_in, NETWORK, data={"focus": deep.pk})
    assert len(response.context["chains"]) == 1
    # Once before counting: Django reads the content types once a process (run alone,
    # this test was the first to search, and counted that read too).
    client_logged_in.get(NETWORK, {"q": "net"}, headers=HTMX)
    searched, _ = count_queries(client_logged_in, NETWORK, data={"q": "net"}, headers=HTMX)

    Referral.objects.all().delete()
    contacts = bulk_network(user, 1000)

    with django_assert_num_queries(plain):
        response = client_logged_in.get(NETWORK)
    assert len(response.context["nodes"]) == 25
    assert 'data-count="referrals">1000<' in text(response)
    with django_assert_num_queries(focused):
        response = client_logged_in.get(NETWORK, {"focus": contacts[-1].pk})
    assert [c.name for c in response.context["chains"][0]] == [
        "Net 023", "Net 101", "Net 333", "Net 1029",
    ]
    with django_assert_num_queries(searched):
        client_logged_in.get(NETWORK, {"q": "net"}, headers=HTMX)


# --- children ---------------------------------------------------------------------------------


def test_children_htmx_gets_the_next_level(client_logged_in, people):
    response = client_logged_in.get(children_url(people["sara"]), headers=HTMX)

    body = assert_fragment(response, '<ul class="net-tree">')
    assert [n.contact.name for n in response.context["nodes"]] == ["John Public", "Priya Raman"]
    john, priya = people["john"], people["priya"]
    assert f'hx-get="{children_url(john)}"' in body  # John referred someone: he opens
    assert f'hx-get="{children_url(priya)}"' not in body  # Priya did not: a leaf
    assert f'href="{contact_url(priya)}"' in body
    assert '<span class="badge met">met</span>' in body  # you met John
    assert "referred 1" in body
    assert "<h1>" not in body
    assert "hx-request" in response["Vary"].lower()


def test_children_without_javascript_is_a_page(client_logged_in, people):
    response = client_logged_in.get(children_url(people["sara"]))

    body = assert_full_page(response, "<h1>Who Sara Smith led you to</h1>")
    assert "John Public" in body and "Priya Raman" in body
    assert f'href="{NETWORK}"' in body


def test_children_of_someone_who_referred_nobody(client_logged_in, people):
    body = text(client_logged_in.get(children_url(people["priya"]), headers=HTMX))
    assert "Priya has not referred you to anyone yet." in body


def test_children_of_another_users_contact_is_404(client_logged_in, mallory_network):
    url = children_url(mallory_network["secret"])
    assert client_logged_in.get(url).status_code == 404
    assert client_logged_in.get(url, headers=HTMX).status_code == 404
    assert client_logged_in.get(f"{NETWORK}{10**30}/children/").status_code == 404


def test_children_login_required(client, people):
    url = children_url(people["sara"])
    assert_login_redirect(client.get(url), url)
    assert_htmx_login_redirect(client.get(url, headers=HTMX), url)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_children_wrong_method(client_logged_in, people, method):
    assert_not_allowed(getattr(client_logged_in, method)(children_url(people["sara"])), "GET")


def test_children_query_count_holds(client_logged_in, user, django_assert_num_queries):
    parent, *kids = bulk_contacts(user, 1011, prefix="Kid")
    edges = Referral.objects.bulk_create
    edges(Referral(user=user, referrer=parent, referred=k) for k in kids[:10])
    # Each child referred someone too, so every row carries a count.
    edges(Referral(user=user, referrer=k, referred=parent) for k in kids[:10])
    url = children_url(parent)
    one, response = count_queries(client_logged_in, url, headers=HTMX)
    assert [n.count for n in response.context["nodes"]] == [1] * 10

    edges(Referral(user=user, referrer=parent, referred=k) for k in kids[10:])

    with django_assert_num_queries(one):
        response = client_logged_in.get(url, headers=HTMX)
    assert len(response.context["nodes"]) == CHILDREN_LIMIT
    assert response.context["more"]
    assert f"These are the first {CHILDREN_LIMIT}" in text(response)


# --- the graph --------------------------------------------------------------------------------


def drawn(body: str) -> list[int]:
    """The contacts the SVG draws, by id."""
    return [int(pk) for pk in re.findall(r'<a href="/contacts/(\d+)/" class="node', body)]


def test_graph_draws_the_whole_network(client_logged_in, people, mallory_network):
    response = client_logged_in.get(GRAPH)

    body = assert_full_page(response, "<h1>Network graph</h1>")
    in_network = {c.pk for k, c in people.items() if k != "loner"}
    assert sorted(drawn(body)) == sorted(in_network)
    assert re.search(r'<svg viewBox="0 0 360 [\d.]+"', body)
    assert body.count('<path class="edge') == 7
    assert body.count('marker-end="url(#arrow)"') == 7
    assert "<title>Sara Smith · Acme</title>" in body
    assert "Mallory" not in body
    assert "Showing" not in body  # nothing left out


def test_the_graph_says_what_a_dashed_arrow_is_only_when_it_draws_one(client_logged_in, user):
    ann, bob = make_contact(user, "Ann Loop"), make_contact(user, "Bob Loop")
    refer(user, ann, bob)
    body = client_logged_in.get(GRAPH).content.decode()
    assert "edge back" not in body and "near back" not in body and "A dashed arrow" not in body
    refer(user, bob, ann)
    body = client_logged_in.get(GRAPH).content.decode()
    assert 'class="edge back"' in body and "A dashed arrow points sideways or up" in body


def test_graph_truncates_long_names_and_keeps_them_whole_in_the_title(client_logged_in, user):
    long = make_contact(
        user, "Maximilian Featherstonehaugh-Smythe", organization="Very Long Organization Name Inc"
    )
    refer(user, long, make_contact(user, "Al"))

    body = text(client_logged_in.get(GRAPH))

    full = "Maximilian Featherstonehaugh-Smythe · Very Long Organization Name Inc"
    assert f"<title>{full}</title>" in body
    name = re.search(r'<text class="name tight"[^>]*>([^<]+)</text>', body).group(1)
    organization = re.search(r'<text class="org"[^>]*>([^<]+)</text>', body).group(1)
    assert name.startswith("Maximilian") and name.endswith("…") and len(name) < 20
    assert organization.startswith("Very Long") and organization.endswith("…")
    assert ">Al</text>" in body  # a short name stays whole


def test_graph_of_a_contact_shows_two_steps_each_way(client_logged_in, user):
    names = ["Great", "Grand", "Parent", "Focus", "Child", "Grandchild", "Deep", "Aside"]
    c = {n: make_contact(user, n) for n in names}
    for a, b in [("Great", "Grand"), ("Grand", "Parent"), ("Parent", "Focus"), ("Focus", "Child"),
                 ("Child", "Grandchild"), ("Grandchild", "Deep"), ("Great", "Aside")]:
        refer(user, c[a], c[b])

    response = client_logged_in.get(GRAPH, {"contact": c["Focus"].pk})

    body = assert_full_page(response, "<h1>Focus</h1>")
    shown = {c_.name for c_ in Contact.objects.filter(pk__in=drawn(body))}
    assert shown == {"Grand", "Parent", "Focus", "Child", "Grandchild"}
    layers = {n.contact.name: n.box.layer for n in response.context["nodes"]}
    assert layers == {"Grand": -2, "Parent": -1, "Focus": 0, "Child": 1, "Grandchild": 2}
    assert f'<a href="{contact_url(c["Focus"])}" class="node focus"' in body
    assert body.count('class="node focus"') == 1
    assert body.count('marker-end="url(#arrow-near)"') == 2  # Parent → Focus → Child
    assert body.count('<path class="edge') == 4
    assert "Referred you to Focus" in body and "Focus referred you to" in body


def test_graph_layer_labels_fit_the_drawing_whatever_the_name(client_logged_in, user):
    wide, plain = make_contact(user, "W" * 200), make_contact(user, "Ann Able")
    refer(user, plain, wide)
    refer(user, wide, make_contact(user, "Ben Bold"))

    body = client_logged_in.get(GRAPH, {"contact": wide.pk}).text

    labels = re.findall(r'<text class="band"[^>]*>([^<]+)</text>', body)
    assert [label.replace("W", "") for label in labels] == [
        "Referred you to …", "… referred you to"
    ]
    assert all(text_width(label, SUB_SIZE) <= VIEW_WIDTH - 4 for label in labels)


def test_graph_of_a_contact_without_referrals(client_logged_in, people):
    body = text(client_logged_in.get(GRAPH, {"contact": people["loner"].pk}))
    assert drawn(body) == [people["loner"].pk]
    assert "No referrals to or from Lone yet." in body


def test_graph_of_another_users_contact_is_404(client_logged_in, people, mallory_network):
    assert client_logged_in.get(GRAPH, {"contact": mallory_network["secret"].pk}).status_code == 404
    assert client_logged_in.get(GRAPH, {"contact": "x"}).status_code == 404
    assert client_logged_in.get(GRAPH, {"contact": "-3"}).status_code == 404


def test_graph_is_empty_for_a_new_user(client_logged_in, mallory_network):
    body = assert_full_page(client_logged_in.get(GRAPH), "No referrals yet")
    assert "<svg" not in body


def test_graph_htmx_gets_the_figure(client_logged_in, people):
    response = client_logged_in.get(GRAPH, {"contact": people["john"].pk}, headers=HTMX)
    body = assert_fragment(response, 'id="graph"')
    assert "<svg" in body and "<h1>" not in body
    assert "hx-request" in response["Vary"].lower()


def test_graph_login_required(client):
    assert_login_redirect(client.get(GRAPH), GRAPH)
    assert_htmx_login_redirect(client.get(GRAPH, headers=HTMX), GRAPH)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_graph_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(GRAPH), "GET")


def test_graph_query_count_holds_and_the_drawing_is_capped(
    client_logged_in, user, django_assert_num_queries
):
    contacts = bulk_network(user, 10)
    whole, response = count_queries(client_logged_in, GRAPH)
    assert len(drawn(text(response))) == 14  # 4 first links and their 10
    middle = contacts[35]
    around, _ = count_queries(client_logged_in, GRAPH, data={"contact": middle.pk})

    Referral.objects.all().delete()
    contacts = bulk_network(user, 1000)

    with django_assert_num_queries(whole):
        response = client_logged_in.get(GRAPH)
    body = text(response)
    assert len(drawn(body)) == GRAPH_LIMIT
    assert f"Showing {GRAPH_LIMIT} people of the 1030 in your network" in body
    with django_assert_num_queries(around):
        client_logged_in.get(GRAPH, {"contact": contacts[35].pk})


# --- the admin ----------------------------------------------------------------------------------


def test_referral_admin_pages_open(client, people):
    staff = User.objects.create_superuser("root", "root@example.com", "root-pass-123")
    client.force_login(staff)
    referral = Referral.objects.first()
    changelist = client.get(reverse("admin:referrals_referral_changelist"))
    assert changelist.status_code == 200
    assert "Sara Smith → John Public" in changelist.text
    change = client.get(reverse("admin:referrals_referral_change", args=[referral.pk]))
    assert change.status_code == 200
