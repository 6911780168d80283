from django.apps import AppConfig


class MergingConfig(AppConfig):
    name = "merging"
    verbose_name = "Duplicates and merging"
