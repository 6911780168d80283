"""One id per request (or Celery task) on every log line.

RequestIdMiddleware takes the X-Request-ID a proxy sent (or makes one), keeps it in
a context variable while the request runs, and returns it in the response's
X-Request-ID header (gunicorn's access log prints it from there). RequestIdFilter,
on the log handler, puts `request_id` on every record: the request's id, else the
running Celery task's id, else "-".
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from celery import current_task
from django.core.signals import request_finished
from django.dispatch import receiver

request_id: ContextVar[str] = ContextVar("request_id", default="")

# A proxy's id is kept only if it is short and plain, so it cannot forge log lines.
VALID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if VALID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid
        # Kept until the response is closed (request_finished): Django logs a 4xx or
        # 5xx after the middleware has returned.
        request_id.set(rid)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response


@receiver(request_finished)
def forget_request_id(**kwargs) -> None:
    request_id.set("")


def current_id() -> str:
    if rid := request_id.get():
        return rid
    task = current_task
    if task and task.request and task.request.id:
        return f"task:{task.request.id}"
    return "-"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_id()
        return True


class OneLineFormatter(logging.Formatter):
    """A record, traceback included, on one line: newlines are written as \\n."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", "\\n")
