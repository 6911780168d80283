from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from accounts.signals import clock_changed
        from followups.services import follow_the_clock

        clock_changed.connect(follow_the_clock, dispatch_uid="followups.follow_the_clock")
