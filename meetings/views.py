from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from accounts.submissions import create_once
from contacts.models import Contact
from contacts.pickers import recent_contacts
from followups.models import FollowUp
from meetings.forms import MeetingForm, QuestionTemplateForm
from meetings.models import (
    MEETING_PEOPLE, SHORT_NOTE, Kind, Meeting, Period, QuestionTemplate, searches_text,
)
from meetings.services import restore_suggested_questions
from referrals.forms import ReferralRowFormSet
from referrals.models import Referral
from referrals.views import loop_warnings
from trash.views import delete_owned
from netcrm.lib.http import form_data, id_from, query_text, wants_fragment, whole_number
from netcrm.lib.listing import COUNTS, PAST_DATES, Column, Sorting, list_context
from netcrm.lib.prepared import Prepared

def _form_context(form: MeetingForm, user) -> dict:
    chosen = form.selected_contacts()
    return {"form": form, "chosen": chosen, "recent": recent_contacts(user, exclude=chosen)}


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@create_once
def log_meeting(request: HttpRequest) -> HttpResponse:
    """One form, in a modal with HTMX or as a plain page, saved in one transaction."""
    contact_id = id_from(request.GET.get("contact"))
    initial = {"contacts": [contact_id]} if contact_id else {}
    form = MeetingForm(form_data(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        referrals = list(meeting.referrals.select_related("referred", "referrer").order_by("pk"))
        loops = loop_warnings(request.user, referrals)
        if wants_fragment(request):
            # With several people met, each referral says whom it came from.
            several = meeting.contacts.count() > 1
            response = render(
                request, "meetings/log.html#logged",
                {"meeting": meeting, "referrals": referrals, "from_whom": several, "loops": loops},
            )
            return trigger_client_event(response, "meetingLogged", {"id": meeting.pk})
        for loop in loops:
            messages.warning(request, loop)
        follows = (
            "A reminder to prepare is on its way to your queue."
            if meeting.is_upcoming
            else "A thank-you note is on its way to your queue."
        )
        messages.success(request, f"Logged: {meeting.title}. {follows}")
        return redirect(meeting)
    template = "meetings/log.html#log-form" if wants_fragment(request) else "meetings/log.html"
    status = 422 if form.is_bound else 200
    return render(request, template, _form_context(form, request.user), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = Meeting.objects.get_for_user_or_404(request.user, pk=pk)
    form = MeetingForm(form_data(request), user=request.user, instance=meeting)
    if request.method == "POST" and form.is_valid():
        # The referrals given before: those added now may close a loop.
        before = list(meeting.referrals.values_list("pk", flat=True)) if (
            form.referrals.has_changed()) else None
        meeting = form.save()  # a participant added now still gets a thank-you
        messages.success(request, "Meeting saved.")
        if before is not None:
            added = meeting.referrals.exclude(pk__in=before).order_by("pk")
            for loop in loop_warnings(request.user, added):
                messages.warning(request, loop)
        return redirect(meeting)
    context = _form_context(form, request.user) | {
        "meeting": meeting, "given": meeting.referrals.with_people().order_by("pk"),
    }
    return render(request, "meetings/edit.html", context, status=422 if form.is_bound else 200)


# A meeting's page's queries, built and compiled once a connection (issue 11).
_MEETING = Prepared(lambda user_id, pk: (
    Meeting.objects.filter(user_id=user_id, pk=pk)
), "meeting page: the meeting")
_MEETING_FOLLOWUPS = Prepared(lambda user_id, meeting_id: (
    FollowUp.objects.filter(user_id=user_id, meeting=meeting_id).with_subjects()
), "meeting page: follow-ups")
_GIVEN = Prepared(lambda meeting_id: (
    Referral.objects.filter(meeting=meeting_id).with_people().order_by("pk")
), "meeting page: referrals given")


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _MEETING.first(request.user.pk, pk)
    if meeting is None:  # another user's id is a 404, exactly like a missing one
        raise Http404
    MEETING_PEOPLE([meeting])
    followups = _MEETING_FOLLOWUPS(request.user.pk, meeting.pk)
    given = _GIVEN(meeting.pk)
    return render(
        request, "meetings/detail.html",
        {"meeting": meeting, "followups": followups, "given": given},
    )


# A page of the meetings list, by id, with its columns (netcrm/lib/prepared.py).
_MEETING_ROWS = Prepared(lambda user_id, ids: (
    Meeting.objects.filter(user_id=user_id, pk__in=ids).order_by().with_list_columns()
), "meetings list: a page's rows")


def _meeting_rows(user_id: int, ids: list[int]) -> list[Meeting]:
    """A page of the meetings list with their people."""
    rows = _MEETING_ROWS(user_id, ids)
    MEETING_PEOPLE(rows)
    return rows


MEETING_COLUMNS = {
    "date": Column("Date", ["starts_at"], first="desc", words=PAST_DATES),
    "who": Column("Who", ["first_name"]),
    "kind": Column("Kind", ["kind"], css="wide"),
    "referrals": Column(
        "Referrals given", ["referral_count"], first="desc", css="wide num", words=COUNTS
    ),
}


@login_required
@vary_on_headers("HX-Request")
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Meetings in a table (compact rows on a phone): searched (notes, purpose, who),
    filtered by period and kind, sorted by any column, the latest first."""
    query = query_text(request)
    period = request.GET.get("period", "")
    period = period if period in Period.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    meetings = Meeting.objects.for_user(request.user).search(query).in_period(period)
    if kind:
        meetings = meetings.filter(kind=kind)
    sorting = Sorting(request.GET.get("sort"), MEETING_COLUMNS, default="-date")
    filters = {"q": query, "period": period, "kind": kind}
    context = list_context(
        request, meetings.with_list_columns().with_contacts(), sorting, filters,
        rows=lambda ids: _meeting_rows(request.user.pk, ids),
        searched=searches_text(query),  # one query for the count and the ids
    ) | {
        "query": query, "period": period, "kind": kind, "filtered": bool(period or kind),
        # The passage that matched, for a search of the text; how it was searched, else.
        "text_query": query if searches_text(query) else "",
        "short_note": SHORT_NOTE if query and not searches_text(query) else "",
        "periods": Period.choices, "kinds": Kind.choices,
    }
    template = "meetings/list.html"
    if wants_fragment(request):
        template += "#meeting-results"
    return render(request, template, context)


@login_required
@require_GET
def referral_row(request: HttpRequest) -> HttpResponse:
    """One more empty referral row for the log-a-meeting form (HTMX)."""
    index = whole_number(request.GET.get("index", ""))
    if index is None or index >= ReferralRowFormSet.max_num:
        return HttpResponse(status=204)
    row = ReferralRowFormSet(prefix="referrals").row(index)
    return render(
        request, "meetings/log.html#new-referral-row", {"row": row, "next_index": index + 1}
    )


@login_required
@require_GET
def participant_chip(request: HttpRequest, pk: int) -> HttpResponse:
    contact = Contact.objects.select_related("organization").get_for_user_or_404(
        request.user, pk=pk
    )
    return render(request, "meetings/log.html#participant-chip", {"contact": contact})


# The question library ---------------------------------------------------------------


def _library(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    """The library page, or with HTMX the library section alone (list, add form)."""
    context = {
        "questions": list(QuestionTemplate.objects.for_user(request.user)),
        "form": QuestionTemplateForm(user=request.user),
    } | context
    template = (
        "meetings/questions.html#question-library"
        if wants_fragment(request)
        else "meetings/questions.html"
    )
    return render(request, template, context, status=status)


def _library_changed(request: HttpRequest, note: str) -> HttpResponse:
    if wants_fragment(request):
        return _library(request, flash=note)
    messages.success(request, note)
    return redirect("meetings:question-list")


@login_required
@vary_on_headers("HX-Request")
@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    """The user's question templates, to pick from when preparing a meeting."""
    return _library(request)


@login_required
@vary_on_headers("HX-Request")
@require_POST
def add_question(request: HttpRequest) -> HttpResponse:
    form = QuestionTemplateForm(request.POST, user=request.user)
    if not form.is_valid():
        return _library(request, status=422, form=form)
    form.save()
    return _library_changed(request, "Question added.")


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def edit_question(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one question: in place with HTMX, or the library with that row as a form."""
    question = QuestionTemplate.objects.get_for_user_or_404(request.user, pk=pk)
    form = QuestionTemplateForm(
        form_data(request), user=request.user, instance=question, auto_id=f"id_q{pk}_%s"
    )
    if request.method == "POST" and form.is_valid():
        question = form.save()
        if wants_fragment(request):
            return render(request, "meetings/questions.html#question-row", {"question": question})
        messages.success(request, "Question saved.")
        return redirect("meetings:question-list")
    status = 422 if form.is_bound else 200
    if wants_fragment(request):
        context = {"question": question, "edit_form": form}
        return render(request, "meetings/questions.html#question-form", context, status=status)
    return _library(request, status=status, editing=question, edit_form=form)


@login_required
@vary_on_headers("HX-Request")
@require_POST
def delete_question(request: HttpRequest, pk: int) -> HttpResponse:
    QuestionTemplate.objects.get_for_user_or_404(request.user, pk=pk).delete()
    return _library_changed(request, "Question deleted.")


@login_required
@vary_on_headers("HX-Request")
@require_POST
def restore_questions(request: HttpRequest) -> HttpResponse:
    """Add back the suggested questions the library lacks (never a duplicate)."""
    added = restore_suggested_questions(request.user)
    note = f"Added {added} suggested question{'s' if added != 1 else ''}." if added else (
        "Every suggested question is in your library already."
    )
    return _library_changed(request, note)


MEETING_PHRASES = {
    "referrals.referral.meeting": (
        "1 referral given there stays, no longer tied to a meeting",
        "{count} referrals given there stay, no longer tied to a meeting",
    ),
    "referrals.referral.met_meeting": (
        "1 referral you followed up there stays, without it",
        "{count} referrals you followed up there stay, without it",
    ),
    "followups.followup": (
        "1 follow-up about it goes with it", "{count} follow-ups about it go with it"
    ),
    "meetings.meeting_contacts": (
        "1 contact met there stays in your contacts",
        "{count} contacts met there stay in your contacts",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def delete_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return delete_owned(
        request, Meeting.objects.with_contacts(), pk, kind="meeting",
        label=lambda m: f"{m.title}, {date_format(timezone.localtime(m.starts_at), 'j M Y')}",
        phrases=MEETING_PHRASES, done="meetings:meeting-list",
    )
