from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.models import Profile
from contacts.models import Contact
from followups.forms import CustomFollowUpForm
from followups.models import FollowUp, Heartbeat
from meetings.models import Meeting
from netcrm.lib.http import form_data, wants_fragment
from reciprocity.forms import picked_contact, recent_contacts

QUEUE_LIMIT = 50
UPCOMING_LIMIT = 20
UPCOMING_DAYS = 7
SNOOZE_CHOICES = [(1, "1 day"), (3, "3 days"), (7, "1 week"), (14, "2 weeks")]


def day_bounds(profile: Profile) -> tuple[datetime, datetime]:
    """Start of today and start of tomorrow, in the user's timezone."""
    today = timezone.localdate(timezone=profile.tzinfo)
    start = datetime.combine(today, datetime.min.time(), tzinfo=profile.tzinfo)
    return start, start + timedelta(days=1)


def queue_context(user, profile: Profile) -> dict:
    """Today's queue: overdue first, then due today, then the week ahead."""
    today_start, tomorrow_start = day_bounds(profile)
    followups = FollowUp.objects.for_user(user)
    week_end = tomorrow_start + timedelta(days=UPCOMING_DAYS)
    due = followups.due_by(tomorrow_start - timedelta(microseconds=1))
    counts = followups.due_by(week_end).aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=today_start)),
        today=Count("pk", filter=Q(due_at__gte=today_start, due_at__lt=tomorrow_start)),
        upcoming=Count("pk", filter=Q(due_at__gte=tomorrow_start)),
    )
    items = list(due.with_subjects()[:QUEUE_LIMIT])
    return {
        "overdue": [f for f in items if f.due_at < today_start],
        "due_today": [f for f in items if f.due_at >= today_start],
        "counts": counts,
        "total": counts["overdue"] + counts["today"],
        "more": max(0, counts["overdue"] + counts["today"] - len(items)),
        "upcoming": list(
            followups.upcoming(tomorrow_start - timedelta(microseconds=1), week_end)
            .with_subjects()[:UPCOMING_LIMIT]
        ),
        "snooze_choices": SNOOZE_CHOICES,
    }


@login_required
@vary_on_headers("HX-Request")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    profile = Profile.for_user(request.user)
    context = queue_context(request.user, profile)
    if wants_fragment(request):
        return render(request, "followups/dashboard.html#queue", context)
    context["upcoming_meetings"] = (
        Meeting.objects.for_user(request.user).upcoming().with_contacts()[:5]
    )
    context["stalled"] = Heartbeat.stale("sweep")
    context["recent_contacts"] = (
        Contact.objects.for_user(request.user)
        .select_related("organization")
        .order_by("-created_at", "-pk")[:6]
    )
    return render(request, "followups/dashboard.html", context)


def _after_action(request: HttpRequest, followup: FollowUp, event: str, note: str) -> HttpResponse:
    """HTMX gets the refreshed queue; a plain form post goes back to the dashboard."""
    if wants_fragment(request):
        context = queue_context(request.user, Profile.for_user(request.user))
        context["flash"] = note
        response = render(request, "followups/dashboard.html#queue", context)
        return trigger_client_event(response, event, {"id": followup.pk})
    messages.success(request, note)
    return redirect("followups:dashboard")


def _closed_already(request: HttpRequest, followup: FollowUp) -> HttpResponse | None:
    """Done, snooze and skip act on open follow-ups only (another tab may have closed it)."""
    if followup.is_open:
        return None
    note = f"Already {followup.get_status_display().lower()}: {followup.title}."
    return _after_action(request, followup, "followupUnchanged", note)


@login_required
@require_POST
def mark_done(request: HttpRequest, pk: int) -> HttpResponse:
    followup = FollowUp.objects.get_for_user_or_404(request.user, pk=pk)
    if response := _closed_already(request, followup):
        return response
    followup.mark_done()
    return _after_action(request, followup, "followupDone", f"Done: {followup.title}.")


@login_required
@require_POST
def skip(request: HttpRequest, pk: int) -> HttpResponse:
    followup = FollowUp.objects.get_for_user_or_404(request.user, pk=pk)
    if response := _closed_already(request, followup):
        return response
    followup.skip()
    return _after_action(request, followup, "followupSkipped", f"Skipped: {followup.title}.")


class SnoozeForm(forms.Form):
    """Snooze for one of the choices, or until a date after today."""

    days = forms.TypedChoiceField(choices=SNOOZE_CHOICES, coerce=int, required=False)
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, profile: Profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.today = timezone.localdate(timezone=profile.tzinfo)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("days") and not cleaned.get("until"):
            raise forms.ValidationError("Snooze for a number of days, or until a date.")
        if cleaned.get("until") and cleaned["until"] <= self.today:
            raise forms.ValidationError("Pick a date after today.")
        return cleaned

    def due_at(self) -> datetime:
        day = self.cleaned_data["until"] or self.today + timedelta(days=self.cleaned_data["days"])
        return self.profile.morning_of(day)


@login_required
@require_POST
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    followup = FollowUp.objects.get_for_user_or_404(request.user, pk=pk)
    if response := _closed_already(request, followup):
        return response
    form = SnoozeForm(request.POST, profile=Profile.for_user(request.user))
    if not form.is_valid():
        if not wants_fragment(request):
            return HttpResponseBadRequest(" ".join(form.non_field_errors()) or "Invalid snooze.")
        context = queue_context(request.user, form.profile)
        context["flash"] = " ".join(form.non_field_errors())
        return render(request, "followups/dashboard.html#queue", context, status=422)
    followup.snooze(form.due_at())
    until = date_format(timezone.localtime(followup.due_at, form.profile.tzinfo), "l j F")
    return _after_action(
        request, followup, "followupSnoozed", f"Snoozed until {until}: {followup.title}."
    )


class EditFollowUpForm(forms.ModelForm):
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
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    followup = FollowUp.objects.with_subjects().get_for_user_or_404(request.user, pk=pk)
    return render(
        request,
        "followups/detail.html",
        {"followup": followup, "snooze_choices": SNOOZE_CHOICES},
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def add_followup(request: HttpRequest) -> HttpResponse:
    """A custom follow-up, by hand, about anyone or nobody; saved at once."""
    contact = picked_contact(request)  # another user's contact id is a 404
    compact = contact is not None and (request.POST or request.GET).get("compact") == "1"
    form = CustomFollowUpForm(form_data(request), user=request.user, initial={"contact": contact})
    if request.method == "POST" and form.is_valid():
        followup = form.save()
        if wants_fragment(request):
            on_dashboard = request.htmx.current_url_abs_path == reverse("followups:dashboard")
            context = {"followup": followup, "compact": compact, "refresh_queue": on_dashboard}
            response = render(request, "followups/custom.html#added", context)
            return trigger_client_event(response, "followupAdded", {"id": followup.pk})
        messages.success(request, f"Added to your queue: {followup.title}.")
        return redirect(followup.contact or "followups:dashboard")
    context = {"followup_form": form, "chosen": contact, "compact": compact}
    if not compact:
        context["recent"] = recent_contacts(request.user, exclude=contact)
    template = "followups/custom.html" + ("#custom-form" if wants_fragment(request) else "")
    return render(request, template, context, status=422 if form.is_bound else 200)
