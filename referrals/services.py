"""Saving a referral: the one use case the contact page, the log-a-meeting form,
seed_demo and any future API share."""

from __future__ import annotations

from django.db import transaction

from followups.tasks import followups_after_save
from referrals.followups import follow_the_referrer, settle
from referrals.models import Referral


@transaction.atomic
def save_referral(referral: Referral, new_referrer: bool = False) -> Referral:
    """Save a referral, new or edited, with whichever of its two people is new; close
    the follow-ups its state has made moot, and ask for those it calls for. With
    `new_referrer` (someone else gave it), the open ones to the referrer follow."""
    for person in (referral.referrer, referral.referred):
        if person.pk is None:
            person.save_with_organization()
    referral.save()
    if new_referrer:
        follow_the_referrer([referral.pk])
    settle([referral.pk])
    followups_after_save("referrals.Referral", referral.pk)
    return referral
