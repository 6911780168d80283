"""Target companies: the page of targets with their coverage and next step, in a fixed
number of queries, and the one-tap toggle on an organization's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Organization
from jobs.models import Lead, Status
from jobs.reach import coverage, who_i_know_at
from jobs.targets import Target, targets_for
from referrals.models import Referral
from tests.factories import make_contact, make_organization
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    hx_trigger,
    text,
)

pytestmark = pytest.mark.django_db

TARGETS = reverse("jobs:targets")


def target_url(organization: Organization) -> str:
    return reverse("contacts:set-target", args=[organization.pk])


def make_lead(user, organization, role="Data Analyst", status=Status.FOUND, **fields):
    return Lead(user=user, organization=organization, role=role, status=status, **fields).save_new()


def by_name(targets: list[Target]) -> dict[str, Target]:
    return {t.organization.name: t for t in targets}


@pytest.fixture
def network(user):
    """Acme: Sara (in touch months ago) and John, whom Sara referred you to; Alan at
    Globex, in touch yesterday, referred you to John as well. Initech: nobody. Hooli: Priya, and an application."""
    now = timezone.now()
    acme = make_organization(user, "Acme", is_target=True)
    initech = make_organization(user, "Initech", is_target=True)
    hooli = make_organization(user, "Hooli", is_target=True)
    make_organization(user, "Not Wanted")
    sara = make_contact(user, "Sara Smith", organization=acme)
    sara.touch(now - timedelta(days=100))
    john = make_contact(user, "John Public", organization=acme)
    john.touch(now - timedelta(days=40))
    alan = make_contact(user, "Alan Park", organization="Globex")
    alan.touch(now - timedelta(days=1))
    Referral.objects.create(user=user, referrer=sara, referred=john)
    Referral.objects.create(user=user, referrer=alan, referred=john)
    priya = make_contact(user, "Priya Raman", organization=hooli)
    make_lead(user, hooli, "Analyst", Status.APPLIED, moved_at=now - timedelta(days=9))
    make_lead(user, hooli, "Old one", Status.CLOSED, outcome="lost")
    return {"acme": acme, "initech": initech, "hooli": hooli, "sara": sara, "john": john,
            "alan": alan, "priya": priya}


# The page -----------------------------------------------------------------------------


def test_login_required(client):
    assert_login_redirect(client.get(TARGETS), TARGETS)


def test_get_only(client_logged_in):
    assert_not_allowed(client_logged_in.post(TARGETS), "GET")


def test_empty_state_explains_targets(client_logged_in, user):
    make_organization(user, "Acme")  # not a target
    body = assert_full_page(client_logged_in.get(TARGETS), "No target companies yet.")
    assert "A target is an organization you would like to work for" in body
    assert reverse("contacts:organization-list") in body


def test_coverage_numbers(user, network, other_user):
    make_organization(other_user, "Acme", is_target=True)  # someone else's: not shown
    targets, more = targets_for(user)

    assert [t.organization.name for t in targets] == ["Acme", "Hooli", "Initech"] and not more
    acme, hooli, initech = (by_name(targets)[n] for n in ("Acme", "Hooli", "Initech"))
    assert acme.cover.known == 2
    assert [p.contact.name for p in acme.cover.top_people] == ["John Public", "Sara Smith"]
    assert acme.cover.path_count == 2  # Sara → John, Alan → John
    assert acme.cover.last_touch == network["john"].last_interaction_at  # the latest there
    assert acme.open_leads == 0
    assert (hooli.cover.known, hooli.cover.path_count, hooli.open_leads) == (1, 0, 1)
    assert hooli.cover.last_touch is None
    assert (initech.cover.known, initech.cover.path_count, initech.cover.last_touch) == (
        0, 0, None,
    )


def test_batched_coverage_agrees_with_who_i_know_at(user, network):
    """The many-organizations variant finds what the one-organization query finds."""
    organizations = [network["acme"], network["hooli"], network["initech"]]
    covered = coverage(user, organizations)
    for organization in organizations:
        reach = who_i_know_at(user, organization)
        cover = covered[organization.pk]
        assert [p.contact.pk for p in cover.people] == [p.contact.pk for p in reach.people]
        assert [[c.pk for c in p.people] for p in cover.paths] == [
            [c.pk for c in p.people] for p in reach.paths
        ]
        assert [p.warmth for p in cover.people] == [p.warmth for p in reach.people]


def test_next_steps_in_plain_words(user, network):
    steps = {name: t.next_step for name, t in by_name(targets_for(user)[0]).items()}

    # Alan (in touch yesterday) is warmer than anyone at Acme: ask him for the intro.
    assert steps["Acme"].text == "Ask Alan Park for an intro to John Public"
    assert steps["Acme"].url == network["alan"].get_absolute_url()
    assert steps["Initech"].text == "Find someone who knows Initech: ask your connectors"
    assert steps["Initech"].url == reverse("referrals:network")
    hooli_lead = Lead.objects.get(role="Analyst")
    assert (steps["Hooli"].text, steps["Hooli"].url) == (
        "Check in on your application", hooli_lead.get_absolute_url(),
    )


def test_next_step_add_a_lead_then_ask_about_it(user):
    globex = make_organization(user, "Globex", is_target=True)
    sara = make_contact(user, "Sara Smith", organization=globex)
    sara.touch(timezone.now())
    [target] = targets_for(user)[0]
    assert target.next_step.text == "Add a lead"
    assert target.next_step.url == f"{reverse('jobs:add-lead')}?organization={globex.pk}"

    lead = make_lead(user, globex, "Data Analyst")
    [target] = targets_for(user)[0]
    assert target.next_step.text == "Ask Sara Smith about the Data Analyst role"
    assert target.next_step.url == lead.get_absolute_url()

    lead.move(Status.INTERVIEWING)
    [target] = targets_for(user)[0]
    assert target.next_step.text == "Keep your Data Analyst lead moving (interviewing)"


def test_the_page_shows_each_target(client_logged_in, user, network):
    body = assert_full_page(client_logged_in.get(TARGETS), "Target companies")
    assert "Not Wanted" not in body
    assert "Ask Alan Park for an intro to John Public" in body
    assert "Find someone who knows Initech: ask your connectors" in body
    assert "Check in on your application" in body
    assert 'href="' + network["sara"].get_absolute_url() + '"' in body
    assert "You → Sara Smith → John Public" in body or "You → Alan Park → John Public" in body
    assert "Analyst</a> <span class=\"meta\">(applied)</span>" in body
    assert "Old one" not in body  # closed


def test_an_intro_path_round_a_loop_does_not_start_with_you(client_logged_in, user):
    # Ann referred you to Ben, who works at Acme, and Ben to Ann: you did not know Ann.
    acme = make_organization(user, "Acme", is_target=True)
    ann = make_contact(user, "Ann Able")
    ben = make_contact(user, "Ben Bold", organization=acme)
    Referral.objects.create(user=user, referrer=ann, referred=ben)
    Referral.objects.create(user=user, referrer=ben, referred=ann)
    body = text(client_logged_in.get(TARGETS))
    assert '<span title="Further back">…</span> → Ann Able → Ben Bold' in body
    assert "You → Ann Able" not in body


def make_targets(user, count: int, start: int = 0) -> None:
    """Targets with people there, intro paths to them, and leads."""
    for i in range(start, start + count):
        organization = make_organization(user, f"Target {i:02d}", is_target=True)
        insider = make_contact(user, f"Insider {i:02d}", organization=organization)
        insider.touch(timezone.now() - timedelta(days=i + 1))
        friend = make_contact(user, f"Friend {i:02d}")
        Referral.objects.create(user=user, referrer=friend, referred=insider)
        make_lead(user, organization, f"Role {i}", Status.APPLIED if i % 2 else Status.FOUND)


def test_query_count_is_constant_whatever_the_number_of_targets(client_logged_in, user):
    make_targets(user, 2)
    few, response = count_queries(client_logged_in, TARGETS)
    assert text(response).count('class="target"') == 2

    make_targets(user, 18, start=2)
    many, response = count_queries(client_logged_in, TARGETS)
    assert text(response).count('class="target"') == 20
    assert many == few, (few, many)
    assert many <= 12


# The toggle -----------------------------------------------------------------------------


def test_marking_a_target_with_htmx_returns_the_toggle(client_logged_in, user):
    acme = make_organization(user, "Acme")
    page = client_logged_in.get(acme.get_absolute_url())
    assert 'name="is_target" value="1"' in text(page) and "Mark as target" in text(page)

    response = client_logged_in.post(target_url(acme), {"is_target": "1"}, headers=HTMX)

    body = assert_fragment(response, 'id="target-toggle"')
    assert "Acme is a target company." in body and "Not a target" in body
    assert hx_trigger(response) == {"targetChanged": {"id": acme.pk}}
    acme.refresh_from_db()
    assert acme.is_target
    # A double tap wants the same state: nothing changes.
    client_logged_in.post(target_url(acme), {"is_target": "1"}, headers=HTMX)
    acme.refresh_from_db()
    assert acme.is_target
    assert "Acme" in text(client_logged_in.get(TARGETS))


def test_unmarking_without_javascript_goes_back_to_the_page(client_logged_in, user):
    acme = make_organization(user, "Acme", is_target=True)
    response = client_logged_in.post(target_url(acme), {"is_target": "0"})
    assert response.status_code == 302 and response["Location"] == acme.get_absolute_url()
    acme.refresh_from_db()
    assert not acme.is_target
    page = client_logged_in.get(response["Location"])
    assert "Acme is no longer a target." in text(page)


def test_the_toggle_refuses_nonsense_and_other_users(client_logged_in, user, other_user, client):
    acme = make_organization(user, "Acme")
    theirs = make_organization(other_user, "Acme", is_target=True)
    assert client_logged_in.post(target_url(theirs), {"is_target": "0"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_target
    assert client_logged_in.post(target_url(acme), {"is_target": "maybe"}).status_code == 422
    assert client_logged_in.post(
        target_url(acme), {"is_target": "maybe"}, headers=HTMX
    ).status_code == 422
    acme.refresh_from_db()
    assert not acme.is_target
    assert_not_allowed(client_logged_in.get(target_url(acme)), "POST")
    client.logout()
    assert_login_redirect(client.post(target_url(acme), {"is_target": "1"}), target_url(acme))


def test_targets_are_linked_from_the_leads_page_and_the_menu(client_logged_in):
    body = text(client_logged_in.get(reverse("jobs:lead-list")))
    assert body.count(f'href="{TARGETS}"') == 2  # the page head and the account menu
