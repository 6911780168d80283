"""Log in, log out, password change and reset (the email through Django's mailer)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_log_in_and_out(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.url == reverse("home:dashboard")
    assert "Today's follow-ups" in client.get("/").text
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert client.get("/").url.startswith(reverse("login"))


def test_a_wrong_password_says_so_and_keeps_the_username(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'value="alice"' in response.text


def test_password_change(client, user):
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a-new-long-phrase-7", "new_password2": "a-new-long-phrase-7",
    })
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("a-new-long-phrase-7")


def test_password_reset_by_email(client, user):
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_url = client.get(link).url  # Django swaps the token for a session and redirects
    response = client.post(form_url, {
        "new_password1": "reset-to-this-phrase-9", "new_password2": "reset-to-this-phrase-9",
    })
    assert response.url == reverse("password_reset_complete")
    assert User.objects.get(pk=user.pk).check_password("reset-to-this-phrase-9")
    assert client.get(link).context["validlink"] is False  # a used link is dead


def test_a_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, user):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []
