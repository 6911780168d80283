"""The API validates with the very forms the pages use: a payload becomes the form's
data, and the form's mistakes come back as a 422 in the API's own shape
({"detail": [{"type", "loc", "msg"}]}, as for a payload of the wrong type)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from types import SimpleNamespace

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from ninja import Schema
from ninja.errors import ValidationError
from taggit.utils import edit_string_for_tags

from accounts.submissions import run_once

BODY = ["body", "payload"]


def form_data(values: dict) -> MultiValueDict:
    """A payload as a form's data: a list is a multiple value, None an empty field;
    dates, numbers and booleans go as they are (the fields take them)."""
    data = MultiValueDict()
    for key, value in values.items():
        if isinstance(value, (list, tuple)):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = "" if value is None else value
    return data


def tag_string(names: list[str]) -> str:
    """Tag names as the tag field reads them (a name with a comma or space quoted)."""
    return edit_string_for_tags([SimpleNamespace(name=name) for name in names])


def errors_of(form: forms.BaseForm, loc: list, names: dict[str, str] | None = None) -> list:
    names = names or {}
    found = []
    for field, errors in form.errors.get_json_data().items():
        where = loc if field == forms.forms.NON_FIELD_ERRORS else [*loc, names.get(field, field)]
        found += [
            {"type": error["code"] or "invalid", "loc": where, "msg": error["message"]}
            for error in errors
        ]
    return found


def check(form: forms.BaseForm, names: dict[str, str] | None = None, extra=()) -> None:
    """Raise the form's mistakes (and `extra` ones) as a 422, if it has any."""
    errors = [] if form.is_valid() else errors_of(form, BODY, names)
    errors += list(extra)
    if errors:
        raise ValidationError(errors)


def created(schema: type[Schema], obj) -> JsonResponse:
    return JsonResponse(schema.model_validate(obj).model_dump(mode="json"), status=201)


def once(request: HttpRequest, key: uuid.UUID | None, create: Callable[[], HttpResponse]):
    """A create sent again with the same Idempotency-Key makes nothing and answers as
    the first time (the submission keys of the create forms: accounts/submissions.py)."""
    return run_once(request.user, key, create)
