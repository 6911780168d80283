from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "portability"
    verbose_name = "Your data: export, backup, restore, calendar feed, leaving"
