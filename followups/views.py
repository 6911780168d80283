from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.models import Profile
from followups import kinds
from followups.models import TICK, FollowUp, Problem, counted
from followups.undo import CannotUndo, token, undo
from netcrm.lib.dates import when
from netcrm.lib.forms import CheckedFormMixin
from netcrm.lib.http import form_data, wants_fragment, whole_number
from netcrm.lib.prepared import Prepared
from netcrm.lib.text import clean_text
from netcrm.lib.undo import offer
from trash.views import delete_owned

# A page of the queue: enough for a morning, small enough to load on a phone (the
# dashboard stays under 60 KB); "Show more" brings the next page.
QUEUE_LIMIT = 30
QUEUE_MAX = 300
UPCOMING_LIMIT = 10
UPCOMING_DAYS = 7
ONE_DAY = timedelta(days=1)
SNOOZE_CHOICES = [(1, "1 day"), (3, "3 days"), (7, "1 week"), (14, "2 weeks")]


# The queue's rows, built and compiled once a connection (netcrm/lib/prepared.py).
_QUEUE_COUNTS = Prepared(lambda user_id, today_start, tomorrow_start, until: (
    FollowUp.objects.filter(user_id=user_id).queue_counted(today_start, tomorrow_start, until)
), "queue: how many overdue, today and ahead")
_PROBLEMS = Prepared(lambda user_id: (
    Problem.objects.filter(user_id=user_id).order_by().values("user")
    .annotate(n=Count("pk")).values_list("n", flat=True)
), "queue: how many problems")
_QUEUE_IDS = Prepared(lambda user_id, until, *, limit: (
    FollowUp.objects.filter(user_id=user_id).queue_by(until).values_list("pk", flat=True)[:limit]
), "queue: the ids due")
_QUEUE_ROWS = Prepared(lambda ids: (
    FollowUp.objects.select_related("contact").filter(pk__in=ids).order_by()
), "queue: their rows")
_UPCOMING = Prepared(lambda user_id, after, until: (
    FollowUp.objects.filter(user_id=user_id).upcoming(after, until)
    .select_related("contact")[:UPCOMING_LIMIT]
), "queue: the week ahead")


def queue_context(user, profile: Profile, limit: int = QUEUE_LIMIT) -> dict:
    """Today's queue: overdue first, then due today (the first `limit`: "Show more"
    asks for more), then the week ahead."""
    today = profile.today()
    today_start, tomorrow_start = profile.day_start(today), profile.day_start(today + ONE_DAY)
    followups = FollowUp.objects.for_user(user)
    counts = counted(_QUEUE_COUNTS(
        user.pk, today_start, tomorrow_start,
        profile.day_start(today + ONE_DAY * (1 + UPCOMING_DAYS)) - TICK,
    ))
    limit = min(max(limit, QUEUE_LIMIT), QUEUE_MAX)
    # The first `limit` chosen before the joins, then fetched with their subjects (in
    # one query the planner, misled by how few past follow-ups are still open, joins
    # every open one first).
    ids = _QUEUE_IDS(user.pk, tomorrow_start - TICK, limit=limit)
    chosen = {f.pk: f for f in _QUEUE_ROWS(ids)} if ids else {}  # all an item shows
    items = [chosen[pk] for pk in ids]
    shown = len(items)
    overdue = [f for f in items if f.due_at < today_start]
    due_today = [f for f in items if f.due_at >= today_start]
    priority = set(kinds.priority_kinds())
    context = {
        "overdue": overdue,
        "due_today": due_today,
        # The page shows the priorities (a reply to someone who asked for help) under a
        # heading of their own above the overdue ones, then the rest as they fall due.
        "first_late": [f for f in overdue if f.kind in priority],
        "first_today": [f for f in due_today if f.kind in priority],
        "overdue_rest": [f for f in overdue if f.kind not in priority],
        "today_rest": [f for f in due_today if f.kind not in priority],
        "counts": counts,
        "total": counts["overdue"] + counts["today"],
        "shown": shown,
        "more": max(0, counts["overdue"] + counts["today"] - shown),
        "next_limit": min(limit + QUEUE_LIMIT, QUEUE_MAX),
        "upcoming": _UPCOMING(
            user.pk, tomorrow_start - TICK,
            profile.day_start(today + ONE_DAY * (1 + UPCOMING_DAYS)),
        ),
        "snooze_choices": SNOOZE_CHOICES,
        "upcoming_days": UPCOMING_DAYS,
        "problems": sum(_PROBLEMS(user.pk)),
        "today": today,
    }
    context["upcoming_more"] = max(0, counts["upcoming"] - len(context["upcoming"]))
    context["version"] = queue_version(context)
    return context


def queue_version(context: dict) -> str:
    """A short fingerprint of what the queue shows: the 60-second refresh sends it
    back, and gets "204 No Content" (no bytes, nothing redrawn) while it still holds."""
    shown = [
        (f.pk, f.due_at.isoformat(), f.status, f.title, f.draft, f.contact_id,
         f.contact.name if f.contact else "")
        for section in ("overdue", "due_today", "upcoming") for f in context[section]
    ]
    state = (str(context["today"]), context["counts"], context["problems"], context["more"],
             shown)
    return hashlib.blake2b(repr(state).encode(), digest_size=8).hexdigest()


def shown_limit(request: HttpRequest) -> int:
    """How many items the queue on the page shows (more after "Show more")."""
    return whole_number(request.POST.get("limit", "")) or QUEUE_LIMIT


def render_queue(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    """The queue fragment, refreshed (HTMX)."""
    context = queue_context(request.user, request.profile, shown_limit(request)) | context
    return render(request, "followups/dashboard.html#queue", context, status=status)


def render_changes(request: HttpRequest, **context) -> HttpResponse:
    """What an action in the queue changed, and nothing else: the item goes (the
    request targets it), and the counts, the notice with its Undo, "Show more" and
    the queue's fingerprint are swapped out of band. When the last item due goes,
    the whole queue, with its empty state."""
    context = queue_context(request.user, request.profile, shown_limit(request)) | context
    if not (context["overdue"] or context["due_today"]):
        return reswap(
            retarget(render(request, "followups/dashboard.html#queue", context), "#queue"),
            "outerHTML",
        )
    return render(request, "followups/dashboard.html#changes", context)


def _in_place(request: HttpRequest, followup: FollowUp) -> bool:
    """Asked from the follow-up's item in the queue (or its menu), which it replaces."""
    return request.htmx.target == f"followup-{followup.pk}"


def _after_action(
    request: HttpRequest, followup: FollowUp, event: str, note: str, undoable: bool = False,
    moved: bool = False,
) -> HttpResponse:
    """HTMX gets what changed in the queue (or the refreshed queue); a plain form post
    goes back to the dashboard. Done, skip and snooze come with Undo, in the queue or
    on the page redirected to. `moved`: the item moved (snoozed) and may now be in the
    week ahead, which comes too."""
    fragment = wants_fragment(request)
    undo = offer(
        request, note, reverse("followups:undo"), target="#queue" if fragment else "",
        token=token(followup),
    ) if undoable else None
    if fragment:
        show = render_changes if _in_place(request, followup) else render_queue
        response = show(request, flash="" if undo else note, undo=undo, moved=moved)
        response = trigger_client_event(response, event, {"id": followup.pk})
        return trigger_client_event(response, "closeModal")
    if not undo:
        messages.success(request, note)
    return redirect("home:dashboard")


def _closed_already(request: HttpRequest, followup: FollowUp) -> HttpResponse:
    """Done, snooze and skip act on open follow-ups only (another tab, or a double
    tap, closed it first)."""
    note = f"Already {followup.get_status_display().lower()}: {followup.title}."
    return _after_action(request, followup, "followupUnchanged", note)


@login_required
@require_POST
def mark_done(request: HttpRequest, pk: int) -> HttpResponse:
    followup = FollowUp.objects.get_for_user_or_404(request.user, pk=pk)
    if not followup.mark_done():
        return _closed_already(request, followup)
    return _after_action(request, followup, "followupDone", f"Done: {followup.title}.", True)


@login_required
@require_POST
def skip(request: HttpRequest, pk: int) -> HttpResponse:
    followup = FollowUp.objects.get_for_user_or_404(request.user, pk=pk)
    if not followup.skip():
        return _closed_already(request, followup)
    return _after_action(
        request, followup, "followupSkipped", f"Skipped: {followup.title}.", True
    )


class SnoozeForm(CheckedFormMixin, forms.Form):
    """Snooze for one of the choices (counted from the later of today and the day it
    is due: snoozing never brings a follow-up earlier), or until a date after today."""

    days = forms.TypedChoiceField(choices=SNOOZE_CHOICES, coerce=int, required=False)
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, profile: Profile, due_at: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.today = profile.today()
        self.from_day = max(self.today, profile.local_date(due_at)) if due_at else self.today

    def clean(self):
        # A number of days wins over a date left in the box (one form has both).
        cleaned = super().clean()
        if "until" in self.errors and not cleaned.get("days"):
            return cleaned  # a date it cannot take ("Pick a date from 1900 to 2200") says why
        if not cleaned.get("days") and not cleaned.get("until"):
            raise forms.ValidationError("Snooze for a number of days, or until a date.")
        if not cleaned.get("days") and cleaned["until"] <= self.today:
            raise forms.ValidationError("Pick a date after today.")
        return cleaned

    def due_at(self) -> datetime:
        days = self.cleaned_data["days"]
        day = self.from_day + timedelta(days=days) if days else self.cleaned_data["until"]
        return self.profile.morning_of(day)


@login_required
@require_POST
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    followup = FollowUp.objects.get_for_user_or_404(request.user, pk=pk)
    if not followup.is_open:
        return _closed_already(request, followup)
    form = SnoozeForm(request.POST, profile=request.profile, due_at=followup.due_at)
    if not form.is_valid():
        # Said where it was asked (the queue, or the follow-up's page), with the date
        # typed still in its box.
        error = " ".join(form.non_field_errors()) or " ".join(
            str(e) for errors in form.errors.values() for e in errors
        )
        typed = {"pk": followup.pk, "until": clean_text(request.POST.get("until", ""), 100)}
        context = {
            "followup": FollowUp.objects.with_subjects().get(pk=followup.pk),
            # Said under the date box it is about (at the top of the card, it was
            # scrolled out of a phone's dialog), which the dialog focuses.
            "snooze_choices": SNOOZE_CHOICES, "snooze_error": error, "typed": typed,
        }
        if wants_fragment(request) and _in_place(request, followup):
            # The menu it was asked from shows the mistake, with the date typed.
            response = render(request, "followups/detail.html#card", context | {
                "in_queue": True,
            }, status=422)
            return reswap(retarget(response, "#modal-body"), "innerHTML")
        if wants_fragment(request):
            return render_queue(request, status=422, flash=error)  # the queue has no date box
        return render(request, "followups/detail.html", context, status=422)
    if not followup.snooze(form.due_at()):
        return _closed_already(request, followup)
    until = when(timezone.localtime(followup.due_at, form.profile.tzinfo), "l j F")
    return _after_action(
        request, followup, "followupSnoozed", f"Snoozed until {until}: {followup.title}.", True,
        moved=True,
    )


@login_required
@require_POST
def undo_action(request: HttpRequest) -> HttpResponse:
    """Undo done, skip or snooze (the token says which, and what it was before)."""
    try:
        followup = undo(request.user, request.POST.get("token", ""))
        note = f"Undone: {followup.title} is back in your queue."
    except CannotUndo as error:
        note = str(error)
    if wants_fragment(request):
        return render_queue(request, flash=note)
    messages.info(request, note)
    return redirect("home:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def delete_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """A follow-up you added goes to the Trash. One netcrm made would only be made
    again from its meeting, referral or contact: that page says so and offers Skip."""
    followup = FollowUp.objects.with_subjects().filter(user=request.user, pk=pk).first()
    if followup is not None and not followup.spec.made_by_hand:
        return render(
            request, "followups/delete_made.html", {"followup": followup},
            status=409 if request.method == "POST" else 200,
        )
    return delete_owned(
        request, FollowUp.objects.all(), pk, kind="follow-up", label=lambda f: f.title,
        phrases={}, done="home:dashboard",
    )


class EditFollowUpForm(CheckedFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["title", "draft"]
        widgets = {"draft": forms.Textarea(attrs={"rows": 8})}


@login_required
@require_http_methods(["GET", "POST"])
def edit_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a follow-up's title and drafted text, in place in the queue or on a page."""
    followup = FollowUp.objects.with_subjects().get_for_user_or_404(request.user, pk=pk)
    form = EditFollowUpForm(form_data(request), instance=followup)
    if request.method == "POST" and form.is_valid():
        form.save()
        return _after_action(request, followup, "followupEdited", f"Saved: {followup.title}.")
    template = "followups/edit.html#edit-form" if wants_fragment(request) else "followups/edit.html"
    return render(
        request, template, {"form": form, "followup": followup},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A follow-up's page; from the queue's "⋯", the same card in the dialog, its
    actions aimed at the item in the queue."""
    followup = FollowUp.objects.with_subjects().get_for_user_or_404(request.user, pk=pk)
    context = {"followup": followup, "snooze_choices": SNOOZE_CHOICES}
    if wants_fragment(request):
        return render(request, "followups/detail.html#card", context | {"in_queue": True})
    return render(request, "followups/detail.html", context)


@login_required
@require_GET
def followup_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The drafted note, opened in place in the queue (the queue does not carry every
    draft: it would weigh more than the rest of the page)."""
    followup = FollowUp.objects.with_subjects().get_for_user_or_404(request.user, pk=pk)
    return render(request, "followups/detail.html#draft", {"followup": followup})


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    """The follow-ups the engine could not create from your data, and why."""
    problems = list(Problem.objects.for_user(request.user))
    for problem in problems:
        problem.about = describe_subject(problem)
    return render(request, "followups/problems.html", {"problems": problems})


def describe_subject(problem: Problem):
    """The subject a problem is about (its page, when it has one), or None if gone."""
    model = apps.get_model(problem.subject)
    return model.objects.filter(pk=problem.subject_id, user=problem.user_id).first()
