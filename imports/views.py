"""Import contacts: upload, preview, confirm, progress, summary, undo."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.submissions import create_once
from imports import services
from imports.forms import UploadForm
from imports.models import ACTIONS, DONE_ACTIONS, SIMILAR, ImportBatch, Status
from imports.parsers import Refused, Unreadable, one_line
from netcrm.lib.http import form_data, wants_fragment

ROWS_PER_PAGE = 50


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, UploadForm())


def _list_page(request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
    batches = ImportBatch.objects.for_user(request.user).listed()
    page = Paginator(batches, settings.NETCRM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"form": form, "page": page}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@create_once
def upload(request: HttpRequest) -> HttpResponse:
    """Read the file and plan every row; nothing is imported until the user confirms.

    A GET (the address of a refused upload, opened again) goes to the imports page,
    where the form is."""
    if request.method == "GET":
        return redirect("imports:import-list")
    form = UploadForm(form_data(request), request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            found = services.preview(request.user, upload.read(), one_line(upload.name))
        except Refused as error:
            form.add_error("file", str(error))
        except Unreadable as error:
            form.add_error("file", f"This is not a file netcrm can read: {error}")
        else:
            return redirect(found.batch)
    return _list_page(request, form, status=422)


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    return ImportBatch.objects.get_for_user_or_404(request.user, pk=pk)


@login_required
@vary_on_headers("HX-Request")
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview before it is confirmed, the progress while it runs, the summary after."""
    batch = _batch(request, pk)
    labels = ACTIONS if batch.status == Status.PREVIEW else DONE_ACTIONS
    show = request.GET.get("show", "")
    show = show if show in labels else ""
    rows = [row for row in batch.rows if not show or row["action"] == show]
    context = {
        "batch": batch, "show": show, "actions": labels, "Status": Status,
        "filters": [(key, label, batch.count(key)) for key, label in labels.items()
                    if batch.count(key)],
        "page": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "similar": [row for row in batch.rows if row["action"] == SIMILAR]
        if batch.status == Status.PREVIEW else [],
        "trash": services.in_the_trash(batch) if batch.status == Status.UNDONE else None,
    }
    if wants_fragment(request) and not batch.running:
        return render(request, "imports/batch.html#import-rows", context)
    return render(request, "imports/batch.html", context)


@login_required
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar htmx asks for every second; once the import has finished it
    sends the browser to the summary. Without htmx: the batch's own page."""
    batch = ImportBatch.objects.for_user(request.user).listed().filter(pk=pk).first()
    if batch is None:
        raise Http404
    if not wants_fragment(request):
        return redirect(batch)
    response = render(request, "imports/batch.html#progress", {"batch": batch})
    if not batch.running:
        response["HX-Redirect"] = batch.get_absolute_url()
    return response


@login_required
@require_POST
def confirm_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the import; a second tap (or another tab) starts nothing more."""
    batch = _batch(request, pk)
    if batch.status == Status.PREVIEW and services.confirm(batch, request.POST):
        messages.success(request, f"Importing {batch.filename}…")
    return redirect(batch)


@login_required
@require_POST
def discard_batch(request: HttpRequest, pk: int) -> HttpResponse:
    deleted, _ = ImportBatch.objects.for_user(request.user).filter(
        pk=pk, status=Status.PREVIEW
    ).delete()
    if deleted:
        messages.info(request, "Discarded: nothing was imported.")
    return redirect("imports:import-list")


@login_required
@require_POST
def undo_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    undone = services.undo_import(batch) if not batch.running else None
    if undone is not None:
        messages.success(request, f"Import undone: {undone}.")
    return redirect(batch)
