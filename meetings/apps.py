from django.apps import AppConfig
from django.db.models.signals import post_save


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from meetings import followups  # noqa: F401 (registers this app's follow-up kinds)
        from meetings.services import add_suggested_questions

        # A new account starts with the suggested questions in its library.
        post_save.connect(
            add_suggested_questions, sender="accounts.Profile", dispatch_uid="suggested-questions"
        )
