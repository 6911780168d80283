"""A contact's page lists the leads they are part of, open ones first (the furthest
along first), each linking to its page (whose people link back); nothing at all, and no
query, for those in none."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.views import LEADS_LIMIT
from jobs.models import Lead, Outcome, Status
from tests.factories import make_contact, make_organization
from tests.helpers import count_queries, text

pytestmark = pytest.mark.django_db


def make_lead(user, role, organization, people, status=Status.FOUND, outcome="", days_ago=0):
    lead = Lead(
        user=user, organization=organization, role=role, status=status, outcome=outcome,
        moved_at=timezone.now() - timedelta(days=days_ago),
    )
    return lead.save_new(people)


def leads_section(body: str) -> str:
    found = re.search(r'<section aria-labelledby="leads-title">.*?</section>', body, re.DOTALL)
    return found.group(0) if found else ""


def rows(body: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", leads_section(body), re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_the_leads_they_are_part_of_open_ones_first_each_linked(client_logged_in, user):
    acme = make_organization(user, "Acme")
    globex = make_organization(user, "Globex")
    sara = make_contact(user, "Sara Smith", organization=acme)
    john = make_contact(user, "John Public")
    won = make_lead(user, "Analyst", globex, [sara], Status.CLOSED, Outcome.WON)
    applied = make_lead(user, "Product Manager", acme, [sara, john], Status.APPLIED, days_ago=3)
    found = make_lead(user, "Data Engineer", globex, [sara], days_ago=1)
    make_lead(user, "Not hers", acme, [john])

    body = text(client_logged_in.get(sara.get_absolute_url()))

    assert '<h2 id="leads-title">Leads</h2>' in body
    # Still going before closed, the furthest along first: the application made three
    # days ago before the lead found yesterday.
    assert rows(body) == [
        "Product Manager at Acme Applied",
        "Data Engineer at Globex Found",
        "Analyst at Globex Closed: won",
    ]
    section = leads_section(body)
    for lead in (found, applied, won):
        assert f'href="{lead.get_absolute_url()}"' in section
    assert '<span class="badge outcome-won">Closed: won</span>' in section
    assert "every lead with" not in section
    # The lead's page lists Sara among its people, linked back to her page.
    lead_page = text(client_logged_in.get(applied.get_absolute_url()))
    assert f'<a href="{sara.get_absolute_url()}">Sara Smith</a>' in lead_page


def test_a_contact_in_no_lead_has_no_section_and_no_query_for_it(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    make_lead(user, "Someone else's", make_organization(user, "Acme"), [make_contact(user, "Jo")])
    with CaptureQueriesContext(connection) as queries:
        body = text(client_logged_in.get(sara.get_absolute_url()))
    assert "leads-title" not in body
    # Whether she has any is asked in her own query; no query reads leads on its own.
    assert '"jobs_lead_contacts"' in queries.captured_queries[0]["sql"]
    assert not [q for q in queries.captured_queries[1:] if '"jobs_lead' in q["sql"]]


def test_only_the_first_few_show_and_the_rest_are_counted_in_one_query(
    client_logged_in, user, django_assert_num_queries
):
    acme = make_organization(user, "Acme")
    sara = make_contact(user, "Sara Smith")
    url = sara.get_absolute_url()
    none, _ = count_queries(client_logged_in, url)
    make_lead(user, "Role 00", acme, [sara])
    one, response = count_queries(client_logged_in, url)
    assert one == none + 1  # the leads, with how many in all
    assert rows(text(response)) == ["Role 00 at Acme Found"]

    for i in range(1, 20):
        make_lead(user, f"Role {i:02}", acme, [sara], days_ago=i)
    for i in range(20, 25):
        make_lead(user, f"Role {i:02}", acme, [sara], Status.CLOSED, Outcome.LOST)
    with django_assert_num_queries(one):
        body = text(client_logged_in.get(url))
    assert rows(body) == [f"Role {i:02} at Acme Found" for i in range(LEADS_LIMIT)]
    section = leads_section(body)
    assert f"And {25 - LEADS_LIMIT} more: " in section
    rest = f"/leads/?view=list&amp;contact={sara.pk}"
    assert f'<a href="{rest}">every lead with Sara</a>' in section
    listed = client_logged_in.get(rest.replace("&amp;", "&"))
    assert listed.context["page"].paginator.count == 25


def test_another_users_leads_never_show(client_logged_in, user, other_user):
    sara = make_contact(user, "Sara Smith")
    theirs = Lead(user=other_user, organization=make_organization(other_user, "Secret Co"),
                  role="Secret role")
    theirs.save_new([sara])  # their lead holding my contact: never on my page
    make_lead(user, "Mine", make_organization(user, "Acme"), [sara])
    body = text(client_logged_in.get(sara.get_absolute_url()))
    assert rows(body) == ["Mine at Acme Found"]
    assert "Secret" not in body


def test_a_lead_whose_organization_is_not_named_yet_says_so(client_logged_in, user):
    sara = make_contact(user, "Jane Doe")  # the recruiter who brought it
    lead = make_lead(user, "Product Manager", None, [sara], Status.REACHED_OUT)
    section = leads_section(text(client_logged_in.get(sara.get_absolute_url())))
    assert rows(section) == ["Product Manager (organization not named yet) Reached out"]
    assert f'<a href="{lead.get_absolute_url()}">Product Manager</a>' in section
