"""The settings page names each delay as a person would, not by its column."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_each_delay_is_named_in_words(client_logged_in):
    html = client_logged_in.get(reverse("accounts:settings")).content.decode()
    for field, label in {
        "thank_you_delay_days": "Thank-you note after (days)",
        "referral_call_delay_days": "Referral call after (days)",
        "prepare_days_before": "Prepare before a meeting (days)",
        "reply_within_hours": "Reply to a request within (hours)",
        "help_back_delay_days": "Help back after (days)",
    }.items():
        assert f'<label for="id_{field}">{label}:</label>' in html
    assert "delay days" not in html.lower()
