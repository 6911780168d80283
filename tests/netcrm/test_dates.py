"""|when writes the year after the day when a date is not this year's: a meeting of
1901 or a follow-up due next March never reads as this year's."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from netcrm.lib.dates import ago, when
from tests.factories import make_followup

pytestmark = pytest.mark.django_db


def test_this_years_date_has_no_year_and_another_years_has_it():
    this_year = timezone.localdate().year
    assert when(date(this_year, 3, 1), "D j M") == date(this_year, 3, 1).strftime("%a 1 Mar")
    assert when(date(1901, 1, 1), "D j M") == "Tue 1 Jan 1901"
    assert when(date(this_year + 1, 3, 1), "j M") == f"1 Mar {this_year + 1}"
    assert when(datetime(1901, 1, 1, 10, 0)) == "Tue 1 Jan 1901, 10:00"
    assert when(date(1901, 1, 1), "l, j F") == "Tuesday, 1 January 1901"
    assert when(date(1901, 1, 1), "D j M Y") == "Tue 1 Jan 1901"  # a year already: as asked
    assert when(date(1901, 1, 1), r"\M\a\y j M") == "May 1 Jan 1901"  # an escaped letter stays
    assert when(None) == "" and when("") == ""


def test_in_a_template_it_is_in_the_current_timezone():
    """31 December 23:30 in UTC is already 1 January in Auckland: its year is shown
    there (and not in UTC, where it is this year's)."""
    template = engines["django"].from_string("{{ moment|when }}")
    this_year = timezone.now().year
    moment = datetime(this_year - 1, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    with timezone.override("UTC"):
        assert template.render({"moment": moment}) == f"{moment:%a} 31 Dec {this_year - 1}, 23:30"
    with timezone.override("Pacific/Auckland"):
        local = moment.astimezone(ZoneInfo("Pacific/Auckland"))
        assert local.year == this_year
        assert template.render({"moment": moment}) == f"{local:%a} 1 Jan, 12:30"


def test_called_by_a_view_it_is_in_the_current_timezone_too():
    """A message a view writes says the day and year where the user is."""
    this_year = timezone.now().year
    moment = datetime(this_year - 1, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    with timezone.override("Pacific/Auckland"):
        local = moment.astimezone(ZoneInfo("Pacific/Auckland"))
        assert when(moment) == f"{local:%a} 1 Jan, 12:30"
    with timezone.override("UTC"):
        assert when(moment) == f"{moment:%a} 31 Dec {this_year - 1}, 23:30"


def test_the_queue_says_the_year_of_a_follow_up_overdue_since_another_year(
    client_logged_in, user
):
    long_ago = timezone.now().replace(year=1901, month=1, day=2, hour=12)
    old = make_followup(user, title="Thank Ada for the coffee", due_at=long_ago)
    soon = make_followup(user, title="Send the article", due_at=timezone.now() + timedelta(hours=1))
    page = client_logged_in.get(reverse("home:dashboard")).content.decode()

    def item(followup) -> str:
        start = page.index(f'id="followup-{followup.pk}"')
        return page[start:page.index("</article>", start)]

    assert "Wed 2 Jan 1901, " in item(old)
    assert "Send the article" in item(soon) and str(soon.due_at.year) not in item(soon)


@pytest.mark.parametrize(
    ("days", "said"),
    [(0, "today"), (1, "yesterday"), (2, "2\xa0days ago"), (13, "13\xa0days ago"),
     (14, "2\xa0weeks ago"), (59, "8\xa0weeks ago"), (60, "2\xa0months ago"),
     (729, "24\xa0months ago"), (730, "2\xa0years ago"), (-1, "tomorrow"), (-3, "in 3\xa0days")],
)
def test_ago_counts_whole_days_of_the_calendar(days, said):
    assert ago(timezone.localdate() - timedelta(days=days)) == said


def test_ago_counts_days_where_the_user_is_not_hours():
    """Last night at 23:30 in Auckland was yesterday there, however few hours ago."""
    template = engines["django"].from_string("{{ moment|ago }}")
    with timezone.override("Pacific/Auckland"):
        now = timezone.localtime()
        moment = now.replace(hour=23, minute=30) - timedelta(days=1)
        assert template.render({"moment": moment}) == "yesterday"
        assert ago(moment) == "yesterday"  # an aware moment, read where the user is
    assert ago(None) == "" and ago("") == ""
