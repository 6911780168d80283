from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.submissions import create_once
from contacts.forms import (
    TargetForm,
    CadenceForm, ContactForm, KeepInTouchByTagForm, NoteForm, OrganizationForm,
)
from contacts.models import KEEP_IN_TOUCH, Contact, Organization, name_match
from contacts.services import merge_organizations, set_cadence
from contacts.pickers import search_contacts
from netcrm.lib.http import form_data, id_from, ids_from, query_text, wants_fragment
from netcrm.lib.listing import (
    COMING_DATES, COUNTS, PAST_DATES, Column, Sorting, list_context,
)
from netcrm.lib.fold import Folded, fold
from netcrm.lib.text import plural
from netcrm.lib.undo import offer
from netcrm.lib.prepared import Prepared

from trash.models import keep_for
from trash.views import delete_owned

CONTACT_COLUMNS = {
    "name": Column("Name", [Folded("name")]),
    "organization": Column("Organization", [Folded("organization__name")], css="wide"),
    "title": Column("Title", [Lower("title")], css="wide"),
    "last_meeting": Column("Last meeting", ["last_meeting"], first="desc", words=PAST_DATES),
    "next_followup": Column("Next follow-up", ["next_followup"], words=COMING_DATES),
}
CONTACT_HEADERS = [
    ("name", "Name"), ("organization", "Organization", "wide"),
    ("title", "Title", "wide roomy"), ("last_meeting", "Last meeting"),
    ("next_followup", "Next follow-up"), ("tags", "Tags", "wide roomy"),
]
ORGANIZATION_FILTER_LIMIT = 200


# The contacts list's queries, built and compiled once a connection
# (netcrm/lib/prepared.py, issue 11).
_TAG_NAMES = Prepared(lambda user_id: (
    Contact.objects.filter(user_id=user_id).tag_names_query()
), "contacts list: the tags used")
# Those with someone in them: a semi-join, not a join of every contact made distinct.
_ORGANIZATIONS_WITH_PEOPLE = Prepared(lambda user_id: (
    Organization.objects.filter(user_id=user_id)
    .filter(Exists(Contact.objects.filter(organization=OuterRef("pk"))))
    .order_by(Folded("name"), "pk").values_list("pk", "name")[:ORGANIZATION_FILTER_LIMIT]
), "contacts list: the organizations filter")
# A page of the list, by id, with its columns.
_CONTACT_ROWS = Prepared(lambda user_id, now, ids: (
    Contact.objects.filter(user_id=user_id, pk__in=ids).order_by()
    .with_list_columns(now).select_related("organization").with_tags()
), "contacts list: a page's rows")


@login_required
@vary_on_headers("HX-Request")
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    """Contacts in a table (compact rows on a phone): searched, filtered by tag, by
    organization or to those never met, sorted by any column."""
    query = query_text(request)
    mine = Contact.objects.for_user(request.user)
    tags = _TAG_NAMES(request.user.pk)
    tag = request.GET.get("tag", "")
    tag = tag if tag in tags else ""
    organization_id = id_from(request.GET.get("organization"))
    no_meeting = request.GET.get("no_meeting") == "1"
    contacts = mine.search(query)
    if tag:
        contacts = contacts.tagged(tag)
    if organization_id:
        contacts = contacts.filter(organization_id=organization_id)
    if no_meeting:
        contacts = contacts.without_meetings()

    def columns(queryset):
        return queryset.with_list_columns().select_related("organization").with_tags()

    by = CONTACT_COLUMNS
    if query:
        # Searched, by name: those whose name matches first (whichever way the names
        # run), as the search of everything shows them.
        by = by | {"name": Column("Name", [name_match(query).asc(), Folded("name")])}
    sorting = Sorting(request.GET.get("sort"), by, default="name")
    filters = {
        "q": query, "tag": tag, "organization": organization_id or "",
        "no_meeting": "1" if no_meeting else "",
    }
    now = timezone.now()
    context = list_context(
        request, columns(contacts), sorting, filters, CONTACT_HEADERS,
        rows=lambda ids: _CONTACT_ROWS(request.user.pk, now, ids),
        searched=bool(query),
    ) | {
        "query": query, "tag": tag, "organization_id": organization_id,
        "no_meeting": no_meeting, "filtered": bool(tag or organization_id or no_meeting),
    }
    if wants_fragment(request):
        return render(request, "contacts/list.html#contact-results", context)
    context |= {
        "tags": tags,
        "organizations": _ORGANIZATIONS_WITH_PEOPLE.queryset(request.user.pk),  # read if shown
        "bulk_form": KeepInTouchByTagForm(user=request.user, tag_names=tags),
    }
    return render(request, "contacts/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@create_once
def contact_create(request: HttpRequest) -> HttpResponse:
    """`?organization=` fills the organization in (from that organization's page)."""
    initial = {}
    if organization_id := id_from(request.GET.get("organization")):
        initial["organization_name"] = (
            Organization.objects.for_user(request.user).filter(pk=organization_id)
            .values_list("name", flat=True).first() or ""
        )
    form = ContactForm(form_data(request), user=request.user, initial=initial)
    same: list = []
    if request.method == "POST" and form.is_valid():
        # Someone with the same email or name is asked about once: open them, or save
        # this one anyway (two people can share a name).
        if not request.POST.get("same_ok"):
            same = Contact.objects.for_user(request.user).already_there(
                form.cleaned_data["name"], form.cleaned_data.get("email") or ""
            )
        if not same:
            contact = form.save()
            messages.success(request, f"Added {contact.name}.")
            return redirect(contact)
    return render(
        request, "contacts/form.html", {"form": form, "same": same},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = Contact.objects.select_related("organization").get_for_user_or_404(
        request.user, pk=pk
    )
    form = ContactForm(form_data(request), instance=contact, user=request.user)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, f"Saved {contact.name}.")
        return redirect(contact)
    return render(
        request,
        "contacts/form.html",
        {"form": form, "contact": contact},
        status=422 if form.is_bound else 200,
    )


ORGANIZATION_COLUMNS = {
    "name": Column("Name", [Folded("name")]),
    "contacts": Column("Contacts", ["contact_count"], first="desc", css="num", words=COUNTS),
    "open_leads": Column(
        "Open leads", ["open_lead_count"], first="desc", css="num", words=COUNTS
    ),
    "last_touch": Column("Last touch", ["last_touch"], first="desc", words=PAST_DATES),
}


@login_required
@vary_on_headers("HX-Request")
@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    """Organizations in a table (compact rows on a phone): searched by name, target
    companies alone if asked, sorted by any column."""
    query = query_text(request)
    targets = request.GET.get("target") == "1"
    organizations = Organization.objects.for_user(request.user).search(query)
    if targets:
        organizations = organizations.filter(is_target=True)
    sorting = Sorting(request.GET.get("sort"), ORGANIZATION_COLUMNS, default="name")
    filters = {"q": query, "target": "1" if targets else ""}
    context = list_context(
        request, organizations.with_list_columns(), sorting, filters,
        rows=Organization.objects.for_user(request.user).with_list_columns(),
        searched=bool(query),
    ) | {"query": query, "targets": targets}
    template = "contacts/organization_list.html"
    if wants_fragment(request):
        template += "#organization-results"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@create_once
def organization_create(request: HttpRequest) -> HttpResponse:
    return _organization_form(request, Organization())


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _organization_form(
        request, Organization.objects.get_for_user_or_404(request.user, pk=pk)
    )


def _merge_organization(request: HttpRequest, form: OrganizationForm) -> HttpResponse:
    """The organization renamed to another's name, and "Merge" ticked: the two made one,
    with Undo (the Trash keeps the merge, as every merge and removal)."""
    name = form.cleaned_data["name"]
    entry, (people, leads) = merge_organizations(form.instance, form.merge_target, name)
    said = f"Merged {form.merged_name} into {name}."
    messages.success(request, (
        f"{said[:-1]}: {plural(people, 'person', 'people')} and {plural(leads, 'lead')} "
        f"moved. The Trash keeps the merge {keep_for().days} days."
    ))
    offer(request, said, entry.get_restore_url())
    return redirect(form.merge_target)


def _organization_form(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = OrganizationForm(form_data(request), instance=organization, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.merging:
            return _merge_organization(request, form)
        organization = form.save()
        messages.success(request, f"Saved {organization.name}.")
        return redirect(organization)
    return render(
        request,
        "contacts/organization_form.html",
        {"form": form, "organization": organization},
        status=422 if form.is_bound else 200,
    )


# Keep in touch ----------------------------------------------------------------------

NOTES_SHOWN = 5


def keep_in_touch_context(contact: Contact, open_followups=None, **overrides) -> dict:
    """The contact page's keep-in-touch section: cadence, next reminder, notes, forms.
    `open_followups`: every open follow-up about the contact, when the caller has them
    all already (the reminder is one of them: never two are open at once)."""
    if open_followups is None:
        reminder = contact.keep_in_touch_reminder()
    else:
        reminder = next((f for f in open_followups if f.kind == KEEP_IN_TOUCH), None)
    return {
        "reminder": reminder,
        "overdue": bool(reminder and reminder.due_at <= timezone.now()),
        # A contact read with has_notes (their page) is not asked again when it has none.
        "notes": list(contact.notes_logged.all()[:NOTES_SHOWN])
        if getattr(contact, "has_notes", True) else [],
        "cadence_form": CadenceForm(contact=contact),
        "note_form": NoteForm(),
    } | overrides


def _next_reminder(contact: Contact) -> str:
    if not contact.keep_in_touch_days:
        return f"No keep-in-touch reminders for {contact.first_name}."
    reminder = contact.keep_in_touch_reminder()
    when = dateformat.format(timezone.localtime(reminder.due_at), "D j M Y") if reminder else "soon"
    return f"Keep in touch every {contact.keep_in_touch_days} days: next reminder {when}."


def _keep_in_touch_response(
    request: HttpRequest, contact: Contact, flash: str, event: str = "", status: int = 200,
    **forms,
) -> HttpResponse:
    """HTMX gets the section back; a plain post goes back to the contact's page (or,
    with a mistake to fix, to a page of the section alone)."""
    context = {"contact": contact, "keep_in_touch": keep_in_touch_context(contact, **forms)}
    if wants_fragment(request):
        context["keep_in_touch"]["flash"] = flash
        response = render(request, "contacts/_keep_in_touch.html", context, status=status)
        return trigger_client_event(response, event, {"id": contact.pk}) if event else response
    if status != 200:
        return render(request, "contacts/keep_in_touch.html", context, status=status)
    messages.success(request, flash)
    return redirect(contact)


@login_required
@require_POST
@create_once
def log_note(request: HttpRequest, pk: int) -> HttpResponse:
    contact = Contact.objects.get_for_user_or_404(request.user, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _keep_in_touch_response(
            request, contact, "Please fix the note.", status=422, note_form=form
        )
    contact.log_note(form.cleaned_data["body"], form.cleaned_data["happened_at"])
    return _keep_in_touch_response(
        request, contact, f"Note logged. {_next_reminder(contact)}", event="noteLogged"
    )


@login_required
@require_POST
def set_keep_in_touch(request: HttpRequest, pk: int) -> HttpResponse:
    contact = Contact.objects.get_for_user_or_404(request.user, pk=pk)
    form = CadenceForm(request.POST, contact=contact)
    if not form.is_valid():
        return _keep_in_touch_response(
            request, contact, "Pick how often.", status=422, cadence_form=form
        )
    contact.set_keep_in_touch(form.cleaned_data["keep_in_touch_days"])
    return _keep_in_touch_response(
        request, contact, _next_reminder(contact), event="keepInTouchChanged"
    )


@login_required
@require_POST
def bulk_keep_in_touch(request: HttpRequest) -> HttpResponse:
    """Keep in touch with everyone tagged [tag] every [N] days (or never)."""
    form = KeepInTouchByTagForm(request.POST, user=request.user)
    if not form.is_valid():  # back with what was picked and what to fix
        template = (
            "contacts/list.html#bulk-keep-in-touch"
            if wants_fragment(request)
            else "contacts/bulk_keep_in_touch.html"
        )
        return render(request, template, {"bulk_form": form}, status=422)
    tag, days = form.cleaned_data["tag"], form.cleaned_data["keep_in_touch_days"]
    count, synced = set_cadence(form.contacts(), days)
    people = f"{count} contact{pluralize(count)} tagged “{tag}”"
    if days:
        note = f"Set every {days} days for {people}"
        changes = [
            f"{n} reminder{pluralize(n)} {verb}"
            for n, verb in ((synced.created, "scheduled"), (synced.moved, "moved"))
            if n
        ]
    else:
        note = f"Stopped keep-in-touch reminders for {people}"
        n = synced.closed
        changes = [f"{n} open reminder{pluralize(n)} closed"] if n else []
    messages.success(request, f"{note} ({', '.join(changes)})." if changes else f"{note}.")
    return redirect("contacts:contact-list")


@login_required
@require_GET
def contact_search(request: HttpRequest) -> HttpResponse:
    """The type-ahead of every contact picker (HTMX): pick one person, or with
    pick=many add people to those chosen already (`contacts`, left out); with new=1
    it also offers to create someone new with what was typed."""
    query = query_text(request)
    many = request.GET.get("pick") == "many"
    chosen = ids_from(request.GET.getlist("contacts")) if many else []
    results = search_contacts(request.user, query, exclude_ids=chosen)
    partial = "pick-many-results" if many else "pick-one-results"
    offer_new = request.GET.get("new") == "1"
    context = {"results": results, "query": query, "offer_new": offer_new,
               # The new person already named (a form takes one): said to be replaced.
               "new_already": " ".join(query_text(request, "new_contact_name").split()),
               # Those called what was typed: "+ Someone new" asks first whether it is them.
               "same_named": [c for c in results if fold(c.name) == fold(" ".join(query.split()))]
               if offer_new else []}
    return render(request, f"contacts/_picker.html#{partial}", context)


# Deleting: into the Trash, with what goes with it said first -----------------------

CONTACT_PHRASES = {
    "referrals.referral": (
        "1 referral chain through {name} will break",
        "{count} referral chains through {name} will break",
    ),
    "meetings.meeting_contacts": (
        "1 meeting with {name} keeps its notes, without them",
        "{count} meetings with {name} keep their notes, without them",
    ),
    "contacts.note": ("1 note about {name} goes with them", "{count} notes about {name} go with them"),
    "reciprocity.inboundrequest": (
        "1 request for help from {name} goes with them",
        "{count} requests for help from {name} go with them",
    ),
    "followups.followup": (
        "1 follow-up about {name} goes with them", "{count} follow-ups about {name} go with them"
    ),
    "events.eventvisit_people": (
        "1 time you went to an event keeps its notes, without {name}",
        "{count} times you went to events keep their notes, without {name}",
    ),
    "outreach.outreach": (
        "1 request for a meeting with {name} goes with them",
        "{count} requests for a meeting with {name} go with them",
    ),
    "jobs.lead_contacts": (
        "1 lead keeps going, without {name}", "{count} leads keep going, without {name}"
    ),
}
ORGANIZATION_PHRASES = {
    "jobs.lead": (
        "1 lead at {name} goes with it", "{count} leads at {name} go with it",
    ),
    "contacts.contact.organization": (
        "1 contact at {name} stays, without an organization",
        "{count} contacts at {name} stay, without an organization",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_owned(
        request, Contact.objects.all(), pk, kind="contact", label=lambda c: c.name,
        phrases=CONTACT_PHRASES, done="contacts:contact-list",
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_owned(
        request, Organization.objects.all(), pk, kind="organization",
        label=lambda o: o.name, phrases=ORGANIZATION_PHRASES,
        done="contacts:organization-list",
    )


@login_required
@require_POST
def set_target(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap marks an organization as a target company, or not. HTMX gets the toggle
    back; a plain post goes back to the organization's page."""
    organization = Organization.objects.get_for_user_or_404(request.user, pk=pk)
    form = TargetForm(request.POST)
    if not form.is_valid():
        context = {"organization": organization, "flash": "That is not a choice netcrm knows."}
        template = (
            "contacts/organization_detail.html#target-toggle" if wants_fragment(request)
            else "contacts/target.html"
        )
        return render(request, template, context, status=422)
    wanted = form.cleaned_data["is_target"]
    Organization.objects.filter(pk=organization.pk).update(is_target=wanted)
    organization.is_target = wanted
    note = (
        f"{organization.name} is a target company." if wanted
        else f"{organization.name} is no longer a target."
    )
    if wants_fragment(request):
        response = render(
            request, "contacts/organization_detail.html#target-toggle",
            {"organization": organization, "flash": note},
        )
        return trigger_client_event(response, "targetChanged", {"id": organization.pk})
    messages.success(request, note)
    return redirect(organization)
