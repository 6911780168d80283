from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search box for everything: people, organizations, meetings and leads. It
    reads from the domain apps; no app below reads from it."""

    name = "search"
    verbose_name = "Search"
