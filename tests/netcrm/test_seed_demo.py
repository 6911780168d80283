"""`manage.py seed_demo`: a believable demo account, created once, recreated on --reset."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact, Organization
from followups.models import FollowUp, Status
from meetings.models import Meeting
from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.django_db

OWNED = (Organization, Contact, Meeting, FollowUp)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in OWNED} | {
        "users": User.objects.count(),
        "meeting participants": Meeting.contacts.through.objects.count(),
        "tagged contacts": Contact.tags.through.objects.count(),
    }


def queue(user: User) -> dict[str, int]:
    """The demo queue as the dashboard splits it, by the user's own day."""
    profile = Profile.for_user(user)
    today_start = datetime.combine(
        timezone.localdate(timezone=profile.tzinfo), datetime.min.time(), tzinfo=profile.tzinfo
    )
    tomorrow_start = today_start + timedelta(days=1)
    followups = FollowUp.objects.for_user(user)
    due = followups.due_by(tomorrow_start - timedelta(microseconds=1))
    return {
        "overdue": due.filter(due_at__lt=today_start).count(),
        "today": due.filter(due_at__gte=today_start).count(),
        "upcoming": followups.upcoming(tomorrow_start, tomorrow_start + timedelta(days=7)).count(),
        "done": followups.filter(status=Status.DONE, completed_at__isnull=False).count(),
    }


def test_seeds_a_believable_network_for_the_demo_user(user):
    output = seed()

    demo = User.objects.get(username=DEMO_USERNAME)
    assert "Demo account ready: log in as demo / demo-netcrm" in output
    assert (demo.email, demo.get_full_name()) == ("demo@example.com", "Dana Demo")
    assert 35 <= Contact.objects.for_user(demo).count() <= 45
    assert Organization.objects.for_user(demo).count() >= 10
    assert Organization.objects.for_user(demo).filter(is_target=True).count() in (2, 3)
    assert Organization.objects.for_user(demo).exclude(quiet_hours="").exists()
    meetings = Meeting.objects.for_user(demo)
    assert meetings.count() == 15
    assert meetings.upcoming().count() == 2
    assert all(15 <= m.length_minutes <= 45 and m.purpose for m in meetings)
    # Every past meeting's people have it as their latest interaction, and a thank-you.
    for meeting in meetings.past():
        for contact in meeting.contacts.all():
            assert contact.last_interaction_at >= meeting.starts_at
            assert meeting.followups.filter(contact=contact, kind="thank_you").exists()
    assert Contact.objects.for_user(demo).filter(tags__name="recruiter").exists()

    q = queue(demo)
    assert q["overdue"] >= 1 and q["today"] >= 3 and q["upcoming"] >= 3 and q["done"] >= 1
    for model, what in [(Contact, "contacts"), (Meeting, "meetings"), (FollowUp, "follow-ups")]:
        assert f"{model.objects.count()} {what}," in output

    # Nothing was seeded for, or borrowed from, anyone else.
    assert all(not model.objects.exclude(user=demo).exists() for model in OWNED)
    assert not Contact.objects.exclude(organization=None).exclude(organization__user=demo).exists()
    assert not Meeting.contacts.through.objects.exclude(contact__user=demo).exists()
    assert not FollowUp.objects.exclude(contact=None).exclude(contact__user=demo).exists()
    assert not FollowUp.objects.exclude(meeting=None).exclude(meeting__user=demo).exists()
    assert Profile.objects.get(user=demo).timezone == settings.TIME_ZONE


def test_the_demo_user_logs_in_with_the_documented_password(client):
    seed()

    assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    assert not client.login(username=DEMO_USERNAME, password="wrong-password")
    assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    response = client.get(reverse("followups:dashboard"))
    assert response.status_code == 200
    assert "Call John Public, mention Sara Smith" in response.text


def test_a_second_run_changes_nothing():
    seed()
    before = counts()
    demo = User.objects.get(username=DEMO_USERNAME)
    Contact.objects.filter(user=demo, name="Sara Smith").update(notes="my own note")

    output = seed()

    assert output.strip() == "Demo account exists already (login: demo / demo-netcrm)"
    assert counts() == before
    assert Contact.objects.get(user=demo, name="Sara Smith").notes == "my own note"
    assert User.objects.get(username=DEMO_USERNAME).pk == demo.pk


def test_reset_deletes_the_demo_user_and_seeds_it_again(user):
    seed()
    before = counts()
    old = User.objects.get(username=DEMO_USERNAME)
    Contact.objects.filter(user=old, name="Sara Smith").delete()
    Meeting.objects.filter(user=old).first().delete()

    output = seed("--reset")

    new = User.objects.get(username=DEMO_USERNAME)
    assert "Demo account ready" in output
    assert new.pk != old.pk
    assert counts() == before
    assert Contact.objects.filter(user=new, name="Sara Smith").exists()
    assert User.objects.filter(pk=user.pk).exists()  # another user is untouched


def test_reset_without_a_demo_user_just_seeds():
    output = seed("--reset")

    assert "Demo account ready" in output
    assert Meeting.objects.filter(user__username=DEMO_USERNAME).count() == 15
