from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.submissions import create_once
from contacts.pickers import recent_contacts
from events.forms import EventForm, PeopleForm, VisitForm
from events.models import Event, Kind
from events.stats import came_of, outcomes
from netcrm.lib.dates import when
from netcrm.lib.http import form_data, wants_fragment
from trash.views import delete_owned

VISITS_SHOWN = 50
OUTCOMES_SHOWN = 50


def _people_context(form, user) -> dict:
    chosen = form.selected_people() if "contacts" in form.fields else []
    return {"form": form, "chosen": chosen, "recent": recent_contacts(user, exclude=chosen)}


@login_required
@vary_on_headers("HX-Request")
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Where you network: each event or group with its last visit and what came of it,
    the latest attended first, filtered by kind."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    events = outcomes(request.user).by_last_visit()
    if kind:
        events = events.filter(kind=kind)
    page = Paginator(events, settings.NETCRM_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "kind": kind, "kind_label": Kind(kind).label if kind else ""}
    if wants_fragment(request):
        return render(request, "events/list.html#event-rows", context)
    context["kinds"] = Kind.choices
    context["any_events"] = bool(page.paginator.count) or (
        bool(kind) and Event.objects.for_user(request.user).exists()
    )
    return render(request, "events/list.html", context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@create_once
def add_event(request: HttpRequest) -> HttpResponse:
    """One form, in a modal with HTMX or as a plain page: the event, the first time you
    went, whom you met."""
    form = EventForm(form_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        if wants_fragment(request):
            response = render(request, "events/add.html#added", {"event": event})
            return trigger_client_event(response, "eventAdded", {"id": event.pk})
        messages.success(request, f"Added {event.name}.")
        return redirect(event)
    template = "events/add.html#event-form" if wants_fragment(request) else "events/add.html"
    status = 422 if form.is_bound else 200
    return render(request, template, _people_context(form, request.user), status=status)


@login_required
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, VisitForm())


def _detail(request: HttpRequest, pk: int, visit_form: VisitForm, status: int = 200):
    """An event's page: its visits, the people met there, and what came of it."""
    event = outcomes(request.user).get_for_user_or_404(request.user, pk=pk)
    visits = list(event.visits.prefetch_related("people")[:VISITS_SHOWN])
    return render(request, "events/detail.html", {
        "event": event,
        "visits": visits,
        "came_of": came_of(event, event.first_visit, OUTCOMES_SHOWN),
        "visit_form": visit_form,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = Event.objects.get_for_user_or_404(request.user, pk=pk)
    form = EventForm(form_data(request), user=request.user, instance=event)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        messages.success(request, f"Saved {event.name}.")
        return redirect(event)
    return render(
        request, "events/edit.html", {"form": form, "event": event},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
@create_once
def went_again(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: you went again, today (or the day given). A plain form: the whole page
    changes (its visits, its counts), so it goes back to it."""
    event = Event.objects.get_for_user_or_404(request.user, pk=pk)
    form = VisitForm(request.POST)
    if not form.is_valid():
        return _detail(request, pk, form, status=422)
    visit, new = event.visit_on(form.cleaned_data["on"], form.cleaned_data["notes"])
    day = when(visit.on, "D j M")
    if new:
        messages.success(request, f"You went to {event.name} on {day}. Whom did you meet there?")
    else:
        messages.info(
            request, f"{day} was logged already: it counts once. Whom did you meet there?"
        )
    return redirect(event)


@login_required
@require_http_methods(["GET", "POST"])
@create_once
def add_people(request: HttpRequest, pk: int) -> HttpResponse:
    """Whom you met there: people you know, or someone new, on one of the visits."""
    event = Event.objects.get_for_user_or_404(request.user, pk=pk)
    visits = list(event.visits.all()[:VISITS_SHOWN])
    form = PeopleForm(form_data(request), user=request.user, event=event, visits=visits)
    if request.method == "POST" and form.is_valid():
        people = form.save()
        names = ", ".join(p.name for p in people)
        messages.success(request, f"Met at {event.name}: {names}.")
        return redirect(event)
    context = _people_context(form, request.user) | {"event": event}
    return render(request, "events/people.html", context, status=422 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete_event(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_owned(
        request, Event.objects.all(), pk, kind="event", label=lambda event: event.name,
        phrases={
            "events.eventvisit": (
                "the 1 time you went goes with it", "the {count} times you went go with it",
            ),
            "contacts.contact.met_at": (
                "1 person you met there stays, without {name} as how you met",
                "{count} people you met there stay, without {name} as how you met",
            ),
            "jobs.lead.event": (
                "1 lead found there stays, without where it was found",
                "{count} leads found there stay, without where it was found",
            ),
        },
        done="events:event-list",
    )
