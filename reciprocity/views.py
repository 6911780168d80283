from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.submissions import create_once
from contacts.pickers import picked_contact, recent_contacts
from followups.models import FollowUp
from netcrm.lib.dates import when
from netcrm.lib.http import form_data, wants_fragment
from reciprocity import services
from reciprocity.followups import Reply, reply_due
from reciprocity.forms import AnswerForm, InboundRequestForm
from reciprocity.models import InboundRequest
from trash.views import delete_owned

ANSWER_BUTTONS = [("replied", "I replied"), ("helped", "I helped them"), ("declined", "I declined")]


def replies() -> Prefetch:
    """Each request's priority reply follow-up, as `request.replies`."""
    return Prefetch(
        "followups",
        queryset=FollowUp.objects.filter(kind=Reply.name).order_by("pk"),
        to_attr="replies",
    )


@login_required
@vary_on_headers("HX-Request")
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    requests = (
        InboundRequest.objects.for_user(request.user)
        .select_related("contact", "contact__organization")
        .prefetch_related(replies())
        .order_by("-received_at", "-pk")
    )
    page = Paginator(requests, settings.NETCRM_PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "reciprocity/list.html#request-rows" if wants_fragment(request) else "reciprocity/list.html"
    )
    return render(request, template, {"page": page})


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@create_once
def log_request(request: HttpRequest) -> HttpResponse:
    """One form, in a modal with HTMX or as a plain page; the reply is scheduled on commit."""
    contact = picked_contact(request)
    form = InboundRequestForm(form_data(request), user=request.user, initial={"contact": contact})
    if request.method == "POST" and form.is_valid():
        inbound = form.save()
        profile = request.profile
        due = reply_due(inbound, profile)
        if wants_fragment(request):
            response = render(
                request, "reciprocity/log.html#logged", {"inbound": inbound, "reply_due": due}
            )
            return trigger_client_event(response, "requestLogged", {"id": inbound.pk})
        messages.success(
            request,
            f"Logged: {inbound}. Make it a priority: your reply is due by "
            f"{when(due.astimezone(profile.tzinfo))}.",
        )
        return redirect("reciprocity:request-detail", pk=inbound.pk)
    context = {
        "form": form,
        "chosen": contact,
        "recent": recent_contacts(request.user, exclude=[contact]),
    }
    template = "reciprocity/log.html" + ("#request-form" if wants_fragment(request) else "")
    return render(request, template, context, status=422 if form.is_bound else 200)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = (
        InboundRequest.objects.select_related("contact", "contact__organization")
        .prefetch_related(replies())
        .get_for_user_or_404(request.user, pk=pk)
    )
    return render(
        request, "reciprocity/detail.html", {"inbound": inbound, "answers": ANSWER_BUTTONS}
    )


def _with_replies(inbound: InboundRequest) -> InboundRequest:
    """The request read again as its page shows it: contact, organization, replies."""
    return (
        InboundRequest.objects.select_related("contact", "contact__organization")
        .prefetch_related(replies())
        .get(pk=inbound.pk)
    )


@login_required
@require_POST
def answer_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Replied, helped or declined: the request's reply follow-up is done."""
    inbound = InboundRequest.objects.select_related("contact").get_for_user_or_404(
        request.user, pk=pk
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():  # the request as it stands, with the answer refused and why
        part = "#request-status" if wants_fragment(request) else ""
        context = {"inbound": _with_replies(inbound), "answers": ANSWER_BUTTONS, "refused": form}
        return render(request, f"reciprocity/detail.html{part}", context, status=422)
    services.answer_request(inbound, form.cleaned_data["status"])
    note = f"{inbound.contact.name}'s request: {inbound.get_status_display().lower()}."
    if wants_fragment(request):
        inbound = _with_replies(inbound)
        response = render(
            request, "reciprocity/detail.html#request-status",
            {"inbound": inbound, "answers": ANSWER_BUTTONS, "flash": note},
        )
        return trigger_client_event(response, "requestAnswered", {"id": inbound.pk})
    messages.success(request, note)
    return redirect("reciprocity:request-detail", pk=inbound.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delete_request(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_owned(
        request, InboundRequest.objects.select_related("contact"), pk, kind="request",
        label=lambda r: f"{r.contact.name}'s request ({r.get_ask_display().lower()})",
        phrases={"followups.followup": (
            "1 follow-up about it goes with it", "{count} follow-ups about it go with it"
        )},
        done="reciprocity:request-list",
    )
