from django.apps import AppConfig


class OfflineConfig(AppConfig):
    """netcrm as an app on the phone: the web app manifest, the service worker that
    keeps the queue, contacts and the meeting form readable offline, and the page
    shown when a page was never saved. Knows no other app."""

    name = "offline"
    verbose_name = "Offline"
