"""What the API takes and gives: one Schema per shape (django-ninja, pydantic)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from contacts.models import Source
from jobs.models import TARGETS
from jobs.models import Source as LeadSource
from jobs.models import Status as LeadStatus
from meetings.models import Invited, Kind, Paid
from netcrm.lib.http import MAX_ID
from referrals.models import IntroStatus

# Choices as the schema's enums, so the docs list them and a wrong one is a 422.
SourceChoice = Literal[tuple(Source.values)]  # type: ignore[valid-type]
KindChoice = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
InvitedChoice = Literal[tuple(Invited.values)]  # type: ignore[valid-type]
PaidChoice = Literal[tuple(Paid.values)]  # type: ignore[valid-type]
IntroChoice = Literal[tuple(IntroStatus.values)]  # type: ignore[valid-type]
LeadSourceChoice = Literal[tuple(LeadSource.values)]  # type: ignore[valid-type]
LeadStatusChoice = Literal[tuple(LeadStatus.values)]  # type: ignore[valid-type]
MoveTarget = Literal[tuple(TARGETS)]  # type: ignore[valid-type]

Text = Field("", max_length=20_000)
# A row's id as the database can hold it (a bigger one is a 422, never a 500).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Message(Schema):
    detail: str


# People and organizations -----------------------------------------------------------

MET_AT = "The event or group where you met: only with source event, group or volunteering"


class OrganizationRef(Schema):
    id: int
    name: str


class ContactRef(Schema):
    id: int
    name: str
    organization: OrganizationRef | None


class OrganizationOut(Schema):
    id: int
    name: str
    website: str
    is_target: bool
    quiet_hours: str
    notes: str
    created_at: datetime


class OrganizationIn(Schema):
    name: str = Field(..., max_length=200)
    website: str = Field("", max_length=200)
    is_target: bool = False
    quiet_hours: str = Field("", max_length=200)
    notes: str = Text


class ContactOut(Schema):
    id: int
    name: str
    organization: OrganizationRef | None
    title: str
    email: str
    phone: str
    links: str
    source: str
    met_at_id: int | None = Field(None, description="The event where you met")
    tags: list[str]
    keep_in_touch_days: int | None
    notes: str
    last_interaction_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(contact) -> list[str]:
        return [tag.name for tag in contact.sorted_tags()]


class ContactIn(Schema):
    """A contact; the organization by name (reused if you have one of that name)."""

    name: str = Field(..., max_length=200)
    organization_name: str = Field("", max_length=200)
    title: str = Field("", max_length=200)
    past_organization_names: list[str] = Field(default_factory=list, max_length=10)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    links: str = Field("", max_length=5000, description="One link per line")
    source: SourceChoice = Source.KNEW.value
    met_at_id: Id | None = Field(None, description=MET_AT)
    tags: list[str] = Field(default_factory=list, max_length=50)
    keep_in_touch_days: Annotated[int, Field(ge=0, le=32767)] | None = Field(
        None, description="30, 60, 90 or 180; null: never"
    )
    notes: str = Text


class ContactPatch(Schema):
    """Only the fields sent change."""

    name: str | None = Field(None, max_length=200)
    organization_name: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=200)
    past_organization_names: list[str] | None = Field(None, max_length=10)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    links: str | None = Field(None, max_length=5000)
    source: SourceChoice | None = None
    met_at_id: Id | None = Field(None, description=MET_AT)
    tags: list[str] | None = Field(None, max_length=50)
    keep_in_touch_days: int | None = None
    notes: str | None = Field(None, max_length=20_000)


class Deleted(Schema):
    detail: str
    trash_entry: int


# Meetings and referrals --------------------------------------------------------------


class ReferralGivenIn(Schema):
    """Someone a person met suggested you talk to (found by name, or new)."""

    name: str = Field(..., max_length=200)
    organization: str = Field("", max_length=200)
    reason: str = Field("", max_length=300)
    intro_status: IntroChoice = IntroStatus.NOT_ASKED.value
    suggested_by: str = Field(
        "", max_length=20,
        description="Who of the people met gave it: one of `contacts` (its id), or \"new\" "
        "for the new person. Empty: the first person met.",
    )


class MeetingIn(Schema):
    """Log a meeting: contacts you know by id, and/or one new person by name."""

    contacts: list[Id] = Field(default_factory=list, max_length=50)
    new_contact_name: str = Field("", max_length=200)
    new_contact_organization: str = Field("", max_length=200)
    kind: KindChoice = Kind.COFFEE.value
    starts_at: datetime | None = Field(None, description="Default: now")
    length_minutes: int = Field(15, ge=-MAX_ID, le=MAX_ID)
    location: str = Field("", max_length=200)
    purpose: str = Text
    notes: str = Text
    questions: str = Text
    outcome: str = Text
    invited_by: InvitedChoice = Invited.ME.value
    paid_by: PaidChoice = Paid.ME.value
    referrals: list[ReferralGivenIn] = Field(default_factory=list, max_length=12)


class MeetingOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime
    length_minutes: int
    location: str
    purpose: str
    notes: str
    questions: str
    outcome: str
    invited_by: str
    paid_by: str
    contacts: list[ContactRef]
    created_at: datetime

    @staticmethod
    def resolve_contacts(meeting) -> list:
        return list(meeting.contacts.all())


class ReferralOut(Schema):
    id: int
    referrer: ContactRef
    referred: ContactRef
    reason: str
    intro_status: str
    progress: str
    referred_on: date
    meeting_id: int | None
    created_at: datetime


class MeetingDetailOut(MeetingOut):
    referrals_given: list[ReferralOut]


class ReferralIn(Schema):
    """On a contact: someone they suggested (`gave`), or who suggested them (`received`),
    found by name among your contacts (at `organization`, if given) or added."""

    contact: Id
    direction: Literal["gave", "received"] = "gave"
    name: str = Field(..., max_length=200)
    organization: str = Field("", max_length=200)
    reason: str = Field("", max_length=300)
    intro_status: IntroChoice = IntroStatus.NOT_ASKED.value


class Chains(Schema):
    contact: ContactRef
    chains: list[list[ContactRef]] = Field(
        ..., description="Each way you reached them: [first link, …, them], shortest first"
    )


# Follow-ups --------------------------------------------------------------------------


class FollowUpOut(Schema):
    id: int
    kind: str
    status: str
    title: str
    draft: str
    due_at: datetime
    contact: ContactRef | None
    meeting_id: int | None
    referral_id: int | None
    lead_id: int | None
    completed_at: datetime | None


class QueueCounts(Schema):
    overdue: int
    today: int
    upcoming: int


class Queue(Schema):
    overdue: list[FollowUpOut]
    due_today: list[FollowUpOut]
    upcoming: list[FollowUpOut]
    counts: QueueCounts
    total: int
    more: int = Field(..., description="Due by today, beyond the ones listed")


class FollowUpAction(Schema):
    followup: FollowUpOut
    changed: bool = Field(..., description="False when it was closed already")


class SnoozeIn(Schema):
    days: Literal[1, 3, 7, 14] | None = None
    until: date | None = Field(None, description="A day after today")


# Leads -----------------------------------------------------------------------------


class LeadOut(Schema):
    id: int
    role: str
    organization: OrganizationRef | None = Field(..., description="null: not named yet")
    posting_url: str
    source: str
    event_id: int | None
    found_on: date
    notes: str
    status: str
    outcome: str
    moved_at: datetime
    contacts: list[ContactRef]
    created_at: datetime

    @staticmethod
    def resolve_contacts(lead) -> list:
        return list(lead.contacts.all())


class LeadIn(Schema):
    organization_name: str | None = Field(
        "", max_length=200,
        description="Empty or null while nobody has named it (a recruiter's client)",
    )
    role: str = Field(..., max_length=200)
    posting_url: str = Field("", max_length=200)
    source: LeadSourceChoice = LeadSource.JOB_BOARD.value
    event_id: Id | None = None
    found_on: date | None = Field(None, description="Default: today")
    status: LeadStatusChoice = LeadStatus.FOUND.value
    notes: str = Text
    contacts: list[Id] = Field(default_factory=list, max_length=50)


class LeadMoveIn(Schema):
    to: MoveTarget = Field(..., description="A status, or an outcome (which closes it)")
    from_status: LeadStatusChoice | None = Field(
        None, description="The status you saw: the move happens only from there"
    )
    from_outcome: str = ""


class LeadMoved(Schema):
    lead: LeadOut
    moved: bool
