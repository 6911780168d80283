"""Signing up: one account, one email, whatever the address."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.forms import SignupForm
from accounts.models import Profile

logger = logging.getLogger(__name__)


def sign_up(form: SignupForm) -> User:
    """Create the account a valid SignupForm describes, with its Profile.

    Whether or not the email address belongs to an account already, the person
    signing up gets the same account and the same pages, and the address gets one
    email: a welcome, or a notice to the owner it already has. So the sign-up page
    tells nobody who has an account (the address is no more verified than before).
    """
    email = form.cleaned_data["email"]
    owner = User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
    with transaction.atomic():
        user = form.save()
        Profile.objects.create(user=user, timezone=form.cleaned_data["timezone"])
    if owner is None:
        send_signup_email(user, "welcome", subject="Welcome to netcrm")
    else:
        send_signup_email(
            user, "already_registered", owner=owner,
            subject="Your email address already has a netcrm account",
        )
    return user


def send_signup_email(user: User, template: str, subject: str, owner: User | None = None) -> None:
    """Mail `accounts/email/<template>.txt` to the new account's address. A mail server
    that fails is logged, as for a password reset: the account exists either way."""
    body = render_to_string(f"accounts/email/{template}.txt", {
        "user": user,
        "owner": owner,
        "login_url": settings.SITE_URL + reverse("login"),
        "reset_url": settings.SITE_URL + reverse("password_reset"),
    })
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        logger.exception("Failed to send the %s email for a new account", template)


def send_email_changed(user: User, old_email: str) -> None:
    """Tell the address an account leaves that it has left it: the owner who did not
    change it learns at once (a reset would now go elsewhere)."""
    if not old_email:
        return
    body = render_to_string("accounts/email/email_changed.txt", {
        "user": user, "old_email": old_email,
        "reset_url": settings.SITE_URL + reverse("password_reset"),
    })
    try:
        send_mail("Your netcrm email address was changed", body, None, [old_email])
    except Exception:
        logger.exception("Failed to send the email-changed notice")
