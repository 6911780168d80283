"""The full backup: what it covers, the round trip, and the files it refuses.

Round trip: the demo account is exported, restored into a new account, and exported
again; the two files hold the same content once what must differ is set aside:
- `exported_at` (when each file was made);
- primary keys, and every key that points at one of the user's rows (foreign keys,
  many-to-many links, generic relations): a restore gives new ones. They are
  compared by position instead (the n-th contact of one file is the n-th of the
  other, and links must point at the same positions);
- the owner (the user foreign keys are not in the file at all).
Everything else is equal, timestamps included (created, updated, completed,
last interaction: a restore keeps them to the microsecond).
"""

from __future__ import annotations

import json
import zoneinfo
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import TaggedItem

from accounts.models import Profile
from contacts.models import Contact, Note, Organization
from followups.models import FollowUp
from insights.models import WeeklyGoal
from jobs.models import Lead, LeadMove
from meetings.models import Meeting, QuestionTemplate
from netcrm.management.commands.seed_demo import DEMO_USERNAME
from portability import backup
from reciprocity.models import InboundRequest
from referrals.models import Referral
from tests.conftest import make_user
from tests.factories import make_contact, make_meeting

pytestmark = pytest.mark.django_db

# What the demo account must hold for the round trip to prove something.
DEMO_MODELS = {
    Organization, Contact, Note, Meeting, QuestionTemplate, Referral, InboundRequest,
    FollowUp, Lead, LeadMove, Profile,
}


def seed_demo():
    call_command("seed_demo", stdout=StringIO())
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    WeeklyGoal.objects.create(user=user, meetings=4)
    return user


def relation_to_user(model) -> bool:
    user_model = get_user_model()
    return any(
        f.is_relation and f.related_model is user_model
        for f in model._meta.get_fields() if f.concrete
    )


def test_every_model_that_holds_a_users_rows_is_backed_up_or_left_out_for_a_reason():
    """Walks every installed model on its own: one with a relation to the user (or a
    required one to such a model) is in the backup, or in LEFT_OUT with a reason. A
    new app's model is covered without anyone listing it; leaving one out is a
    decision written down."""
    user_model = get_user_model()
    owned = {m for m in apps.get_models() if m is not user_model and relation_to_user(m)}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in owned or model is TaggedItem or model is user_model:
                continue
            if any(
                f.is_relation and f.concrete and not f.null and f.related_model in owned
                for f in model._meta.get_fields()
            ):
                owned.add(model)
                grew = True
    backed_up = set(backup.owned_models())
    left_out = {m for m in owned if m._meta.label_lower in backup.LEFT_OUT}
    missing = owned - backed_up - left_out
    assert not missing, f"neither backed up nor in LEFT_OUT: {sorted(m._meta.label for m in missing)}"
    assert backed_up.isdisjoint(left_out)
    assert DEMO_MODELS | {WeeklyGoal} <= backed_up
    for label, reason in backup.LEFT_OUT.items():
        assert apps.get_model(label) and len(reason) > 20, label


def test_parents_come_before_children():
    order = backup.owned_models()
    for index, model in enumerate(order):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model in order and not f.null and f.related_model is not model:
                assert order.index(f.related_model) < index, (model, f.name)


def normalised(dump: dict) -> dict:
    """The backup with keys replaced by positions (see the module's docstring)."""
    data = dump["data"]
    position = {
        label: {row["pk"]: index for index, row in enumerate(rows)} for label, rows in data.items()
    }
    out = {}
    for label, rows in data.items():
        model = apps.get_model(label)
        links = {}
        for f in list(model._meta.concrete_fields) + list(model._meta.many_to_many):
            target = f.related_model._meta.label_lower if f.is_relation and f.related_model else None
            if target in position:
                links[f.name] = position[target]
        normal = []
        for row in rows:
            fields = dict(row["fields"])
            for name, where in links.items():
                value = fields.get(name)
                if isinstance(value, list):
                    fields[name] = sorted(where[v] for v in value)
                elif value is not None:
                    fields[name] = where[value]
            normal.append(fields)
        out[label] = normal
    return out


@pytest.mark.parametrize("batch", [backup.BATCH, 2], ids=["batches", "two-row batches"])
def test_round_trip_of_the_demo_account_gives_the_same_content(batch, monkeypatch):
    """Rows go in a batch at a time; with batches of two, every model spans several,
    and links reach rows of other batches (and, for the circle, of later ones)."""
    monkeypatch.setattr(backup, "BATCH", batch)
    demo = seed_demo()
    first = json.loads(backup.backup_json(demo))
    for model in DEMO_MODELS:
        assert first["data"][model._meta.label_lower], f"the demo has no {model._meta.label}"
    assert first["format"] == "netcrm-backup" and first["version"] == 1

    newcomer = make_user("newcomer")
    restored = backup.restore_backup(newcomer, backup.backup_json(demo))
    second = json.loads(backup.backup_json(newcomer))

    assert normalised(second) == normalised(first)
    for label, rows in first["data"].items():
        assert restored[label] == len(rows), label
        model = apps.get_model(label)
        # New keys, and the old account keeps its own rows.
        if rows and not backup._is_single(model):
            assert not {r["pk"] for r in rows} & {r["pk"] for r in second["data"][label]}, label
    assert Contact.objects.for_user(demo).count() == Contact.objects.for_user(newcomer).count()


def test_restored_rows_link_to_the_new_accounts_rows_only():
    demo = seed_demo()
    newcomer = make_user("newcomer")
    backup.restore_backup(newcomer, backup.backup_json(demo))
    mine = set(Contact.objects.for_user(newcomer).values_list("pk", flat=True))
    assert mine
    for referral in Referral.objects.for_user(newcomer):
        assert {referral.referrer_id, referral.referred_id} <= mine
        if referral.meeting_id:
            assert referral.meeting.user == newcomer
    for meeting in Meeting.objects.for_user(newcomer).prefetch_related("contacts"):
        assert {c.pk for c in meeting.contacts.all()} <= mine
    subjects = FollowUp.objects.for_user(newcomer).select_related(
        "contact", "meeting", "referral", "inbound_request"
    )
    for followup in subjects:
        for subject in (followup.contact, followup.meeting, followup.referral, followup.inbound_request):
            assert subject is None or subject.user_id == newcomer.pk
    tagged = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Contact))
    assert tagged.filter(object_id__in=mine).count() == tagged.filter(
        object_id__in=Contact.objects.for_user(demo).values("pk")
    ).count() > 0
    for lead in Lead.objects.for_user(newcomer).prefetch_related("contacts"):
        assert lead.organization.user == newcomer
        assert {c.pk for c in lead.contacts.all()} <= mine
    assert Profile.objects.get(user=newcomer).timezone == Profile.objects.get(user=demo).timezone
    assert WeeklyGoal.objects.get(user=newcomer).meetings == 4


def test_restore_makes_no_follow_ups_of_its_own():
    """Rows are saved raw: no signal, no engine run; a sweep afterwards finds nothing missing."""
    from followups.services import sweep

    demo = seed_demo()
    newcomer = make_user("newcomer")
    backup.restore_backup(newcomer, backup.backup_json(demo))
    before = FollowUp.objects.for_user(newcomer).count()
    assert before == FollowUp.objects.for_user(demo).count()
    sweep()
    assert FollowUp.objects.for_user(newcomer).count() == before


def test_a_new_account_with_its_suggested_questions_is_empty(user):
    assert QuestionTemplate.objects.for_user(user).exists()
    assert backup.is_empty(user)
    QuestionTemplate.objects.create(user=user, text="My own question?")
    assert not backup.is_empty(user)


def test_restore_refuses_an_account_with_data_and_writes_nothing(user, other_user):
    make_contact(other_user, "Sara Smith", tags=["x"])
    dump = backup.backup_json(other_user)
    make_contact(user, "Already here")
    with pytest.raises(backup.BackupError, match="empty account"):
        backup.restore_backup(user, dump)
    assert list(Contact.objects.for_user(user).values_list("name", flat=True)) == ["Already here"]


def test_restore_replaces_the_starter_question_library(user, other_user):
    QuestionTemplate.objects.filter(user=other_user).delete()
    QuestionTemplate.objects.create(user=other_user, text="Only mine?")
    backup.restore_backup(user, backup.backup_json(other_user))
    assert list(QuestionTemplate.objects.for_user(user).values_list("text", flat=True)) == ["Only mine?"]


def test_a_self_link_and_forward_link_come_back(user, other_user):
    """A nullable link to a row later in the file (here: a referral's meeting made
    after it) is set once that row is in."""
    sara = make_contact(other_user, "Sara")
    john = make_contact(other_user, "John")
    referral = Referral.objects.create(user=other_user, referrer=sara, referred=john)
    later = make_meeting(other_user, [john])
    Referral.objects.filter(pk=referral.pk).update(met_meeting=later)
    backup.restore_backup(user, backup.backup_json(other_user))
    restored = Referral.objects.for_user(user).get()
    assert restored.met_meeting.user == user
    assert list(restored.met_meeting.contacts.values_list("name", flat=True)) == ["John"]


def test_a_lead_whose_organization_is_not_named_yet_comes_back_without_one(
    client, user, other_user
):
    """Downloaded as the Data page gives it, restored elsewhere: the lead with no
    organization is still the role alone, with its person, beside one at Acme."""
    jane = make_contact(other_user, "Jane Doe", title="Recruiter")
    Lead(user=other_user, organization=None, role="Product Manager").save_new([jane])
    Lead(user=other_user, organization=Organization.objects.named(other_user, "Acme"),
         role="Data Analyst").save_new()
    client.force_login(other_user)
    response = client.get(reverse("portability:export-backup"))
    file = b"".join(response.streaming_content)
    rows = {row["fields"]["role"]: row["fields"] for row in json.loads(file)["data"]["jobs.lead"]}
    assert rows["Product Manager"]["organization"] is None

    restored = backup.restore_backup(user, file)

    assert restored["jobs.lead"] == 2
    leads = {lead.role: lead for lead in Lead.objects.for_user(user)}
    assert leads["Product Manager"].organization is None
    assert [c.name for c in leads["Product Manager"].contacts.all()] == ["Jane Doe"]
    assert leads["Product Manager"].contacts.get().user == user
    assert leads["Data Analyst"].organization.user == user
    assert leads["Data Analyst"].organization.name == "Acme"


def good_dump(user) -> dict:
    make_contact(user, "Sara Smith", organization="Acme")
    return json.loads(backup.backup_json(user))


@pytest.mark.parametrize("mangle, reason", [
    (lambda d: b"\xff\xfe\x00garbage", "not a text"),
    (lambda d: "{not json", "not valid JSON"),
    (lambda d: json.dumps([1, 2]), "not a netcrm backup"),
    (lambda d: json.dumps({**d, "format": "other"}), "not a netcrm backup"),
    (lambda d: json.dumps({**d, "version": 99}), "version 99"),
    (lambda d: json.dumps({**d, "data": []}), "holds no data"),
    (lambda d: json.dumps({**d, "data": {"auth.user": []}}), "does not know"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": "x"}}), "malformed"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [{"pk": 1}]}}), "malformed"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A", "organization": 999}}]}}),
     "a contact's organization points to an organization that is not in it"),
    # A key edited by hand into a string: the link that names the number is the one said.
    (lambda d: json.dumps({**d, "data": {
        "contacts.organization": [{**d["data"]["contacts.organization"][0], "pk": "x"}],
        "contacts.contact": d["data"]["contacts.contact"]}}),
     "a contact's organization points to an organization that is not in it"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A" * 300}}]}}), "longer than 200"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A\x00"}}]}}), "NUL"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A", "created_at": "yesterday"}}]}}), "cannot be restored"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A", "tags": ["x" * 500]}}]}}), "tag"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A", "tags": "abc"}}]}}), "not a list"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A", "tags": [{"x": 1}]}}]}}), "not a list"),
    (lambda d: json.dumps({**d, "data": {"meetings.meeting": [
        {"pk": 1, "fields": {"contacts": [[1]]}}]}}), "not a list"),
    (lambda d: json.dumps({**d, "data": {"meetings.meeting": [
        {"pk": 1, "fields": {"contacts": 5}}]}}), "not a list"),
    (lambda d: json.dumps({**d, "data": {"meetings.meeting": [
        {"pk": 1, "fields": {"contacts": [5]}}]}}), "a meeting's .* points to a contact that is not"),
    (lambda d: json.dumps({**d, "data": {"referrals.referral": [
        {"pk": 1, "fields": {"referrer": 5, "referred": 6}}]}}),
     "a referral's referrer points to a contact that is not in it"),
    (lambda d: json.dumps({**d, "data": {
        "contacts.contact": [{"pk": 5, "fields": {"name": "Sara"}}],
        "referrals.referral": [{"pk": 1, "fields": {"referrer": 5, "referred": 6}}]}}),
     "a referral's referred person points to a contact that is not in it"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A"}}, {"pk": 1, "fields": {"name": "B"}}]}}), "twice"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [
        {"pk": 1, "fields": {"name": "A", "source": "bogus"}}]}}), "how you met is 'bogus'"),
    # What pages would fail on later: a moment no timezone can show, a timezone nobody
    # knows, an hour past 23, a contact without a name.
    (lambda d: json.dumps({**d, "data": {"meetings.meeting": [
        {"pk": 1, "fields": {"starts_at": "0001-01-01T00:00:00Z"}}]}}), "year 1, outside 1900–2200"),
    (lambda d: json.dumps({**d, "data": {"meetings.meeting": [
        {"pk": 1, "fields": {"starts_at": "9999-12-31T23:59:59Z"}}]}}), "year 9999"),
    (lambda d: json.dumps({**d, "data": {"referrals.referral": [
        {"pk": 1, "fields": {"referred_on": "1899-12-31"}}]}}), "year 1899"),
    (lambda d: json.dumps({**d, "data": {"accounts.profile": [
        {"pk": 1, "fields": {"timezone": "Mars/Olympus"}}]}}), "'Mars/Olympus', which netcrm does not take"),
    (lambda d: json.dumps({**d, "data": {"accounts.profile": [
        {"pk": 1, "fields": {"morning_hour": 99}}]}}), "which netcrm does not take"),
    (lambda d: json.dumps({**d, "data": {"contacts.contact": [{"pk": 1, "fields": {}}]}}),
     "a contact has no name"),
    (lambda d: json.dumps({**d, "version": "1"}), 'version "1"; this netcrm restores version 1'),
])
def test_a_malformed_or_foreign_file_is_refused_with_a_reason(user, other_user, mangle, reason):
    dump = json.loads(json.dumps(good_dump(other_user), cls=backup.BackupEncoder))
    with pytest.raises(backup.BackupError, match=reason):
        backup.restore_backup(user, mangle(dump))
    assert backup.is_empty(user)
    assert not Organization.objects.for_user(user).exists()


def test_admin_log_entries_are_left_out_and_skipped_in_an_older_backup(user, other_user):
    from django.contrib.admin.models import ADDITION, LogEntry

    LogEntry.objects.create(user=other_user, action_flag=ADDITION, object_repr="x")
    dump = json.loads(backup.backup_json(other_user))
    assert "admin.logentry" not in dump["data"]
    dump["data"]["admin.logentry"] = [{"pk": 1, "fields": {
        "action_time": "2026-12-01T10:00:00Z", "user": other_user.pk, "content_type": None,
        "object_id": "1", "object_repr": "forged", "action_flag": 1, "change_message": ""}}]
    backup.restore_backup(user, json.dumps(dump))
    assert not LogEntry.objects.filter(user=user).exists()


def test_a_profile_whose_timezone_is_no_longer_known_shows_pages_in_the_servers(
    client_logged_in, user
):
    from accounts.models import Profile

    Profile.objects.filter(user=user).update(timezone="Mars/Olympus")
    profile = Profile.objects.get(user=user)
    assert profile.tzinfo == zoneinfo.ZoneInfo(settings.TIME_ZONE)
    page = client_logged_in.get("/")
    assert page.status_code == 200 and "Today's follow-ups" in page.content.decode()


def test_a_row_missing_a_required_link_is_refused(user, other_user):
    sara = make_contact(other_user, "Sara")
    from contacts.models import Note as NoteModel
    NoteModel.objects.create(user=other_user, contact=sara, body="hi")
    dump = json.loads(backup.backup_json(other_user))
    dump["data"]["contacts.note"][0]["fields"]["contact"] = None
    with pytest.raises(backup.BackupError):
        backup.restore_backup(user, json.dumps(dump))
    assert not Contact.objects.for_user(user).exists()


def test_the_backup_never_holds_another_users_rows(user, other_user):
    make_contact(user, "Mine", tags=["mine"])
    make_contact(other_user, "Theirs", tags=["theirs"])
    text = backup.backup_json(user)
    assert "Mine" in text and "Theirs" not in text and "theirs" not in text
    assert other_user.username not in text and user.username not in text


JUNK = [None, [], {}, [[1]], "x" * 1000, -1, 2**70, True, "2026-13-45", "\x00"]


def test_junk_in_any_field_is_restored_or_refused_never_an_error(user, other_user):
    """Every field of every row of a small backup, in turn, holds each kind of junk:
    the restore works or says BackupError, and a refusal leaves the account empty."""
    from django.db import transaction

    sara = make_contact(other_user, "Sara", organization="Acme", tags=["t"])
    john = make_contact(other_user, "John")
    meeting = make_meeting(other_user, [sara, john], purpose="why")
    Referral.objects.create(user=other_user, referrer=sara, referred=john, meeting=meeting)
    sara.log_note("called")
    dump = json.loads(backup.backup_json(other_user))
    tried = 0
    for label, rows in dump["data"].items():
        for index, row in enumerate(rows):
            for name in row["fields"]:
                for junk in JUNK:
                    bad = json.loads(json.dumps(dump))
                    bad["data"][label][index]["fields"][name] = junk
                    try:
                        with transaction.atomic():
                            backup.restore_backup(user, json.dumps(bad))
                            raise RuntimeError("restored: roll it back")
                    except RuntimeError:
                        pass
                    except backup.BackupError:
                        assert backup.is_empty(user)
                    tried += 1
    assert tried > 300


def test_a_backup_without_settings_keeps_the_accounts_own(user, other_user):
    Profile.objects.filter(user=user).update(timezone="Asia/Kathmandu")
    make_contact(other_user, "Sara")
    dump = json.loads(backup.backup_json(other_user))
    dump["data"]["accounts.profile"] = []
    backup.restore_backup(user, json.dumps(dump))
    assert Profile.objects.get(user=user).timezone == "Asia/Kathmandu"


def test_a_backup_takes_the_same_queries_however_many_rows(user, other_user):
    """No query a row: the heavy user's 160,000 rows once took 160,000 queries
    (the owner of each, read for its natural key) and two minutes."""
    def queries_for(owner) -> int:
        with CaptureQueriesContext(connection) as captured:
            backup.backup_json(owner)
        return len(captured.captured_queries)

    few = make_contact(user, "Sara Smith", organization="Acme", tags=["data"])
    make_meeting(user, [few], purpose="hiring")
    for i in range(15):
        person = make_contact(other_user, f"Person {i}", organization=f"Org {i}", tags=["x"])
        make_meeting(other_user, [person], purpose="coffee")
    assert Contact.objects.for_user(other_user).count() == 15
    assert queries_for(other_user) == queries_for(user)


def test_a_restore_takes_the_same_queries_however_many_rows(other_user):
    """An INSERT a batch, not a row: the heavy user's 160,000 rows took 262 s one by
    one, 41 s in batches. Each account here has a link to a row later in the file (a
    referral's meeting), set afterwards in one UPDATE."""
    def account(name: str, people: int):
        owner = make_user(name)
        for i in range(people):
            sara = make_contact(owner, f"Sara {i}", organization=f"Org {i}", tags=["data"])
            john = make_contact(owner, f"John {i}")
            referral = Referral.objects.create(user=owner, referrer=sara, referred=john)
            met = make_meeting(owner, [john], purpose="coffee")
            Referral.objects.filter(pk=referral.pk).update(met_meeting=met)
        return backup.backup_json(owner)

    def queries_for(text: str) -> int:
        newcomer = make_user(f"newcomer-{len(text)}")
        with CaptureQueriesContext(connection) as captured:
            restored = backup.restore_backup(newcomer, text)
        assert restored["referrals.referral"] == Referral.objects.for_user(newcomer).count()
        assert all(r.met_meeting.user == newcomer for r in Referral.objects.for_user(newcomer))
        return len(captured.captured_queries)

    few, many = account("few", 1), account("many", 15)
    assert queries_for(few) == queries_for(many)


def test_the_backup_streamed_is_the_text_of_the_whole_dictionary(user, monkeypatch):
    """backup_text() writes, a few rows at a time, exactly what dumps() writes of the
    whole backup: every model (empty ones too), rows across chunks, odd text."""
    monkeypatch.setattr(backup, "CHUNK", 3)  # the demo's 40 contacts in 14 chunks
    demo = seed_demo()
    make_contact(demo, 'Zoë "Q" \\ O\'Neil\u2028', tags=["ünï", "a,b"])
    now = timezone.now()
    pieces = list(backup.backup_text(demo, now))
    assert "".join(pieces) == backup.dumps(backup.export_backup(demo, now))
    assert len(pieces) > Contact.objects.for_user(demo).count() / 3
    # An account with nothing but its profile: every model's list empty.
    assert "".join(backup.backup_text(user, now)) == backup.dumps(backup.export_backup(user, now))


def test_the_summary_of_a_restore_groups_thousands():
    restored = Counter({"contacts.contact": 10000, "meetings.meeting": 1, "accounts.profile": 1})
    said = backup.describe(restored)
    assert said == "10,000 contacts and 1 meeting"


def test_api_tokens_are_never_backed_up_and_an_old_backups_are_skipped(user, other_user):
    """A token is a key to the account: restored, it would let whoever held the old
    account's token into the new one (and the same token restored beside the old
    account broke the restore on its unique digest). Backups made before hold them."""
    from api.models import ApiToken

    make_contact(other_user, "Sara Smith")
    token, _ = ApiToken.issue(other_user, "cli")
    dump = json.loads(backup.backup_json(other_user))
    assert "api.apitoken" not in dump["data"]
    dump["data"]["api.apitoken"] = [  # as a backup made before held it
        {"pk": token.pk, "fields": {"name": "cli", "digest": token.digest}}
    ]
    backup.restore_backup(user, json.dumps(dump, cls=backup.BackupEncoder))
    assert Contact.objects.for_user(user).get().name == "Sara Smith"
    assert not ApiToken.objects.filter(user=user).exists()
    assert ApiToken.objects.filter(user=other_user).count() == 1


def test_a_restored_import_names_the_restored_people_and_its_undo_takes_them_back(user, other_user):
    # An import's history holds contacts' keys in its JSON (whom it made, what it
    # filled, the preview's links): restored, they are the new account's people.
    from imports import services as imports
    from imports.models import ImportBatch
    from tests.imports.helpers import import_now

    known = make_contact(user, "José N.", email="jose.nunez@example.com")
    import_now(user, "outlook.csv")  # fills in José
    made = import_now(user, "linkedin_connections.csv")
    assert made.created_ids and str(known.pk) in ImportBatch.objects.get(filename="outlook.csv").filled
    backup.restore_backup(other_user, backup.backup_json(user))

    mine = set(Contact.objects.for_user(other_user).values_list("pk", flat=True))
    restored = ImportBatch.objects.for_user(other_user).get(filename="linkedin_connections.csv")
    assert len(restored.created_ids) == len(made.created_ids) and set(restored.created_ids) <= mine
    named = {row["contact"] for row in restored.rows if row.get("contact")}
    assert named and named <= mine
    filled = ImportBatch.objects.for_user(other_user).get(filename="outlook.csv").filled
    assert filled and {int(pk) for pk in filled} <= mine

    undone = imports.undo_import(restored)
    assert undone.removed == len(made.created_ids)
    assert not Contact.objects.filter(pk__in=restored.created_ids).exists()
    assert Contact.objects.filter(pk__in=made.created_ids).count() == len(made.created_ids)  # the first account's stay
