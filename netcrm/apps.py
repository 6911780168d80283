from django.apps import AppConfig


class NetcrmConfig(AppConfig):
    name = "netcrm"
    verbose_name = "netcrm"
