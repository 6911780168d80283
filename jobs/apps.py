from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Job leads"

    def ready(self) -> None:
        from jobs import followups  # noqa: F401 (registers this app's follow-up kinds)
