"""The Trash page, restoring, and the confirmation every app's delete goes through."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from netcrm.lib.http import next_url
from netcrm.lib.undo import offer
from trash.models import TrashEntry, keep_for
from trash.services import CannotRestore, collect, consequences, move_to_trash, restore


@login_required
@require_GET
def trash_list(request: HttpRequest) -> HttpResponse:
    entries = TrashEntry.objects.for_user(request.user).defer("rows", "unlinked", "changed", "made")
    page = Paginator(entries, settings.NETCRM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trash/list.html", {"page": page, "keep_days": keep_for().days})


@login_required
@require_POST
def restore_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: it all comes back, or nothing does and the message says why."""
    entry = TrashEntry.objects.for_user(request.user).filter(pk=pk).first()
    if entry is None:
        messages.info(request, "That is back already, or was emptied from the Trash.")
        return redirect(next_url(request) or "trash:list")
    try:
        restore(entry)
    except CannotRestore as error:
        messages.error(request, str(error))
        return redirect("trash:list")
    messages.success(request, f"{entry.label} is back, with all that went with it.")
    restored = apps.get_model(entry.subject)._base_manager.filter(pk=entry.subject_id).first()
    target = getattr(restored, "get_absolute_url", None)
    # Back where the button was (an import's page), else to what came back.
    return redirect(next_url(request) or (target() if target else "trash:list"))


def delete_owned(
    request: HttpRequest, queryset: models.QuerySet, pk: int, *, kind: str,
    label: Callable[[models.Model], str], phrases: dict[str, str], done: str,
) -> HttpResponse:
    """Every app's delete page. GET: what deleting the user's row `pk` takes with it,
    in words (`phrases`, see trash.services.consequences), and a Delete button. POST:
    into the Trash, then `done` (a URL or URL name) with Undo. A second tap (or
    another tab) finds it gone: not an error."""
    obj = queryset.filter(user=request.user, pk=pk).first()
    if obj is None:
        # A second tap finds it in the user's Trash; anything else (another user's id,
        # one that never was) is the same plain 404 as any missing page.
        if request.method != "POST" or not TrashEntry.objects.filter(
            user=request.user, subject=queryset.model._meta.label_lower, subject_id=pk
        ).exists():
            raise Http404
        messages.info(request, "Already deleted: it is in the Trash.")
        return redirect(done)
    name = label(obj)
    said = consequences(collect(obj), name, phrases)
    if request.method == "POST":
        entry = move_to_trash(obj, kind=kind, label=name, summary=said)
        text = f"Deleted {name}."
        messages.success(request, f"{text} It stays in the Trash for {keep_for().days} days.")
        offer(request, text, entry.get_restore_url())
        return redirect(done)
    return render(request, "trash/confirm.html", {
        "object": obj, "kind": kind, "label": name, "consequences": said,
        "cancel": obj.get_absolute_url(), "keep_days": keep_for().days,
    })
