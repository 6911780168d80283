from __future__ import annotations

from urllib.parse import urlencode

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
from meetings.forms import MeetingForm
from meetings.models import Kind
from netcrm.lib.http import form_data, next_url, wants_fragment
from outreach import services
from outreach.followups import Nudge
from outreach.forms import AnswerForm, OutreachForm
from outreach.models import Answer, Channel, Outreach
from trash.views import delete_owned

# The one-tap answers, in the order the buttons show them.
ANSWER_BUTTONS = [
    (Answer.ACCEPTED, "Accepted"),
    (Answer.DECLINED, "Declined"),
    (Answer.NOT_HIRING, "“We're not hiring”"),
    (Answer.NO_ANSWER, "No answer"),
    (Answer.PENDING, "Still waiting"),
]


def nudges() -> Prefetch:
    """Each request's gentle nudge, as `outreach.nudges`."""
    return Prefetch(
        "followups", queryset=FollowUp.objects.filter(kind=Nudge.name).order_by("pk"),
        to_attr="nudges",
    )


def _load(user, pk: int) -> Outreach:
    """A request as its page shows it: person, organization, name-drop, meeting, nudge."""
    return (
        Outreach.objects.with_people().prefetch_related(nudges())
        .get_for_user_or_404(user, pk=pk)
    )


@login_required
@vary_on_headers("HX-Request")
@require_GET
def outreach_list(request: HttpRequest) -> HttpResponse:
    """Every request for a meeting: those still waiting first (the longest first),
    filtered by answer, page by page."""
    answer = request.GET.get("answer", "")
    answer = answer if answer in Answer.values else ""
    mine = Outreach.objects.for_user(request.user)
    rows = mine.filter(answer=answer) if answer else mine
    page = Paginator(
        rows.with_people().waiting_first(), settings.NETCRM_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    # The counts of each answer go with the rows: a request logged from the dialog, and
    # the rows fetched again, count it at once.
    counts = mine.answer_counts()
    context = {
        "page": page, "answer": answer, "filters": urlencode({"answer": answer}) if answer else "",
        "answers": [(value, label, counts[value]) for value, label in Answer.choices],
        "total": sum(counts.values()),
    }
    template = "outreach/list.html" + ("#outreach-rows" if wants_fragment(request) else "")
    return render(request, template, context)


def _form_context(form: OutreachForm, user, contact) -> dict:
    return {"form": form, "chosen": contact, "recent": recent_contacts(user, exclude=[contact])}


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@create_once
def add_outreach(request: HttpRequest) -> HttpResponse:
    """One form, in a modal with HTMX or as a plain page; `?contact=` fills in whom."""
    contact = picked_contact(request)
    form = OutreachForm(
        form_data(request), user=request.user, contact=contact, initial={"contact": contact}
    )
    if request.method == "POST" and form.is_valid():
        outreach = form.save()
        if wants_fragment(request):
            response = render(request, "outreach/add.html#added", {"outreach": outreach})
            return trigger_client_event(response, "outreachLogged", {"id": outreach.pk})
        messages.success(request, f"Logged: you asked {outreach.contact.name}. Here is your draft.")
        return redirect(outreach)
    template = "outreach/add.html" + ("#outreach-form" if wants_fragment(request) else "")
    context = _form_context(form, request.user, contact)
    return render(request, template, context, status=422 if form.is_bound else 200)


@login_required
@require_GET
def outreach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "outreach/detail.html", _detail_context(_load(request.user, pk)))


def _detail_context(outreach: Outreach, **extra) -> dict:
    request_text = outreach.draft_request()
    context = {
        "outreach": outreach,
        "answers": ANSWER_BUTTONS,
        "request_draft": request_text,
        "request_mailto": "" if outreach.spoken else outreach.mailto(request_text),
    }
    if outreach.answer == Answer.NOT_HIRING:
        reply = outreach.draft_not_hiring()
        context["reply_draft"] = reply
        context["reply_mailto"] = "" if outreach.spoken else outreach.mailto(reply)
    return context | extra


@login_required
@vary_on_headers("HX-Request")
@require_POST
def answer_outreach(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap records their answer; HTMX gets the answer section back (with the
    not-hiring reply, when that was it), a plain post goes back."""
    outreach = _load(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        part = "#outreach-answer" if wants_fragment(request) else ""
        context = _detail_context(outreach, refused=form)
        return render(request, f"outreach/detail.html{part}", context, status=422)
    seen = form.cleaned_data["seen"] or None
    changed = services.record_answer(outreach, form.cleaned_data["answer"], seen=seen)
    outreach = _load(request.user, pk)
    note = (
        f"{outreach.contact.name}: {outreach.get_answer_display()}."
        if changed else f"It says {outreach.get_answer_display()} already."
    )
    if wants_fragment(request):
        response = render(
            request, "outreach/detail.html#outreach-answer",
            _detail_context(outreach, flash=note),
        )
        return trigger_client_event(response, "outreachAnswered", {"id": outreach.pk}) if (
            changed
        ) else response
    messages.success(request, note)
    return redirect(next_url(request) or outreach)


@login_required
@require_http_methods(["GET", "POST"])
def edit_outreach(request: HttpRequest, pk: int) -> HttpResponse:
    outreach = Outreach.objects.with_people().get_for_user_or_404(request.user, pk=pk)
    contact = picked_contact(request) if request.method == "POST" else outreach.contact
    form = OutreachForm(form_data(request), user=request.user, contact=contact, instance=outreach)
    if request.method == "POST" and form.is_valid():
        outreach = form.save()
        messages.success(request, "Request saved.")
        return redirect(outreach)
    context = _form_context(form, request.user, contact) | {"outreach": outreach}
    return render(request, "outreach/edit.html", context, status=422 if form.is_bound else 200)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@create_once
def plan_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """They said yes: the log-a-meeting form, filled in with whom, why and how long;
    saving it links the meeting to the request."""
    outreach = Outreach.objects.with_people().get_for_user_or_404(request.user, pk=pk)
    initial = {
        "contacts": [outreach.contact_id],
        "purpose": outreach.purpose,
        "length_minutes": outreach.length_minutes,
        "kind": Kind.CALL if outreach.channel == Channel.PHONE else Kind.COFFEE,
    }
    form = MeetingForm(form_data(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        services.plan_meeting(outreach, meeting)
        if wants_fragment(request):
            response = render(
                request, "outreach/plan.html#planned", {"outreach": outreach, "meeting": meeting}
            )
            return trigger_client_event(response, "meetingLogged", {"id": meeting.pk})
        messages.success(request, f"Planned: {meeting.title}. A reminder to prepare is on its way.")
        return redirect(outreach)
    chosen = form.selected_contacts()
    context = {
        "outreach": outreach, "form": form, "chosen": chosen,
        "recent": recent_contacts(request.user, exclude=chosen),
    }
    template = "outreach/plan.html" + ("#plan-form" if wants_fragment(request) else "")
    return render(request, template, context, status=422 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete_outreach(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_owned(
        request, Outreach.objects.select_related("contact"), pk, kind="request for a meeting",
        label=lambda o: f"your request to {o.contact.name}",
        phrases={"followups.followup": (
            "its gentle nudge goes with it", "{count} follow-ups about it go with it"
        )},
        done="outreach:outreach-list",
    )
