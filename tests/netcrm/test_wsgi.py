"""The production entry point (gunicorn's netcrm.wsgi:application)."""

import gc
import importlib


def test_the_wsgi_module_serves_django_and_freezes_what_it_loaded():
    import netcrm.wsgi

    gc.unfreeze()
    try:
        importlib.reload(netcrm.wsgi)
        assert callable(netcrm.wsgi.application)
        assert gc.get_freeze_count() > 10_000  # Django and the apps, out of the collector's walk
    finally:
        gc.unfreeze()
