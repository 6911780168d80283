"""Weekly goals: what a good week of networking looks like to this user."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from netcrm.lib.prepared import Prepared


class WeeklyGoal(models.Model):
    """One row per user, saved the first time the user changes the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_goal"
    )
    meetings = models.PositiveSmallIntegerField(
        "meetings a week", default=3, validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="The seeds: three coffees a week keeps a search moving.",
    )
    referrals_per_meeting = models.DecimalField(
        "new referrals a meeting", max_digits=3, decimal_places=1, default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("9.9"))],
        help_text="Rule 5: do not leave without another referral.",
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.meetings} meetings, {self.referrals_per_meeting} referrals each"

    @classmethod
    def for_user(cls, user) -> WeeklyGoal:
        """The user's goals; the defaults (unsaved) until they set their own: a page
        that shows them writes nothing."""
        return _GOAL.first(user.pk) or cls(user=user)


# Read on every dashboard's panel (netcrm/lib/prepared.py).
_GOAL = Prepared(lambda user_id: (
    WeeklyGoal.objects.filter(user_id=user_id).order_by("pk")[:1]
), "the week: the goal")
