"""Errors go to Sentry when SENTRY_DSN is set; nothing is sent, or loaded, otherwise."""

from __future__ import annotations


def init_sentry(dsn: str) -> bool:
    """Start Sentry's SDK for Django and Celery with `dsn`; do nothing if it is empty.

    No personal data: no user, cookies or request bodies are sent.
    """
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
    return True
