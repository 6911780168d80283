"""The API's operations: each one is the page's use case, scoped to the token's user
(another user's id is a 404), lists paginated with ?limit=&offset=."""

import uuid

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, Query, Router
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from api import schemas as s
from api.bridge import BODY, check, created, errors_of, form_data, once, tag_string
from contacts.forms import ContactForm, OrganizationForm
from contacts.models import EVENT_SOURCES, Contact, Organization
from contacts.views import CONTACT_PHRASES
from followups.models import FollowUp
from followups.views import QUEUE_LIMIT, QUEUE_MAX, SnoozeForm, queue_context
from jobs.forms import LeadForm, MoveForm
from jobs.models import Lead
from jobs.services import move_lead
from meetings.forms import MeetingForm
from meetings.models import Meeting
from netcrm.lib.http import MAX_ID
from netcrm.lib.text import clean_text
from referrals.forms import ContactReferralForm
from referrals.graph import named_chains
from referrals.models import Referral
from trash.services import collect, consequences, move_to_trash

IdempotencyKey = Header(None, alias="Idempotency-Key", description="A UUID: a retry with "
                        "the same key creates nothing more and gets the first answer")

router = Router()


class Pages(LimitOffsetPagination):
    """?limit= (25 by default, at most NINJA_PAGINATION_MAX_LIMIT) and ?offset=, which
    stays within what the database can count to (a bigger one is a 422, not a 500)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_ID)


def search_text(q: str) -> str:
    return clean_text(q, 200).strip()


# Contacts ----------------------------------------------------------------------------

contacts = Router(tags=["contacts"])


def contact_rows(user):
    return (
        Contact.objects.for_user(user).select_related("organization").with_tags()
    )


@contacts.get("", response=list[s.ContactOut], summary="List contacts (?q= searches)")
@paginate(Pages)
def list_contacts(request: HttpRequest, q: str = ""):
    return contact_rows(request.user).search(search_text(q))


@contacts.get("/{int:pk}", response=s.ContactOut)
def get_contact(request: HttpRequest, pk: int):
    return contact_rows(request.user).get_for_user_or_404(request.user, pk=pk)


CONTACT_NAMES = {"met_at": "met_at_id"}


def contact_form(
    request: HttpRequest, values: dict, instance: Contact | None = None, sent: dict | None = None
):
    """`sent`: what the client itself sent (all of `values` unless told): an event it
    names for a contact not met at one is a mistake to say, where the page's form,
    which hides the field, drops it."""
    sent = values if sent is None else sent
    values = dict(values)
    values["met_at"] = values.pop("met_at_id", None)
    values["tags"] = tag_string(values.get("tags") or [])
    values["past_organization_names"] = ", ".join(values.get("past_organization_names") or [])
    form = ContactForm(form_data(values), instance=instance, user=request.user)
    extra = []
    # form.errors cleans the form; a source it refused is not in cleaned_data.
    if sent.get("met_at_id") is not None and "met_at" not in form.errors:
        source = form.cleaned_data.get("source")
        if source and source not in EVENT_SOURCES:
            extra.append({
                "type": "invalid", "loc": [*BODY, "met_at_id"],
                "msg": "Where you met is for a contact met at an event, a group or "
                "volunteering: send source event, group or volunteering with it, or leave "
                "met_at_id out.",
            })
    check(form, CONTACT_NAMES, extra)
    return form


@contacts.post("", response={201: s.ContactOut}, summary="Add a contact")
def create_contact(
    request: HttpRequest, payload: s.ContactIn, idempotency_key: uuid.UUID | None = IdempotencyKey
):
    def create():
        contact = contact_form(request, payload.dict()).save()
        return created(s.ContactOut, contact_rows(request.user).get(pk=contact.pk))

    return once(request, idempotency_key, create)


@contacts.patch("/{int:pk}", response=s.ContactOut, summary="Change a contact (fields sent)")
def update_contact(request: HttpRequest, pk: int, payload: s.ContactPatch):
    contact = contact_rows(request.user).get_for_user_or_404(request.user, pk=pk)
    current = {
        "name": contact.name,
        "organization_name": contact.organization.name if contact.organization else "",
        "title": contact.title,
        "past_organization_names": [o.name for o in contact.past_organizations.all()],
        "email": contact.email, "phone": contact.phone, "links": contact.links,
        "source": contact.source, "met_at_id": contact.met_at_id,
        "tags": [tag.name for tag in contact.tags.all()],
        "keep_in_touch_days": contact.keep_in_touch_days, "notes": contact.notes,
    }
    sent = payload.dict(exclude_unset=True)
    contact_form(request, current | sent, instance=contact, sent=sent).save()
    return contact_rows(request.user).get(pk=pk)


@contacts.delete("/{int:pk}", response=s.Deleted, summary="Move a contact to the Trash")
def delete_contact(request: HttpRequest, pk: int):
    contact = Contact.objects.get_for_user_or_404(request.user, pk=pk)
    said = consequences(collect(contact), contact.name, CONTACT_PHRASES)
    entry = move_to_trash(contact, kind="contact", label=contact.name, summary=said)
    return {"detail": f"Deleted {contact.name}: it is in the Trash.", "trash_entry": entry.pk}


@contacts.get("/{int:pk}/chains", response=s.Chains, summary="How you reached a contact")
def contact_chains(request: HttpRequest, pk: int):
    contact = contact_rows(request.user).get_for_user_or_404(request.user, pk=pk)
    return {"contact": contact, "chains": named_chains(request.user.pk, contact)}


# Organizations -----------------------------------------------------------------------

organizations = Router(tags=["organizations"])


@organizations.get("", response=list[s.OrganizationOut], summary="List organizations")
@paginate(Pages)
def list_organizations(request: HttpRequest, q: str = ""):
    found = Organization.objects.for_user(request.user).order_by("name", "pk")
    query = search_text(q)
    return found.filter(name__icontains=query) if query else found


@organizations.get("/{int:pk}", response=s.OrganizationOut)
def get_organization(request: HttpRequest, pk: int):
    return Organization.objects.get_for_user_or_404(request.user, pk=pk)


@organizations.post("", response={201: s.OrganizationOut}, summary="Add an organization")
def create_organization(
    request: HttpRequest, payload: s.OrganizationIn,
    idempotency_key: uuid.UUID | None = IdempotencyKey,
):
    def create():
        form = OrganizationForm(
            form_data(payload.dict()), instance=Organization(), user=request.user
        )
        check(form)
        return created(s.OrganizationOut, form.save())

    return once(request, idempotency_key, create)


# Meetings ----------------------------------------------------------------------------

meetings = Router(tags=["meetings"])


def meeting_rows(user):
    return Meeting.objects.for_user(user).with_contacts().order_by("-starts_at", "-pk")


def meeting_detail(user, pk: int) -> Meeting:
    meeting = meeting_rows(user).get_for_user_or_404(user, pk=pk)
    meeting.referrals_given = list(meeting.referrals.with_people().order_by("pk"))
    return meeting


@meetings.get("", response=list[s.MeetingOut], summary="List meetings, latest first")
@paginate(Pages)
def list_meetings(request: HttpRequest):
    return meeting_rows(request.user)


@meetings.get("/{int:pk}", response=s.MeetingDetailOut)
def get_meeting(request: HttpRequest, pk: int):
    return meeting_detail(request.user, pk)


REFERRAL_ROW_FIELDS = ("name", "organization", "reason", "intro_status")


@meetings.post(
    "", response={201: s.MeetingDetailOut},
    summary="Log a meeting (with new people and the referrals given)",
    description="The log-a-meeting form's use case: the same follow-ups (thank-you notes, "
    "preparing, calling the people referred) are made once it is saved.",
)
def create_meeting(
    request: HttpRequest, payload: s.MeetingIn, idempotency_key: uuid.UUID | None = IdempotencyKey
):
    def create():
        values = payload.dict(exclude={"referrals"})
        if values["starts_at"] is None:
            values["starts_at"] = timezone.now().replace(second=0, microsecond=0)
        rows = payload.referrals
        values |= {
            "referrals-TOTAL_FORMS": len(rows), "referrals-INITIAL_FORMS": 0,
            "referrals-MIN_NUM_FORMS": 0, "referrals-MAX_NUM_FORMS": 12,
        }
        for index, row in enumerate(rows):
            values |= {f"referrals-{index}-{name}": value for name, value in row.dict().items()}
        form = MeetingForm(form_data(values), user=request.user, ask_same_name=False)
        if not form.is_valid():  # the meeting's mistakes and each referral row's, at once
            raise ValidationError(errors_of(form, BODY) + [
                error
                for index, row in enumerate(form.referrals.forms)
                for error in errors_of(row, [*BODY, "referrals", index])
            ])
        meeting = form.save()
        return created(s.MeetingDetailOut, meeting_detail(request.user, meeting.pk))

    return once(request, idempotency_key, create)


# Referrals ---------------------------------------------------------------------------

referrals = Router(tags=["referrals"])


@referrals.get("", response=list[s.ReferralOut], summary="List referrals, latest first")
@paginate(Pages)
def list_referrals(
    request: HttpRequest, contact: int | None = Query(None, ge=1, le=MAX_ID)
):
    found = Referral.objects.for_user(request.user).with_people().order_by("-referred_on", "-pk")
    if contact is not None:
        found = found.filter(Q(referrer_id=contact) | Q(referred_id=contact))
    return found


@referrals.post("", response={201: s.ReferralOut}, summary="Add a referral on a contact")
def create_referral(
    request: HttpRequest, payload: s.ReferralIn,
    idempotency_key: uuid.UUID | None = IdempotencyKey,
):
    def create():
        contact = Contact.objects.get_for_user_or_404(request.user, pk=payload.contact)
        form = ContactReferralForm(form_data(payload.dict(exclude={"contact"})), contact=contact)
        check(form)
        referral = form.save()
        return created(
            s.ReferralOut, Referral.objects.with_people().get(pk=referral.pk)
        )

    return once(request, idempotency_key, create)


# Follow-ups --------------------------------------------------------------------------

followups = Router(tags=["follow-ups"])


@followups.get("/queue", response=s.Queue, summary="Today's queue, as on the dashboard")
def queue(
    request: HttpRequest,
    limit: int = Query(
        QUEUE_LIMIT, ge=QUEUE_LIMIT, le=QUEUE_MAX,
        description="How many of those due by today to list (`more` says how many are left)",
    ),
):
    return queue_context(request.user, request.profile, limit)


def followup_of(request: HttpRequest, pk: int) -> FollowUp:
    return FollowUp.objects.with_subjects().get_for_user_or_404(request.user, pk=pk)


@followups.post("/{int:pk}/done", response=s.FollowUpAction, summary="Mark it done")
def done(request: HttpRequest, pk: int):
    followup = followup_of(request, pk)
    return {"changed": followup.mark_done(), "followup": followup}


@followups.post("/{int:pk}/skip", response=s.FollowUpAction, summary="Skip it")
def skip(request: HttpRequest, pk: int):
    followup = followup_of(request, pk)
    return {"changed": followup.skip(), "followup": followup}


@followups.post(
    "/{int:pk}/snooze", response=s.FollowUpAction,
    summary="Snooze it for 1, 3, 7 or 14 days, or until a day after today",
)
def snooze(request: HttpRequest, pk: int, payload: s.SnoozeIn):
    followup = followup_of(request, pk)
    if not followup.is_open:
        return {"changed": False, "followup": followup}
    form = SnoozeForm(form_data(payload.dict()), profile=request.profile, due_at=followup.due_at)
    check(form)
    return {"changed": followup.snooze(form.due_at()), "followup": followup}


# Leads -------------------------------------------------------------------------------

leads = Router(tags=["leads"])


def lead_rows(user):
    return (
        Lead.objects.for_user(user).select_related("organization")
        .prefetch_related("contacts__organization")
    )


@leads.get("", response=list[s.LeadOut], summary="List leads (?status=, ?q=)")
@paginate(Pages)
def list_leads(
    request: HttpRequest, q: str = "", status: s.LeadStatusChoice | None = None
):
    found = lead_rows(request.user).search(search_text(q))
    return found.filter(status=status) if status else found


@leads.get("/{int:pk}", response=s.LeadOut)
def get_lead(request: HttpRequest, pk: int):
    return lead_rows(request.user).get_for_user_or_404(request.user, pk=pk)


@leads.post("", response={201: s.LeadOut}, summary="Add a lead")
def create_lead(
    request: HttpRequest, payload: s.LeadIn, idempotency_key: uuid.UUID | None = IdempotencyKey
):
    def create():
        values = payload.dict()
        values["event"] = values.pop("event_id")
        values["found_on"] = values["found_on"] or timezone.localdate()
        form = LeadForm(form_data(values), user=request.user)
        check(form, {"event": "event_id"})
        lead = form.save()
        return created(s.LeadOut, lead_rows(request.user).get(pk=lead.pk))

    return once(request, idempotency_key, create)


@leads.post("/{int:pk}/move", response=s.LeadMoved, summary="Move a lead to another stage")
def move(request: HttpRequest, pk: int, payload: s.LeadMoveIn):
    lead = lead_rows(request.user).get_for_user_or_404(request.user, pk=pk)
    seen = {"from_status": lead.status, "from_outcome": lead.outcome}
    if payload.from_status:
        seen = {"from_status": payload.from_status, "from_outcome": payload.from_outcome}
    form = MoveForm(form_data({"to": payload.to} | seen))
    check(form)
    status, outcome = form.target()
    moved = move_lead(lead, status, outcome, seen=form.seen())
    return {"lead": lead_rows(request.user).get(pk=pk), "moved": moved}


for prefix, child in [
    ("/contacts", contacts), ("/organizations", organizations), ("/meetings", meetings),
    ("/referrals", referrals), ("/followups", followups), ("/leads", leads),
]:
    router.add_router(prefix, child)
