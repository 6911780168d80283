from __future__ import annotations

import functools
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


@functools.cache
def known_timezones() -> frozenset[str]:
    """The IANA names this machine knows (read from disk once: some 10 ms each time)."""
    return frozenset(zoneinfo.available_timezones())


# Names in the timezone database that are no place a person lives in: the database's
# own ("Factory", "localtime", "posixrules"), fixed offsets and old US rules ("EST5EDT").
NO_PLACE_PREFIXES = ("Etc/", "SystemV/", "posix/", "right/")


def timezone_choices(current: str = "") -> list[tuple[str, str]]:
    """Places to pick from ("Europe/Paris"), and UTC; `current` too, whatever it is,
    so that a profile set to another known name keeps it."""
    names = {
        name for name in known_timezones()
        if name == "UTC" or ("/" in name and not name.startswith(NO_PLACE_PREFIXES))
    }
    if current in known_timezones():
        names.add(current)
    return [(name, name.replace("_", " ")) for name in sorted(names)]


def validate_timezone(value: str) -> None:
    if value not in known_timezones():
        raise ValidationError("Pick a timezone from the list.")


# Follow-ups due at a set time (a reply within hours) never fall due at night:
# from this hour until the morning hour they wait for the morning.
EVENING_HOUR = 21


class ProfileQuerySet(models.QuerySet):
    def for_users(self, user_ids) -> dict[int, Profile]:
        """Each user's Profile by user id, in one query (created for a user without one)."""
        user_ids = set(user_ids)
        profiles = {p.user_id: p for p in self.filter(user_id__in=user_ids)}
        for user_id in user_ids - profiles.keys():
            profiles[user_id] = self.get_or_create(user_id=user_id)[0]
        return profiles


class Theme(models.TextChoices):
    AUTO = "auto", "As my device"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class Profile(models.Model):
    """A user's preferences: where they live and when reminders fall due."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    timezone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_timezone]
    )
    morning_hour = models.PositiveSmallIntegerField(
        default=settings.NETCRM_DEFAULT_MORNING_HOUR,
        validators=[MaxValueValidator(23, "Pick an hour from 0 to 23.")],
        help_text="Follow-ups fall due at this hour of your day (0–23).",
    )
    thank_you_delay_days = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(30)],
        help_text="Days after a meeting that its thank-you note falls due."
    )
    prepare_days_before = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(14)],
        help_text="Days before a planned meeting that preparing for it falls due.",
    )
    reply_within_hours = models.PositiveSmallIntegerField(
        default=4, validators=[MaxValueValidator(48)],
        help_text="Hours in which to answer someone who asks for your help: make it a priority.",
    )
    help_back_delay_days = models.PositiveSmallIntegerField(
        default=28, validators=[MaxValueValidator(365)],
        help_text="Days after someone helped you that offering help back (or an update) falls due.",
    )
    digest_enabled = models.BooleanField(
        "email me a morning digest", default=True,
        help_text="One email a day listing that day's follow-ups.",
    )
    digest_time = models.TimeField(
        default=time(7, 0), help_text="When the digest is sent, in your timezone."
    )
    referral_call_delay_days = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(30)],
        help_text="Days after a referral that calling the person falls due "
        "(time for the referrer to call ahead); a call that would fall on a Saturday or "
        "a Sunday falls due on the Monday.",
    )
    application_checkin_days = models.PositiveSmallIntegerField(
        "check in on an application after (days)",
        default=7, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Days without news after you apply before netcrm suggests checking in "
        "with the person who introduced you.",
    )

    theme = models.CharField(
        "appearance", max_length=5, choices=Theme, default=Theme.AUTO,
        help_text="Light or dark, or as your device is set.",
    )

    objects = ProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(morning_hour__lte=23), name="profile_morning_hour_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @classmethod
    def for_user(cls, user) -> Profile:
        profile, _ = cls.objects.get_or_create(user=user)
        return profile

    @classmethod
    def of_signed_in(cls, user) -> Profile:
        """The signed-in user's Profile: the one the auth backend read with the user
        (accounts.backends.ModelBackend), no query; else read (or made) now."""
        try:
            return user.profile
        except cls.DoesNotExist:
            return cls.for_user(user)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """Their timezone; the server's should the name be one no longer known (a
        machine's timezone database without it), rather than no page at all."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tzinfo).date()

    def morning_of(self, day: date) -> datetime:
        """The moment follow-ups for `day` fall due, in this user's timezone."""
        return datetime.combine(day, time(self.morning_hour), tzinfo=self.tzinfo)

    def morning_after(self, moment: datetime, days: int) -> datetime:
        return self.morning_of(self.local_date(moment) + timedelta(days=days))

    def workday_morning_after(self, moment: datetime, days: int) -> datetime:
        """As morning_after, but a day that falls on a Saturday or a Sunday moves to the
        Monday: a call to someone at work is made on a working day."""
        day = self.local_date(moment) + timedelta(days=days)
        if day.weekday() >= 5:  # Saturday (5) or Sunday (6)
            day += timedelta(days=7 - day.weekday())
        return self.morning_of(day)

    def not_before_day_of(self, due: datetime, moment: datetime) -> datetime:
        """`due`, or the morning of the day `moment` falls on, if that is later: what a
        meeting logged after the fact calls for is due the day it was logged, not
        overdue since the day it happened."""
        return max(due, self.morning_of(self.local_date(moment)))

    def waking(self, moment: datetime) -> datetime:
        """`moment`, or when it falls at night (before the morning hour or from
        EVENING_HOUR on, in this user's timezone), the next morning hour."""
        local = moment.astimezone(self.tzinfo)
        if local.hour < self.morning_hour:
            return self.morning_of(local.date())
        if local.hour >= max(EVENING_HOUR, self.morning_hour + 1):
            return self.morning_of(local.date() + timedelta(days=1))
        return moment

    def today(self) -> date:
        return timezone.localdate(timezone=self.tzinfo)

    def day_start(self, day: date) -> datetime:
        """Midnight at the start of `day`, in this user's timezone."""
        return datetime.combine(day, time.min, tzinfo=self.tzinfo)


class Submission(models.Model):
    """A create form's submission key, claimed by the first POST that carries it, with
    the response that POST got: a second POST with the key (a double tap, a retry, a
    phone replaying what it logged offline) creates nothing and gets that response."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.PositiveSmallIntegerField(default=0)
    location = models.CharField(max_length=2000, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_one_per_user_key"),
        ]
        indexes = [models.Index(fields=["created_at"], name="submission_created_idx")]

    def __str__(self) -> str:
        return f"Submission {self.key} by {self.user}"
