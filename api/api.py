"""netcrm's REST API at /api/: a personal token per caller, throttled, its OpenAPI
schema at /api/openapi.json and its docs at /api/docs (Swagger UI from django-ninja's
own static files: nothing from a CDN, and it runs under the strict CSP)."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from api.auth import TokenAuth, TokenRateThrottle
from api.endpoints import router


class LocalSwagger(Swagger):
    """django-ninja's Swagger UI, in a page that fits a phone (templates/api/docs.html)."""

    template = "api/docs.html"


api = NinjaAPI(
    title="netcrm API",
    version="1",
    description=(
        "Your contacts, organizations, meetings, referrals, follow-up queue and leads. "
        "Make a personal token in Settings → API tokens and send it as "
        "`Authorization: Bearer <token>`. Lists take `?limit=` (at most 100) and "
        "`?offset=`. A create may carry an `Idempotency-Key` header (a UUID): sent "
        "again with it, it creates nothing more and gets the first answer."
    ),
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    urls_namespace="api",
    docs=LocalSwagger(settings={"tryItOutEnabled": False}),
)
api.add_router("", router)
