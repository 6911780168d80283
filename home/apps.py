from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The pages that draw on every app: the dashboard, a person's page, and adding
    a follow-up about anyone. Every other app stays below it."""

    name = "home"
    verbose_name = "Home"
