"""A lead's moves: each recorded once, from where the user saw it."""

import pytest

from jobs.models import Lead, LeadMove, Outcome, Status, next_status
from tests.factories import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(user):
    return Lead(user=user, organization=make_organization(user), role="Analyst").save_new()


def test_a_new_lead_records_where_it_starts(lead):
    move = LeadMove.objects.get()
    assert (move.user, move.lead, move.from_status, move.to_status) == (
        lead.user, lead, "", Status.FOUND,
    )


def test_a_move_from_a_stale_status_does_nothing(lead):
    assert lead.move(Status.APPLIED, seen=(Status.FOUND, ""))
    assert not lead.move(Status.INTERVIEWING, seen=(Status.FOUND, ""))
    assert lead.status == Status.APPLIED  # refreshed from the database
    assert not lead.move(Status.APPLIED)  # where it is already
    assert LeadMove.objects.count() == 2


def test_closing_needs_an_outcome(lead):
    with pytest.raises(ValueError):
        lead.move(Status.CLOSED)
    assert lead.move(Status.CLOSED, Outcome.WITHDRAWN)
    assert lead.stage == "Closed: withdrawn" and lead.next_status is None
    assert ("withdrawn", "Closed: withdrawn") not in lead.move_targets
    assert ("found", "Found") in lead.move_targets


def test_the_way_to_an_offer():
    assert [next_status(s) for s in Status.values] == [
        "reached_out", "introduced", "applied", "interviewing", "offer", None, None,
    ]
