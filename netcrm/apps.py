from django.apps import AppConfig


class NetcrmConfig(AppConfig):
    name = "netcrm"
    verbose_name = "netcrm"

    def ready(self) -> None:
        from netcrm.lib import generations  # noqa: F401 - puts its wrapper on each connection
