from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from netcrm.celery import app as celery_app
from netcrm.health import report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: no login, two queries and one Redis round
    trip. HealthzMiddleware answers it before the session, CSRF, host and HTTPS
    middleware, so a container's probe over plain HTTP to localhost works too. 200 when the database, Redis, a worker and beat are all fine,
    else 503 with what is down."""
    result, healthy = report(celery_app.conf.task_default_queue)
    return JsonResponse(result, status=200 if healthy else 503)


class HealthzMiddleware:
    """Answer /healthz ahead of the middleware that would load a session and a user
    (or redirect a probe to HTTPS, or refuse its Host header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/, the API's own answer (JSON, as for an id that is not
    the caller's), even for an address no endpoint takes (`/api/contacts/-1`); for a
    calendar feed (read by calendar apps, not people), Django's plain page, which says
    nothing of feeds or tokens; else templates/404.html, in the app's frame: its
    navigation, and the way back."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    if request.path.endswith(".ics"):
        return HttpResponseNotFound(defaults.ERROR_PAGE_TEMPLATE % {
            "title": "Not Found",
            "details": "The requested resource was not found on this server.",
        })
    return defaults.page_not_found(request, exception)
