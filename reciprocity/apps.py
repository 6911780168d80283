from django.apps import AppConfig


class ReciprocityConfig(AppConfig):
    name = "reciprocity"
    verbose_name = "Reciprocity"

    def ready(self) -> None:
        from reciprocity import followups  # noqa: F401 (registers this app's follow-up kinds)
