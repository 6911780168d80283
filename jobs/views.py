from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from accounts.submissions import create_once
from contacts.models import Contact, Organization
from contacts.pickers import recent_contacts
from followups.models import FollowUp, open_first
from jobs import services
from jobs.forms import LeadForm, MoveForm
from jobs.models import STATUS_ORDER, Lead, Status, counted_by_status
from jobs.reach import who_i_know_at
from jobs.targets import targets_for
from trash.views import delete_owned
from netcrm.lib.http import (
    current_path, form_data, id_from, next_url, query_text, wants_fragment,
)
from netcrm.lib import listing
from netcrm.lib.fold import Folded
from netcrm.lib.prepared import Prepared

COLUMN_LIMIT = 12  # a board of seven columns stays light on a phone; "N more" shows a column whole
ORGANIZATION_FILTER_LIMIT = 200
HISTORY_LIMIT = 50
UNNAMED = "none"  # the organization filter's value for leads whose organization nobody named


def _form_context(form: LeadForm, user) -> dict:
    chosen = form.selected_contacts()
    return {"form": form, "chosen": chosen, "recent": recent_contacts(user, exclude=chosen)}


class Column:
    """One status of the board: its leads (at most COLUMN_LIMIT), and how many in all."""

    def __init__(self, status: str, leads: list[Lead], count: int) -> None:
        self.status, self.label = status, Status(status).label
        self.leads, self.count = leads, count

    @property
    def more(self) -> int:
        return self.count - len(self.leads)


@login_required
@vary_on_headers("HX-Request")
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    """The leads by status: a board of columns (a list on a phone), filtered; with one
    status picked, that status alone, page by page."""
    if request.GET.get("view") == "list":
        leads, filters, context = _filtered(request, request.GET)
        return _lead_table(request, leads, filters, context)
    context = _board_context(request, request.GET, request.get_full_path())
    if wants_fragment(request):
        context["switch_oob"] = _filters_may_change(request)
        return render(request, "jobs/list.html#lead-board", context)
    return _lead_page(request, context)


def _filters_may_change(request: HttpRequest) -> bool:
    """Whether the Board / List switch is redrawn with the results: when the search,
    the filters or the page asked (not the list fetching itself after a lead added,
    which may be the first: no switch on the page yet)."""
    return request.htmx.trigger != "lead-board"


def _filtered(request: HttpRequest, params) -> tuple:
    """The user's leads as the filters in `params` (a QueryDict) narrow them; the
    filters; and the context that says them."""
    query = query_text(request, params=params)
    status = params.get("status", "")
    status = status if status in STATUS_ORDER else ""
    # An organization's id, or "none": the leads whose organization nobody has named yet.
    unnamed = params.get("organization") == UNNAMED
    organization_id = UNNAMED if unnamed else id_from(params.get("organization"))
    leads = Lead.objects.for_user(request.user).search(query)
    if unnamed:
        leads = leads.filter(organization__isnull=True)
    elif organization_id:
        leads = leads.filter(organization_id=organization_id)
    # The leads someone is part of (a contact's page links here for the rest of theirs);
    # another user's contact, or one deleted since, filters nothing.
    contact_id = id_from(params.get("contact"))
    with_contact = (
        Contact.objects.for_user(request.user).filter(pk=contact_id).only("pk", "name").first()
        if contact_id else None
    )
    if with_contact:
        leads = leads.filter(contacts=with_contact)
    context = {
        "query": query, "status": status, "organization_id": organization_id,
        "with_contact": with_contact,
    }
    filters = {
        "q": query, "status": status, "organization": organization_id or "",
        "contact": with_contact.pk if with_contact else "",
    }
    context["filters_kept"] = listing.query_string(filters)
    # The same but the status and the view: the board's "more" links and pages add theirs.
    context["kept_but_status"] = listing.query_string({**filters, "status": ""})
    return leads, filters, context


# The board unfiltered and the page's filters, built and compiled once a connection
# (netcrm/lib/prepared.py, issue 11).
_BOARD_COUNTS = Prepared(lambda user_id: (
    Lead.objects.filter(user_id=user_id).status_counted()
), "leads board: how many of each status")
_BOARD_CARDS = Prepared(lambda user_id: (
    Lead.objects.filter(user_id=user_id).select_related("organization")
    .prefetch_related("contacts").on_board(COLUMN_LIMIT)
), "leads board: its cards")
_ORGANIZATIONS_WITH_LEADS = Prepared(lambda user_id: (
    Organization.objects.filter(user_id=user_id, leads__isnull=False).distinct()
    .order_by(Folded("name"), "pk").values_list("pk", "name")[:ORGANIZATION_FILTER_LIMIT]
), "leads: the organizations filter")
_ANY_UNNAMED = Prepared(lambda user_id: (
    Lead.objects.filter(user_id=user_id, organization__isnull=True).values_list("pk")[:1]
), "leads: any not named yet")
_ANY_LEAD = Prepared(lambda user_id: (
    Lead.objects.filter(user_id=user_id).values_list("pk")[:1]
), "leads: any at all")


def _board_context(request: HttpRequest, params, path: str) -> dict:
    """The board at `path` (its filters in `params`): its columns, or one status a page
    at a time. A card's move comes back to `path`."""
    leads, _, context = _filtered(request, params)
    cards = leads.select_related("organization").prefetch_related("contacts")
    status = context["status"]
    if status:
        page = Paginator(cards.filter(status=status), settings.NETCRM_PAGE_SIZE).get_page(
            params.get("page")
        )
        context["page"] = page
        context["columns"] = [Column(status, list(page), page.paginator.count)]
    else:
        unfiltered = not (context["query"] or context["organization_id"]
                          or context["with_contact"])
        if unfiltered:  # the board as most open it: prepared (netcrm/lib/prepared.py)
            counts = counted_by_status(_BOARD_COUNTS(request.user.pk))
            on_board = _BOARD_CARDS(request.user.pk)
        else:
            counts = counted_by_status(leads.status_counted())
            on_board = cards.on_board(COLUMN_LIMIT)
        by_status: dict[str, list[Lead]] = {s: [] for s in STATUS_ORDER}
        for lead in on_board:
            by_status[lead.status].append(lead)
        context["columns"] = [Column(s, by_status[s], counts[s]) for s in STATUS_ORDER]
    context["total"] = sum(c.count for c in context["columns"])
    context["board_path"] = path
    return context


def _lead_page(request: HttpRequest, context: dict) -> HttpResponse:
    """The whole leads page around the board or the table: the filters' choices."""
    # Read by the template only when there are leads to filter.
    context["organizations"] = _ORGANIZATIONS_WITH_LEADS.queryset(request.user.pk)
    context["statuses"] = Status.choices
    context["any_unnamed"] = bool(_ANY_UNNAMED(request.user.pk))
    context["any_leads"] = bool(context["total"]) or bool(_ANY_LEAD(request.user.pk))
    return render(request, "jobs/list.html", context)


LEAD_COLUMNS = {
    "role": listing.Column("Role", [Lower("role")]),
    "organization": listing.Column("Organization", [Folded("organization__name")], css="wide"),
    "stage": listing.Column(
        "Stage", ["stage_rank", "outcome"], css="wide", words=("found first", "offer first")
    ),
    "next_step": listing.Column(
        "Next step", ["next_step_due"], css="wide", words=listing.COMING_DATES
    ),
    "updated": listing.Column(
        "Updated", ["updated_at"], first="desc", css="wide", words=listing.PAST_DATES
    ),
}


def _lead_table(request: HttpRequest, leads, filters: dict, context: dict) -> HttpResponse:
    """The leads as a table (compact rows on a phone), sorted by any column, paged."""
    sorting = listing.Sorting(request.GET.get("sort"), LEAD_COLUMNS, default="-updated")
    rows = leads.with_list_columns().select_related("organization")
    if context["status"]:
        rows = rows.filter(status=context["status"])
    context |= listing.list_context(request, rows, sorting, filters | {"view": "list"}) | {
        "as_list": True,
    }
    context["total"] = context["page"].paginator.count
    context["board_path"] = request.get_full_path()
    if wants_fragment(request):
        context["switch_oob"] = _filters_may_change(request)
        return render(request, "jobs/list.html#lead-results", context)
    return _lead_page(request, context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@create_once
def add_lead(request: HttpRequest) -> HttpResponse:
    """One form, in a modal with HTMX or as a plain page; `?organization=` or
    `?contact=` fill it in from the page it was opened on."""
    initial = {}
    organization_id = id_from(request.GET.get("organization"))
    if organization_id:
        organization = Organization.objects.for_user(request.user).filter(pk=organization_id)
        initial["organization_name"] = organization.values_list("name", flat=True).first() or ""
    if contact_id := id_from(request.GET.get("contact")):
        initial["contacts"] = [contact_id]
    form = LeadForm(form_data(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        lead = form.save()
        # "ACME Inc." typed when "Acme" is there already: said, with the way to merge.
        similar = Organization.objects.same_company(lead.organization) if lead.organization else []
        if wants_fragment(request):
            response = render(request, "jobs/add.html#added", {"lead": lead, "similar": similar})
            return trigger_client_event(response, "leadAdded", {"id": lead.pk})
        messages.success(request, f"Added the lead: {lead}.")
        if similar:
            messages.info(request, (
                f"You also have {', '.join(o.name for o in similar)}: the same company? "
                f"Rename {lead.organization.name} to that name (Edit, on its page) to merge them."
            ))
        return redirect(lead)
    template = "jobs/add.html#lead-form" if wants_fragment(request) else "jobs/add.html"
    status = 422 if form.is_bound else 200
    return render(request, template, _form_context(form, request.user), status=status)


@login_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = (
        Lead.objects.select_related("organization", "event")
        .prefetch_related("contacts__organization")
        .get_for_user_or_404(request.user, pk=pk)
    )
    return render(request, "jobs/detail.html", detail_context(request, lead))


def detail_context(request: HttpRequest, lead: Lead, **extra) -> dict:
    return {
        "lead": lead,
        "moves": list(lead.moves.all()[:HISTORY_LIMIT]),
        # Nobody to know at an organization nobody has named yet: the page says so.
        "reach": who_i_know_at(request.user, lead.organization) if lead.organization else None,
        "followups": list(
            FollowUp.objects.for_user(request.user).filter(lead=lead)
            .select_related("contact").order_by(open_first(), "due_at", "pk")
        ),
        # Overdue as the queue says it: due before today began, in the user's timezone.
        "today_start": request.profile.day_start(request.profile.today()),
    } | extra


@login_required
@require_http_methods(["GET", "POST"])
def edit_lead(request: HttpRequest, pk: int) -> HttpResponse:
    lead = Lead.objects.select_related("organization").get_for_user_or_404(request.user, pk=pk)
    form = LeadForm(form_data(request), user=request.user, instance=lead)
    if request.method == "POST" and form.is_valid():
        lead = form.save()
        messages.success(request, "Lead saved.")
        return redirect(lead)
    context = _form_context(form, request.user) | {"lead": lead}
    return render(request, "jobs/edit.html", context, status=422 if form.is_bound else 200)


@login_required
@vary_on_headers("HX-Request")
@require_POST
def move_lead(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap moves a lead on; HTMX gets its card back, a plain post goes back."""
    lead = (
        Lead.objects.select_related("organization")
        .prefetch_related("contacts")
        .get_for_user_or_404(request.user, pk=pk)
    )
    form = MoveForm(request.POST)
    if not form.is_valid():
        if wants_fragment(request):
            context = {"lead": lead, "flash": "That move is not one netcrm knows.",
                       "next": current_path(request) or ""}
            return render(request, "jobs/list.html#lead-card", context, status=422)
        return render(  # the lead's page, saying why
            request, "jobs/detail.html",
            detail_context(request, lead, flash="That move is not one netcrm knows."), status=422,
        )
    status, outcome = form.target()
    moved = services.move_lead(lead, status, outcome, seen=form.seen())
    if moved:
        flash = f"Moved to {lead.stage}."
    elif (lead.status, lead.outcome) == (status, outcome):  # a double tap
        flash = f"It is at {lead.stage} already."
    else:  # a card from before a move made elsewhere (another tab): that move stands
        flash = f"Nothing changed: it had already been moved to {lead.stage}."
    board = next_url(request)
    if wants_fragment(request) and board and urlsplit(board).path == reverse("jobs:lead-list"):
        # Tapped on the board: the board again, as its filters show it, the lead in its
        # new column and the counts with it; what happened said above the columns.
        context = _board_context(request, QueryDict(urlsplit(board).query), board)
        response = render(request, "jobs/list.html#lead-board", context | {
            "flash": f"{lead}: {flash}",
        })
        response = reswap(retarget(response, "#lead-board"), "outerHTML")
        return trigger_client_event(response, "leadMoved", {"id": lead.pk}) if moved else response
    if wants_fragment(request):
        context = {"lead": lead, "flash": flash, "next": current_path(request) or ""}
        response = render(request, "jobs/list.html#lead-card", context)
        return trigger_client_event(response, "leadMoved", {"id": lead.pk}) if moved else response
    messages.success(request, f"{lead}: {flash}")
    return redirect(next_url(request) or "jobs:lead-list")


@login_required
@require_http_methods(["GET", "POST"])
def delete_lead(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_owned(
        request, Lead.objects.select_related("organization"), pk, kind="lead",
        label=str,
        phrases={"jobs.leadmove": (
            "its history (1 status move) goes with it",
            "its history ({count} status moves) goes with it",
        )},
        done="jobs:lead-list",
    )


@login_required
@require_GET
def target_list(request: HttpRequest) -> HttpResponse:
    """The target companies, each with its coverage and the next step netcrm suggests."""
    targets, more = targets_for(request.user)
    return render(request, "jobs/targets.html", {"targets": targets, "more": more})
