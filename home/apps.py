from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The pages that draw on every app: the dashboard, a person's page, and adding
    a follow-up about anyone. Every other app stays below it."""

    name = "home"
    verbose_name = "Home"

    def ready(self) -> None:
        from accounts.models import Profile
        from contacts.models import Contact, Organization
        from followups.models import FollowUp, Problem
        from home.views import PANEL
        from insights.models import WeeklyGoal
        from meetings.models import Meeting
        from netcrm.lib import generations
        from referrals.models import Referral

        # What the dashboard shows (home/views.py keeps it until one of these changes):
        # its queue, and the panel beside it (the week, the meetings ahead, the people
        # added last), which no follow-up changes and is kept apart from the queue.
        generations.watch(FollowUp, Problem)
        generations.watch(
            Meeting, Meeting.contacts.through, Contact, Organization, Referral, WeeklyGoal,
            Profile, part=PANEL,
        )
