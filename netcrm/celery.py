"""The Celery app: `celery -A netcrm worker` and `celery -A netcrm beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")

app = Celery("netcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
