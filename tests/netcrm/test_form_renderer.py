"""FORM_RENDERER (netcrm/lib/forms.FormRenderer): forms rendered from Django's Jinja2
copies of its form templates, which must give what the template language's copies
give (a browser would not tell them apart), errors included; a widget with no Jinja2
copy (the admin's) still renders."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.forms import renderers
from django.forms.utils import ErrorDict, ErrorList

from contacts.forms import ContactForm
from events.forms import EventForm
from followups.forms import CustomFollowUpForm
from meetings.forms import MeetingForm
from meetings.models import Meeting
from netcrm.lib.forms import FormRenderer
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


def as_the_browser_reads_it(markup: str) -> str:
    """Entities decoded, whitespace between and around tags dropped, runs of it one."""
    text = html.unescape(str(markup))
    text = re.sub(r"\s*(<[^>]+>)\s*", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def forms_of(user):
    sara = make_contact(user, "Sara O'Brien")
    bad = {"starts_at": "not a date", "contacts": [sara.pk], "notes": "Tom's <b>idea</b>"}
    return [
        MeetingForm(user=user, initial={"contacts": [sara.pk]}),
        MeetingForm(bad, user=user),  # with its errors
        ContactForm(user=user),
        ContactForm({"name": ""}, user=user),
        CustomFollowUpForm(user=user, profile=user.profile, initial={"contact": sara}),
        EventForm(user=user),
    ]


def test_the_default_renderer_is_netcrms():
    assert isinstance(renderers.get_default_renderer(), FormRenderer)


def test_every_form_reads_the_same_as_with_the_template_language(user):
    django_templates = renderers.DjangoTemplates()
    for form in forms_of(user):
        ours = form.render()
        form.renderer = django_templates
        theirs = form.render()
        assert "<input" in ours and "<label" in ours
        assert as_the_browser_reads_it(ours) == as_the_browser_reads_it(theirs), type(form)


def test_a_widget_with_no_jinja2_copy_falls_back_to_the_template_language(user):
    rel = Meeting._meta.get_field("user").remote_field
    markup = ForeignKeyRawIdWidget(rel, admin.site).render("user", user.pk)
    assert 'name="user"' in markup and "vForeignKeyRawIdAdminField" in markup


def test_error_lists_read_the_same_empty_or_not():
    """An empty error list or dict is nothing without its template; one with errors is
    its template's, as the template language gives it."""
    theirs, ours = renderers.DjangoTemplates(), FormRenderer()

    def made(renderer):
        return [
            ErrorList(renderer=renderer),
            ErrorList(["Pick a <b>date</b>."], renderer=renderer),
            ErrorList([], error_class="nonfield", renderer=renderer),
            ErrorDict(renderer=renderer),
            ErrorDict({"name": ErrorList(["Required."])}, renderer=renderer),
        ]

    for mine, reference in zip(made(ours), made(theirs), strict=True):
        for method in ("as_ul", "as_text", "render"):
            got, want = getattr(mine, method)(), getattr(reference, method)()
            assert as_the_browser_reads_it(got) == as_the_browser_reads_it(want), (mine, method)
            assert bool(got.strip()) is bool(mine), (mine, method)
