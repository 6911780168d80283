"""The production entry point (gunicorn's netcrm.wsgi:application)."""

import gc
import importlib
import logging

from django.template import engines

from netcrm.lib import startup


def cached_templates() -> dict:
    (loader,) = engines["django"].engine.template_loaders  # the cached loader
    return loader.get_template_cache


def test_the_wsgi_module_serves_django_and_freezes_what_it_loaded():
    import netcrm.wsgi

    cached_templates().clear()
    gc.unfreeze()
    try:
        importlib.reload(netcrm.wsgi)
        assert callable(netcrm.wsgi.application)
        # Django and the apps, the URLconf and the templates, out of the collector's walk.
        assert gc.get_freeze_count() > 10_000
        assert {"base.html", "followups/dashboard.html", "contacts/detail.html"} <= set(
            cached_templates()
        )
    finally:
        gc.unfreeze()


def test_a_template_that_cannot_be_compiled_ahead_is_logged_not_fatal(tmp_path, settings, caplog):
    (tmp_path / "fine.html").write_text("<p>{{ x }}</p>")
    (tmp_path / "broken.html").write_text("{% if %}")
    (tmp_path / "notes.md").write_text("not a template")
    settings.TEMPLATES = [{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [tmp_path], "APP_DIRS": False,
    }]
    with caplog.at_level(logging.WARNING, logger="netcrm.lib.startup"):
        assert startup.load_for_serving() == 1
    assert "broken.html could not be compiled ahead" in caplog.text
