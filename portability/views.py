"""Your data: downloads, restore, the calendar feed, and leaving."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from accounts.submissions import create_once
from netcrm.lib.http import wants_fragment
from portability import backup, calendar, departures, exports, restores
from portability.forms import LeaveForm, RestoreForm
from portability.models import CalendarFeed, Restore, RestoreStatus, feed_path

NEW_TOKEN = "portability:calendar-token"  # the session key that shows a new feed's address once


def download(
    content: str | bytes | Iterator[str], filename: str, content_type: str
) -> HttpResponse | StreamingHttpResponse:
    """An attachment; sent as it is made when `content` comes in pieces."""
    streamed = not isinstance(content, (str, bytes))
    response = (StreamingHttpResponse if streamed else HttpResponse)(
        content, content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def data_context(request: HttpRequest, **extra) -> dict:
    user = request.user
    token = request.session.pop(NEW_TOKEN, None)
    feed = CalendarFeed.objects.filter(user=user).first()
    context = {
        "counts": list(backup.counts(user).items()),
        "empty": backup.is_empty(user),
        "feed": feed,
        "feed_url": request.build_absolute_uri(feed_path(token)) if token and feed else "",
        "restore_form": RestoreForm(),
        "restoring": restores.under_way(user),
    }
    if context["feed_url"]:
        context["webcal_url"] = "webcal://" + context["feed_url"].split("://", 1)[1]
    return context | extra


@login_required
@require_GET
def data_page(request: HttpRequest) -> HttpResponse:
    response = render(request, "portability/data.html", data_context(request))
    patch_cache_control(response, private=True, no_store=True)  # it may show the feed's secret
    return response


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return download(
        exports.csv_text(request.user, request.profile),
        backup.backup_filename(request.user, "csv"),
        "text/csv; charset=utf-8",
    )


@login_required
@require_GET
def export_vcard(request: HttpRequest) -> HttpResponse:
    return download(
        exports.vcard_text(request.user), backup.backup_filename(request.user, "vcf"),
        "text/vcard; charset=utf-8",
    )


@login_required
@require_GET
def export_backup(request: HttpRequest) -> StreamingHttpResponse:
    return download(
        backup.backup_text(request.user), backup.backup_filename(request.user, "json"),
        "application/json; charset=utf-8",
    )


@login_required
@require_POST
@create_once
def restore(request: HttpRequest) -> HttpResponse:
    """Take a backup to restore into this (empty) account, and send the browser to the
    page that follows the worker restoring it; what can be refused at once is (422),
    with the reason. A second tap on Restore (the form's submission key) gets the first
    one's answer, and a restore under way is not started twice."""
    if (current := restores.under_way(request.user)) is not None:
        return redirect(current)
    form = RestoreForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            restore_ = restores.start(request.user, form.cleaned_data["backup"])
        except backup.BackupError as error:
            form.add_error("backup", str(error))
        else:
            return redirect(restore_)
    return render(
        request, "portability/data.html", data_context(request, restore_form=form), status=422
    )


@login_required
@require_GET
def restore_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How far the restore is; then what came back, or why nothing did. htmx asks for
    it every two seconds while it runs."""
    restore_ = Restore.objects.for_user(request.user).defer("payload").filter(pk=pk).first()
    if restore_ is None:
        raise Http404
    context = {"restore": restore_, "restore_form": RestoreForm(), "empty": False}
    if restore_.status == RestoreStatus.FAILED:
        context["empty"] = backup.is_empty(request.user)
    if wants_fragment(request):
        return render(request, "portability/restore.html#status", context)
    return render(request, "portability/restore.html", context)


@login_required
@require_POST
def issue_calendar_feed(request: HttpRequest) -> HttpResponse:
    """A new secret address (the old one, if any, stops working); shown once."""
    request.session[NEW_TOKEN] = CalendarFeed.issue(request.user)
    return redirect("portability:data")


@login_required
@require_POST
def revoke_calendar_feed(request: HttpRequest) -> HttpResponse:
    if CalendarFeed.revoke(request.user):
        messages.success(request, "The calendar feed is off: its address shows nothing any more.")
    return redirect("portability:data")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No log-in (calendar apps cannot log in): the secret in the address is the key.
    A wrong or revoked one is the same plain 404 as any missing page."""
    feed = CalendarFeed.objects.by_token(token)
    if feed is None:
        raise Http404
    user = feed.user
    profile = getattr(user, "profile", None)
    response = HttpResponse(
        calendar.calendar_feed(user, profile), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="netcrm.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    # Private: a shared cache must never keep it; calendar apps poll (hourly or so).
    patch_cache_control(response, private=True, max_age=300)
    # Each event's DTSTAMP is when the feed was made, so the bytes differ every second:
    # the ETag hashes them without those lines, and a calendar app polling a feed in
    # which nothing changed is answered 304 (with nothing to download or re-read).
    response["ETag"] = feed_etag(response.content)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def feed_etag(body: bytes) -> str:
    """A quoted ETag of the feed's content, leaving out its DTSTAMP lines (short lines:
    iCalendar never folds them)."""
    content = re.sub(rb"^DTSTAMP:[^\r\n]*\r?\n", b"", body, flags=re.MULTILINE)
    return quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    """Delete the account and everything in it, after offering the backup first and
    asking for the password."""
    user = request.user
    form = LeaveForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        departures.request(user)  # closed now; the worker deletes it all
        logout(request)
        return redirect("portability:goodbye")
    return render(
        request, "portability/leave.html",
        {"form": form, "counts": list(backup.counts(user).items())},
        status=422 if form.is_bound else 200,
    )


@require_GET
def goodbye(request: HttpRequest) -> HttpResponse:
    return render(request, "portability/goodbye.html")
