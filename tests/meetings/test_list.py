"""The meetings list as a table: every column sorts both ways, a bad sort falls back,
search, period and kind filters combine and survive paging, another user's meetings
never show, and the number of queries does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from referrals.models import Referral
from tests.factories import bulk_contacts, bulk_meetings, make_contact, make_meeting
from tests.helpers import HTMX, assert_fragment, count_queries, text

pytestmark = pytest.mark.django_db

MEETINGS = reverse("meetings:meeting-list")
PAGE_SIZE = settings.NETCRM_PAGE_SIZE


def purposes(response) -> list[str]:
    return [m.purpose for m in response.context["page"].object_list]


@pytest.fixture
def three(user):
    """Three meetings in a different order for every column; one planned."""
    now = timezone.now()
    ann, bob, cy = (make_contact(user, n) for n in ("ann Zed", "Bob Young", "Cy Xu"))
    old = make_meeting(user, [cy], starts_at=now - timedelta(days=40), kind="visit",
                       purpose="old", notes="We talked about the Acme data team.")
    recent = make_meeting(user, [bob, cy], starts_at=now - timedelta(days=3), kind="coffee",
                          purpose="recent")
    planned = make_meeting(user, [ann], starts_at=now + timedelta(days=2), kind="call",
                           purpose="planned")
    for referred in (ann, bob):
        Referral.objects.create(user=user, referrer=cy, referred=referred, meeting=old)
    Referral.objects.create(user=user, referrer=bob, referred=ann, meeting=recent)
    return old, recent, planned


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("date", ["old", "recent", "planned"]),
        ("-date", ["planned", "recent", "old"]),
        ("who", ["planned", "recent", "old"]),      # ann; Bob (and Cy); Cy
        ("-who", ["old", "recent", "planned"]),
        ("kind", ["planned", "recent", "old"]),     # call, coffee, visit
        ("-kind", ["old", "recent", "planned"]),
        ("referrals", ["planned", "recent", "old"]),  # 0, 1, 2
        ("-referrals", ["old", "recent", "planned"]),
    ],
)
def test_meetings_sort_by_each_column_both_ways(client_logged_in, three, sort, expected):
    response = client_logged_in.get(MEETINGS, {"sort": sort})
    assert purposes(response) == expected


@pytest.mark.parametrize("sort", ["starts_at", "-user", "", "date;", "\x00"])
def test_a_bad_sort_falls_back_to_the_latest_first(client_logged_in, three, sort):
    response = client_logged_in.get(MEETINGS, {"sort": sort})
    assert response.status_code == 200
    assert purposes(response) == ["planned", "recent", "old"]


def test_the_referrals_given_column_counts_them(client_logged_in, three):
    rows = {m.purpose: m for m in client_logged_in.get(MEETINGS).context["page"]}
    assert [rows[p].referral_count for p in ("old", "recent", "planned")] == [2, 1, 0]
    assert "Bob Young</a>, <a" in text(client_logged_in.get(MEETINGS))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"period": "upcoming"}, ["planned"]),
        ({"period": "7"}, ["recent"]),
        ({"period": "90"}, ["recent", "old"]),
        ({"kind": "visit"}, ["old"]),
        ({"period": "90", "kind": "coffee"}, ["recent"]),
        ({"q": "acme"}, ["old"]),                 # the notes
        ({"q": "bob"}, ["recent"]),               # who was there
        ({"q": "cy", "period": "7"}, ["recent"]),
        ({"period": "forever"}, ["planned", "recent", "old"]),   # a bad value: ignored
        ({"kind": "<script>"}, ["planned", "recent", "old"]),
    ],
)
def test_meetings_filter_by_period_kind_and_search(client_logged_in, three, params, expected):
    assert purposes(client_logged_in.get(MEETINGS, params)) == expected


def test_filters_and_sort_survive_paging(client_logged_in, user):
    people = bulk_contacts(user, 1)
    bulk_meetings(user, PAGE_SIZE + 4, contacts=people, purpose="hiring plans")
    long_ago = timezone.now() - timedelta(days=200)
    bulk_meetings(user, 3, contacts=people, purpose="other", start=long_ago)
    first = client_logged_in.get(MEETINGS, {"period": "30", "q": "hiring", "sort": "date"})
    assert first.context["page"].paginator.count == PAGE_SIZE + 4
    body = text(first)
    nav = body[body.index('<nav class="pagination"'):]
    link = nav[nav.index('href="') + 6:].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {
        "q": ["hiring"], "period": ["30"], "sort": ["date"], "page": ["2"],
    }
    second = client_logged_in.get(MEETINGS + link)
    assert len(second.context["page"].object_list) == 4
    # Sorted oldest first: page 2 ends with the newest.
    matching = Meeting.objects.filter(pk__in=list(second.context["page"].paginator.object_list))
    assert list(second.context["page"])[-1].starts_at == max(m.starts_at for m in matching)


def test_another_users_meetings_never_show(client_logged_in, user, other_user, three):
    mallory = make_contact(other_user, "Mallory Secret")
    make_meeting(other_user, [mallory], purpose="secret plans", notes="acme")
    body = text(client_logged_in.get(MEETINGS, {"q": "acme"}))
    assert "Mallory" not in body and "secret plans" not in body
    assert purposes(client_logged_in.get(MEETINGS, {"q": "acme"})) == ["old"]


def test_htmx_gets_the_rows_and_the_sort_back_in_the_form(client_logged_in, three):
    response = client_logged_in.get(MEETINGS, {"sort": "kind"}, headers=HTMX)
    body = assert_fragment(response, 'id="meeting-rows"')
    assert 'id="meeting-filters-sort" hx-swap-oob="true"' in body
    assert '<option value="kind" selected>' in body


@pytest.mark.parametrize("sort", ["-date", "who", "-referrals", "kind"])
def test_meeting_list_query_count_holds_from_5_to_50_rows(
    client_logged_in, user, django_assert_num_queries, sort
):
    people = bulk_contacts(user, 3)
    meetings = bulk_meetings(user, 5, contacts=people, purpose="learn")
    Referral.objects.create(user=user, referrer=people[0], referred=people[1], meeting=meetings[0])
    five, response = count_queries(client_logged_in, MEETINGS, data={"sort": sort})
    assert len(response.context["page"].object_list) == 5

    bulk_meetings(user, 45, contacts=people, purpose="learn",
                  start=timezone.now() - timedelta(days=20))

    with django_assert_num_queries(five):
        response = client_logged_in.get(MEETINGS, {"sort": sort})
    assert len(response.context["page"].object_list) == PAGE_SIZE
    assert text(response).count("Person 000</a>, <a") == PAGE_SIZE


def test_a_searched_row_shows_the_passage_that_matched_when_the_row_does_not(
    client_logged_in, user
):
    """Found by its place, notes or outcome (which a row does not show), a meeting says
    where, the match marked whatever its accents; found by what the row shows (its
    people, its purpose), it says nothing more."""
    sara = make_contact(user, "Sara Smith")
    make_meeting(user, [sara], purpose="coffee", location="Blue Door Café")
    make_meeting(user, [sara], purpose="call", notes="She knows the café owner <b>Zoë</b> well.")
    by_purpose = make_meeting(user, [sara], purpose="Cafe roasters' hiring")
    response = client_logged_in.get(MEETINGS, {"q": "cafe"})
    assert set(purposes(response)) == {"coffee", "call", "Cafe roasters' hiring"}
    body = text(response)
    assert body.count('class="purpose matched">Blue Door <mark>Café</mark></small>') == 1
    assert body.count(
        'class="phone-sub matched">She knows the <mark>café</mark> owner &lt;b&gt;Zoë&lt;/b&gt; well.'
    ) == 1
    row = body[body.index(f'href="/meetings/{by_purpose.pk}/"'):]
    assert "matched" not in row[:row.index("</tr>")]
    # Unsearched, no row says why it is there.
    assert "matched" not in text(client_logged_in.get(MEETINGS))


def test_one_or_two_letters_find_meetings_by_the_people_met_and_say_so(client_logged_in, user):
    """"so" is in nearly every meeting's notes (also, sometimes): a query that short
    finds meetings by the people met alone, and the list says that notes and places
    are searched from three letters on; no row shows a passage for it."""
    make_meeting(user, [make_contact(user, "Sofia Reyes")], purpose="with Sofia")
    make_meeting(user, [make_contact(user, "Ann Lee")], purpose="with Ann",
                 notes="She also knows someone at Acme.", location="Soho café")
    response = client_logged_in.get(MEETINGS, {"q": "so"})
    assert purposes(response) == ["with Sofia"]
    body = text(response)
    assert "1 meeting matching “so”" in body
    assert "Found by the people met; notes and places from three letters on." in body
    assert "matched" not in body
    response = client_logged_in.get(MEETINGS, {"q": "soho"})
    assert purposes(response) == ["with Ann"]
    assert "three letters" not in text(response)
