"""The Celery app: `celery -A netcrm worker` and `celery -A netcrm beat`."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")

app = Celery("netcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def long_queue(queue: str) -> str:
    """The queue of the long jobs beside `queue`, the deployment's default one."""
    return f"{queue}.long"


def route_long_jobs(name, args, kwargs, options, task=None, **kw):
    """A task declared with long_running=True (a restore, an account's deletion, an
    import: seconds to minutes) goes to the long queue, which its own worker consumes
    (netcrm/processes.py). The worker of the default queue is then never taken up by
    them: one user's restore never keeps anyone's follow-ups waiting."""
    task = task or app.tasks.get(name)
    if getattr(task, "long_running", False):
        return {"queue": long_queue(app.conf.task_default_queue)}
    return None


app.conf.task_routes = (route_long_jobs,)
# Each worker says in Redis that it is alive, for /healthz (netcrm/health.py).
app.steps["consumer"].add("netcrm.health:WorkerHeartbeat")


@beat_init.connect
def sweep_at_start(sender, **kwargs) -> None:
    """Beat's first tick comes a whole interval after it starts: run the sweep once
    now, so a fresh start repairs at once and the dashboard never says the scheduler
    has stopped while it is only starting. The planner's statistics too, so that a
    database migrated, upgraded or copied in while beat was stopped gets them at once,
    not within the hour."""
    sender.app.send_task("followups.tasks.sweep_followups")
    sender.app.send_task("netcrm.tasks.refresh_planner_statistics")
