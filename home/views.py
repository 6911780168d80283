"""The pages that draw on every app: the dashboard, a person's page, an
organization's page, and adding a follow-up about anyone."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event
from taggit.models import TaggedItem

from accounts.submissions import create_once
from contacts.models import KEEP_IN_TOUCH, Contact, Note, Organization
from contacts.pickers import picked_contact, recent_contacts
from contacts.views import keep_in_touch_context
from followups.forms import CustomFollowUpForm
from followups.models import OPEN, FollowUp, Heartbeat, open_first
from followups.models import Status as FollowUpStatus
from followups.views import QUEUE_LIMIT, queue_context
from insights.services import weekly_progress
from jobs.models import Lead
from jobs.reach import who_i_know_at
from meetings.models import MEETING_PEOPLE, Meeting
from netcrm.lib import generations
from netcrm.lib.fold import Folded
from netcrm.lib.fragments import TOKEN_PLACEHOLDER
from netcrm.lib.http import current_path, form_data, wants_fragment, whole_number
from netcrm.lib.prepared import Prepared
from outreach.models import Outreach
from reciprocity.services import ledger_for
from referrals import graph
from referrals.forms import ContactReferralForm
from referrals.models import Referral

TIMELINE_LIMIT = 50
OUTREACH_LIMIT = 10
LEADS_LIMIT = 5  # a short list on a phone; the rest counted
SHOWN_FIRST = 5  # of what is due and of the timeline; the rest one tap further


PANEL = generations.PANEL  # the part of the data beside the dashboard's queue (home/apps.py)

# Bump when the dashboard's body changes in a way the data it is kept under does not
# show (a deploy restarts the processes, which empties their "pages" cache anyway).
DASHBOARD_VERSION = 3


def _kept_key(request: HttpRequest, part: str | None = None) -> str | None:
    """The key the dashboard's body (or its `part`) is kept under: the generation of
    the user's data (of that part of it) and all else it is rendered with. None when
    the cache cannot be used."""
    tokens = generations.current(request.user.pk, part)
    if tokens is None:
        return None
    shown = (DASHBOARD_VERSION, part, request.user.pk, *tokens,
             request.profile.today().isoformat(), timezone.get_current_timezone_name(),
             translation.get_language() or "")
    return "dashboard:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def _kept(key: str | None) -> tuple[str, datetime | None, str] | None:
    """(its HTML, when it stops holding, its queue's version), while it holds."""
    found = caches["pages"].get(key) if key else None
    if found and (found[1] is None or timezone.now() < found[1]):
        return found
    return None


# The panel's meetings ahead and people added last (netcrm/lib/prepared.py).
_PANEL_UPCOMING = Prepared(lambda user_id, now: (
    Meeting.objects.filter(user_id=user_id).upcoming(now)[:5]
), "dashboard: the meetings ahead")
_PANEL_RECENT = Prepared(lambda user_id: (
    Contact.objects.filter(user_id=user_id).select_related("organization")
    .order_by("-created_at", "-pk")[:6]
), "dashboard: the people added last")


def _panel(request: HttpRequest) -> tuple[str, datetime | None]:
    """The panel beside the queue (this week against the goal, the meetings ahead, the
    people added last) and when it stops holding (the next meeting starts: it then
    counts as held). Kept apart from the queue, under its own generation: a Done, a
    Snooze or a Skip changes follow-ups alone, and has only the queue rendered afresh
    (bench/README.md)."""
    key = _kept_key(request, PANEL)
    kept = _kept(key)
    if kept:
        return kept[0], kept[1]
    now = timezone.now()
    upcoming = _PANEL_UPCOMING(request.user.pk, now)
    MEETING_PEOPLE(upcoming)
    context = {
        "upcoming_meetings": upcoming,
        "progress": weekly_progress(request.user, request.profile, now),
        "recent_contacts": _PANEL_RECENT(request.user.pk),
    }
    html = render_to_string("followups/dashboard.html#panel", context)
    until = upcoming[0].starts_at if upcoming else None
    if key:
        caches["pages"].set(key, (html, until, ""), timeout=generations.PAGE_TIMEOUT)
    return html, until


def _dashboard_body(request: HttpRequest, key: str | None, limit: int) -> str:
    """Everything the dashboard shows from the user's data, rendered with the CSRF
    token as a placeholder; kept under `key` until the data changes, the day ends or
    the next planned meeting starts (it then counts as held)."""
    context = queue_context(request.user, request.profile, limit)
    panel, until = _panel(request)
    context["panel"] = mark_safe(panel)  # rendered by the template language, escaped there
    context["csrf_token"] = TOKEN_PLACEHOLDER
    html = render_to_string("followups/dashboard.html#body", context)
    if key:
        caches["pages"].set(key, (html, until, context["version"]),
                            timeout=generations.PAGE_TIMEOUT)
    return html


@login_required
@vary_on_headers("HX-Request")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if wants_fragment(request) and request.GET.get("part") == "panel":
        return HttpResponse(_panel(request)[0])  # after a meeting logged in the modal
    limit = whole_number(request.GET.get("limit", "")) or QUEUE_LIMIT
    # The plain page, and the queue's refresh while it shows the first page, are
    # what the kept body holds.
    key = _kept_key(request) if limit <= QUEUE_LIMIT and set(request.GET) <= {"limit", "v"} else None
    kept = _kept(key)
    if wants_fragment(request):
        version = request.GET.get("v")
        if kept and version == kept[2]:
            return HttpResponse(status=204)  # the refresh: nothing changed, nothing sent
        context = queue_context(request.user, request.profile, limit)
        if version == context["version"]:
            return HttpResponse(status=204)
        return render(request, "followups/dashboard.html#queue", context)
    body = kept[0] if kept else _dashboard_body(request, key, limit)
    token = get_token(request)  # one for the whole page, as the context processor gives
    context = {
        "stalled": Heartbeat.stale("sweep"),
        "body": mark_safe(body.replace(TOKEN_PLACEHOLDER, token)),
        "csrf_token": token,
    }
    return render(request, "followups/dashboard.html", context)


# What most people have none of, asked in the contact's own query (an EXISTS each),
# so that each is read only for those who have some: under load every query's round
# trip to PostgreSQL costs more than the query itself (issue 11).
_HAS = {
    "has_tags": Exists(TaggedItem.objects.filter(
        content_type__app_label="contacts", content_type__model="contact",
        object_id=OuterRef("pk"),
    )),
    "has_past_organizations": Exists(
        Contact.past_organizations.through.objects.filter(contact_id=OuterRef("pk"))
    ),
    "has_notes": Exists(Note.objects.filter(contact_id=OuterRef("pk"))),
    "has_outreach": Exists(Outreach.objects.filter(contact_id=OuterRef("pk"))),
    "has_leads": Exists(Lead.contacts.through.objects.filter(contact_id=OuterRef("pk"))),
}


def _read_what_they_have(contact: Contact) -> None:
    """The contact's tags (as ContactQuerySet.with_tags gives them) and past
    organizations, read only when the contact has some; else known to be none."""
    if contact.has_tags:
        prefetch_related_objects([contact], Prefetch("tags", to_attr="tag_list"))
    else:
        contact.tag_list = []
    if contact.has_past_organizations:
        prefetch_related_objects([contact], "past_organizations")
    else:
        contact._prefetched_objects_cache = {"past_organizations": Organization.objects.none()}


# The contact page's own queries, built and compiled once a connection (issue 11).
_CONTACT = Prepared(lambda user_id, pk: (
    Contact.objects.select_related("organization", "met_at").annotate(**_HAS)
    .filter(user_id=user_id, pk=pk)
), "contact page: the contact")
_MEETINGS = Prepared(lambda user_id, contact_id: (
    Meeting.objects.filter(user_id=user_id, contacts=contact_id)
    .order_by("-starts_at")[:TIMELINE_LIMIT]
), "contact page: meetings")
# Open ones first, so what is due is never cut off by a long history; and the open
# keep-in-touch reminder (never two at once) first of all: the section below is
# told of it from here, however many others are open.
_FOLLOWUPS = Prepared(lambda user_id, contact_id: (
    FollowUp.objects.filter(user_id=user_id, contact=contact_id)
    .select_related("meeting")
    .order_by(
        open_first(),
        Case(When(kind=KEEP_IN_TOUCH, status__in=OPEN, then=Value(0)), default=Value(1)),
        "-due_at",
    )[:TIMELINE_LIMIT]
), "contact page: follow-ups")
_OUTREACH = Prepared(lambda user_id, contact_id: (
    Outreach.objects.filter(user_id=user_id, contact=contact_id)
    .select_related("meeting")[:OUTREACH_LIMIT]
), "contact page: outreach")
# The leads they are part of, open ones first; how many in all comes with them (a
# window count), so the rest are counted without a query of their own.
_LEADS = Prepared(lambda user_id, contact_id: (
    Lead.objects.filter(user_id=user_id, contacts=contact_id)
    .select_related("organization").open_first()
    .annotate(in_all=Window(Count("pk")))[:LEADS_LIMIT]
), "contact page: leads")
# Who referred them, and where: contacts/_referral.html shows the referrer's name
# and the meeting. Joined with those two alone (not with the contact, known here,
# nor with organizations): PostgreSQL plans each join every time it runs it.
_REFERRED_BY = Prepared(lambda user_id, contact_id: (
    Referral.objects.filter(user_id=user_id, referred=contact_id)
    .select_related("referrer", "meeting")
), "contact page: referred by")


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _CONTACT.first(request.user.pk, pk)
    if contact is None:  # another user's id is a 404, exactly like a missing one
        raise Http404
    _read_what_they_have(contact)
    meetings = _MEETINGS(request.user.pk, contact.pk)
    MEETING_PEOPLE(meetings)
    followups = _FOLLOWUPS(request.user.pk, contact.pk)
    due = sorted((f for f in followups if f.is_open), key=lambda f: (f.due_at, f.pk))
    referred_by = _REFERRED_BY(request.user.pk, contact.pk)
    for referral in referred_by:
        referral.referred = contact
    ledger = ledger_for(request.user, contact)
    # The walks only for those they can find anything for: a chain to someone nobody
    # referred is empty, and so is the tree of someone who referred nobody.
    chains = graph.named_chains(request.user.pk, contact) if referred_by else []
    led_to = (
        graph.led_to(request.user.pk, contact)
        if ledger.referrals["total"] else graph.LedTo([], 0, 0, 0)
    )
    outreach = _OUTREACH(request.user.pk, contact.pk) if contact.has_outreach else []
    leads = _LEADS(request.user.pk, contact.pk) if contact.has_leads else []
    # Meetings still to come are planned, not interactions: listed apart, first.
    now = timezone.now()
    planned = sorted((m for m in meetings if m.starts_at > now), key=lambda m: m.starts_at)
    # A follow-up done about them (a call made, a note sent) was an interaction too.
    last_interaction = max(
        filter(None, [contact.last_interaction_at, *(
            f.completed_at for f in followups if f.status == FollowUpStatus.DONE
        )]),
        default=None,
    )
    timeline = sorted(
        [("meeting", m.starts_at, m) for m in meetings if m.starts_at <= now]
        # A closed follow-up on the day it was closed (a call made early, or closed by
        # the meeting that made it moot, is not in the future on its due day).
        + [("followup", f.completed_at or f.due_at, f) for f in followups if not f.is_open],
        key=lambda entry: entry[1],
        reverse=True,
    )
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "last_interaction": last_interaction,
            "planned": planned,
            "timeline": timeline,
            "timeline_earlier": timeline[SHOWN_FIRST:],
            "due": due,
            "due_later": due[SHOWN_FIRST:],
            "shown_first": SHOWN_FIRST,
            # Overdue as the queue says it: due before today began, in their timezone.
            "today_start": request.profile.day_start(request.profile.today()),
            "chains": chains,
            "led_to": led_to,
            "referred_by": referred_by,
            "referral_forms": [
                ContactReferralForm(initial={"direction": d}, contact=contact)
                for d in (ContactReferralForm.GAVE, ContactReferralForm.RECEIVED)
            ],
            "ledger": ledger,
            "followup_form": CustomFollowUpForm(
                user=request.user, profile=request.profile, initial={"contact": contact}
            ),
            "keep_in_touch": keep_in_touch_context(contact, open_followups=due),
            "outreach": outreach,
            "leads": leads,
            "leads_more": leads[0].in_all - len(leads) if leads else 0,
        },
    )


ORGANIZATION_PEOPLE_LIMIT = 200
ORGANIZATION_LEADS_LIMIT = 50


@login_required
@vary_on_headers("HX-Request")
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An organization: its people, your leads there, and who you know there. HTMX (a
    lead just added from the dialog) gets the leads alone."""
    organization = Organization.objects.get_for_user_or_404(request.user, pk=pk)
    leads = Lead.objects.for_user(request.user).filter(organization=organization)
    if wants_fragment(request):
        return render(request, "contacts/organization_detail.html#organization-leads", {
            "organization": organization, "leads": leads[:ORGANIZATION_LEADS_LIMIT],
        })
    contacts = organization.contacts.order_by(Folded("name"), "pk")[:ORGANIZATION_PEOPLE_LIMIT]
    return render(
        request,
        "contacts/organization_detail.html",
        {
            "organization": organization,
            "contacts": contacts,
            "leads": leads[:ORGANIZATION_LEADS_LIMIT],
            "reach": who_i_know_at(request.user, organization),
        },
    )


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@create_once
def add_followup(request: HttpRequest) -> HttpResponse:
    """A custom follow-up, by hand, about anyone or nobody; saved at once."""
    contact = picked_contact(request)  # another user's contact id is a 404
    compact = contact is not None and (request.POST or request.GET).get("compact") == "1"
    form = CustomFollowUpForm(
        form_data(request), user=request.user, profile=request.profile,
        initial={"contact": contact},
    )
    if request.method == "POST" and form.is_valid():
        followup = form.save()
        if wants_fragment(request):
            on_dashboard = current_path(request) == reverse("home:dashboard")
            context = {"followup": followup, "compact": compact, "refresh_queue": on_dashboard}
            response = render(request, "followups/custom.html#added", context)
            return trigger_client_event(response, "followupAdded", {"id": followup.pk})
        messages.success(request, f"Added to your queue: {followup.title}.")
        return redirect(followup.contact or "home:dashboard")
    context = {"followup_form": form, "chosen": contact, "compact": compact}
    if not compact:
        context["recent"] = recent_contacts(request.user, exclude=[contact])
    template = "followups/custom.html" + ("#custom-form" if wants_fragment(request) else "")
    return render(request, template, context, status=422 if form.is_bound else 200)
