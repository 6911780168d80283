"""Every model is in the Django admin, and its pages open."""

import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from django.utils.timezone import now

from accounts.models import Submission
from followups import kinds
from followups.services import record_problem
from followups.tasks import sweep_followups
from meetings.models import Meeting

pytestmark = pytest.mark.django_db
OURS = [
    "accounts", "contacts", "meetings", "referrals", "reciprocity", "followups", "events", "jobs",
    "home",
]


def test_every_model_of_ours_is_registered():
    models = [m for app in OURS for m in apps.get_app_config(app).get_models()]
    assert models, "no models found"
    assert [m for m in models if not admin.site.is_registered(m)] == []


def test_changelists_and_change_pages_open(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    # The demo has a row of every model but Heartbeat, which only a running scheduler
    # writes (a seeded one would hide a stopped one): beat's sweep, run once, as it would.
    sweep_followups()
    # Nor a Problem, which only data the engine cannot handle makes: record one.
    meeting = Meeting.objects.first()
    record_problem(kinds.get("thank_you"), "meetings.Meeting", meeting.pk, ValueError("odd"), now())
    # Nor a Submission, which only a create form's POST makes.
    Submission.objects.create(user=meeting.user, key=uuid.uuid4(), status=302, location="/")
    staff = User.objects.create_superuser("root", "root@example.com", "root-pass-123")
    client.force_login(staff)
    for app in OURS:
        for model in apps.get_app_config(app).get_models():
            meta = model._meta
            changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
            assert changelist.status_code == 200, meta.label
            obj = model.objects.first()
            change = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
            assert change.status_code == 200, meta.label
            assert escape(str(obj)[:20]) in change.text, meta.label
