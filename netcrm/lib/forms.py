"""What every form of netcrm shares: the dates it accepts, and the characters no
text may carry.

`CheckedFormMixin` goes first in every form's bases. It gives each date and
date-time field the accepted range (and says so in its help text and in the
browser's date picker), the range of a field named in the form's `past_only` ending
today (or now) where the user is, and refuses NUL and other control characters in every
field that takes text, whatever its class: a choice, a tag list, a field that
skips Django's own NUL check. PostgreSQL refuses NUL in text; a year out of range
overflows when it is converted to UTC or shown in another timezone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms import renderers
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.forms import TagField
from taggit.models import Tag

from netcrm.lib.text import CONTROL_CHARACTERS

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
DATE_RANGE = f"Any date from {EARLIEST.year} to {LATEST.year}."
# A moment logged a little ahead of the server's clock (the phone's runs fast) is still "now".
CLOCK_SLACK = timedelta(minutes=5)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"

# A tag's name and the slug taggit makes from it (which may grow: "ﷺ" is 18 letters
# once normalised; a clash adds "_1") fit their 100-character columns with room.
TAG_LENGTH = 90
MAX_TAGS = 50


def check_no_control_characters(value) -> None:
    """A validator for any field: text, or a list of texts (a multiple choice)."""
    values = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(v, str) and CONTROL_CHARACTERS.search(v) for v in values):
        raise ValidationError(
            "This contains a control character (such as NUL) that cannot be saved: "
            "remove it and try again.",
            code="control_characters",
        )


def check_date_range(value, until: str = str(LATEST.year)) -> None:
    """The date lies in the accepted range, in the timezone it was typed in and in the
    user's (a moment typed at +14:00 on 1 January 1900 is 31 December 1899 in London,
    where its page would show it and its form refuse it)."""
    if not isinstance(value, (date, datetime)):
        return
    days = [value.date() if isinstance(value, datetime) else value]
    if isinstance(value, datetime) and timezone.is_aware(value):
        try:
            days.append(timezone.localtime(value).date())
        except OverflowError:  # beyond what any date can hold
            days.append(date.min)
    if not all(EARLIEST <= day <= LATEST for day in days):
        raise ValidationError(
            f"Pick a date from {EARLIEST.year} to {until}.", code="date_range"
        )


def check_tags(names: list[str]) -> None:
    """Each tag fits taggit's columns (its name, and the slug made from it)."""
    if len(names) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.", code="too_many_tags")
    for name in names:
        if len(name) > TAG_LENGTH or len(Tag().slugify(name)) > TAG_LENGTH:
            raise ValidationError(
                f"“{name[:40]}…” is too long for a tag: keep each to {TAG_LENGTH} characters.",
                code="tag_too_long",
            )


class CheckedFormMixin:
    """Checks every field of the form for what its column or the clock cannot hold.

    `past_only` names the date and date-time fields that have to have happened, each
    with the question its refusal asks ({"found_on": "when did you find it?"})."""

    past_only: ClassVar[dict[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in self.past_only.items():
            if name in self.fields:  # not every use of a form shows every field
                self.fields[name].past_only = question
        for form_field in self.fields.values():
            checked(form_field)

    def full_clean(self) -> None:
        for form_field in self.fields.values():  # a field the form's __init__ swapped in
            checked(form_field)
        super().full_clean()


class NotToCome:
    """The validator of a past-only field, in place of `check_date_range`: a day no
    later than today where the user is (the request's timezone), a moment no later
    than now ("That is still to come: when did you find it?"), and neither before
    1900. Its `latest()` is the moment the browser's picker may go up to (a day field:
    that moment's day)."""

    def __init__(self, question: str):
        self.question = question

    @staticmethod
    def latest(form_field: forms.Field) -> datetime:
        slack = CLOCK_SLACK if isinstance(form_field, forms.DateTimeField) else timedelta()
        return timezone.localtime(timezone.now() + slack)

    def __call__(self, value) -> None:
        if isinstance(value, datetime):
            late = value > timezone.now() + CLOCK_SLACK
        else:
            late = isinstance(value, date) and value > timezone.localdate()
        if late:
            raise ValidationError(f"That is still to come: {self.question}", code="future")
        check_date_range(value, until="today")


def checked(form_field: forms.Field) -> forms.Field:
    """Add the shared checks to one field (also for fields a form adds later)."""
    if check_no_control_characters not in form_field.validators:
        form_field.validators.append(check_no_control_characters)
    if isinstance(form_field, (forms.DateField, forms.DateTimeField)) and not any(
        v is check_date_range or isinstance(v, NotToCome) for v in form_field.validators
    ):
        moment = isinstance(form_field, forms.DateTimeField)
        bounds = {}
        if question := getattr(form_field, "past_only", None):
            form_field.validators.append(NotToCome(question))
            latest = NotToCome.latest(form_field)
            hint = "Any time up to now." if moment else "Any date up to today."
            # The max moves on with the clock while the page stays open (static/js/app.js).
            bounds["data-max-now"] = latest.strftime(DATETIME_LOCAL)
        else:
            form_field.validators.append(check_date_range)
            latest, hint = datetime.combine(LATEST, datetime.max.time()), DATE_RANGE
        form_field.help_text = " ".join(filter(None, [str(form_field.help_text), hint]))
        if moment:
            bounds |= {"min": f"{EARLIEST}T00:00", "max": latest.strftime(DATETIME_LOCAL)}
        else:
            bounds |= {"min": str(EARLIEST), "max": f"{latest:%Y-%m-%d}"}
        form_field.widget.attrs = bounds | form_field.widget.attrs
    if isinstance(form_field, TagField) and not isinstance(form_field, CheckedTagField):
        form_field.__class__ = CheckedTagField
    return form_field


class CheckedTagField(TagField):
    def clean(self, value):
        names = super().clean(value)
        check_tags(names)
        return names


ERROR_TEMPLATES = "django/forms/errors/"  # Django's, for an ErrorList or an ErrorDict


class FormRenderer(renderers.Jinja2):
    """FORM_RENDERER: forms and widgets rendered from Django's own Jinja2 copies of its
    form templates, the same HTML at a fraction of the template language's cost (a
    contact page and its four forms: 55.7 → 50.8 ms; issue 11). A template with no
    Jinja2 copy (the admin's widgets) is the template language's, as Django's default
    renderer finds it."""

    @cached_property
    def fallback(self) -> renderers.DjangoTemplates:
        return renderers.DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)

    def render(self, template_name, context, request=None):
        # Every field's `{{ field.errors }}` renders its error list's template, which
        # writes nothing when there is no error: most of a page's forms' lists, 21 of
        # them on a contact page. Nothing, without the template.
        if template_name.startswith(ERROR_TEMPLATES) and not context.get("errors"):
            return ""
        return super().render(template_name, context, request)
