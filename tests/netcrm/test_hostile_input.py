"""No input gives a 500, and no typing is lost.

Every page (every URL pattern but the admin's) is fetched with hostile values in
each query parameter it reads, and every form on those pages is posted with
hostile values in each field, with and without (malformed) htmx headers, for a
user in an odd timezone. What is driven is found, not listed: the URL patterns
from the resolver, the query parameters a view reads from a recording QueryDict,
the forms and their fields from the pages' HTML (as a browser sees them). So a
new page or a new field is covered without touching this file.

Asserted: never a 500 (the test client raises the view's exception), and a form
answering 422 shows back, in each field it renders, what was typed. Runs on
SQLite and PostgreSQL alike (DATABASE_URL picks): PostgreSQL refuses NUL in text
and enforces column lengths, SQLite does neither.

Function-scoped fixtures live for the whole test, not per example, so each
example runs inside a savepoint that it rolls back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.http import QueryDict
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Profile
from events.models import Event
from imports.services import preview
from jobs.models import Lead
from meetings.models import QuestionTemplate
from outreach.models import Answer, Outreach
from portability.models import CalendarFeed
from reciprocity.models import InboundRequest
from referrals.models import Referral
from tests.factories import make_contact, make_followup, make_meeting

pytestmark = pytest.mark.django_db

# --- Hostile values ------------------------------------------------------------------

CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"
HUGE = "x" * 100_000
TEXT = [
    "\x00", "a\x00b", CONTROL, "\u200b\u202e\ufeff", HUGE, "ﷺ" * 100, "a" * 101,
    ",".join(f"t{i}" for i in range(500)), "<script>alert(1)</script>", "%00", " ", "",
    '"\'><&', "Ω≈ç√∫" * 60, "\n" * 50,
]
DATES = [
    "9999-12-31T23:59", "9999-12-31 23:59", "9999-12-31", "0001-01-01T00:00", "0001-01-01",
    "10000-01-01T00:00", "2024-02-30T10:00", "2024-03-10T02:30", "2024-11-03T01:30",
    "9999-12-31T23:59:59.999999-12:00", "0001-01-01T00:00+14:00", "1899-12-31T23:59",
    "2200-12-31T23:59", "1900-01-01T00:00", "2201-01-01", "yesterday",
]
NUMBERS = [
    "-1", "0", "1e309", "9" * 5000, "99999999999999999999", "-99999999999999999999", "NaN",
    "inf", "1.5", "٣", " 7 ", "0x10", "+5", "32768", "65536",
]
ANY = TEXT + DATES + NUMBERS
# Every parameter of every page at once: the values that broke something once.
PAGE_VALUES = ["a\x00b" + CONTROL, HUGE, "9" * 5000]
TIMEZONES = [
    "Etc/GMT+12", "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu", "UTC",
    "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "America/Los_Angeles",
]
NOT_URLS = ["http://[", "\x00", HUGE, "javascript:alert(1)", "http://testserver:99999/",
            "//", "http://testserver/%", "http://testserver/\x00", "::::", ""]

text_values = st.one_of(st.sampled_from(TEXT), st.text(max_size=40))
date_values = st.one_of(
    st.sampled_from(DATES),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M").zfill(16)),
    st.dates().map(lambda d: d.isoformat()),
)
number_values = st.one_of(
    st.sampled_from(NUMBERS), st.integers().map(str), st.floats().map(str)
)
any_values = st.one_of(text_values, date_values, number_values)


def values_for(kind: str):
    return {"date": date_values, "number": number_values}.get(kind, any_values)


# The values every field of a kind gets at once, in turn (hypothesis mixes the rest).
FIXED = {
    "date": ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59:59.999999-12:00"],
    "number": ["9" * 5000],
    "text": ["a\x00b" + CONTROL, HUGE, "ﷺ" * 100],
    "choice": ["\x00"],
    "hidden": ["9" * 5000],
}


htmx_headers = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {"HX-Request": st.sampled_from(["true", "false", "\x00", HUGE])},
        optional={
            "HX-Current-URL": st.one_of(st.sampled_from(NOT_URLS), st.text(max_size=30)),
            "HX-Current-URL-URI-AutoEncoded": st.sampled_from(["true", "%", "false"]),
            "HX-Target": text_values,
            "HX-Trigger": text_values,
            "HX-Trigger-Name": text_values,
            "HX-Prompt": text_values,
            "HX-Boosted": st.sampled_from(["true", "1", "\x00"]),
            "HX-History-Restore-Request": st.sampled_from(["true", "yes", "\x00"]),
        },
    ),
)


# --- What there is to drive ----------------------------------------------------------

SKIPPED_PREFIXES = ("admin:",)
SKIPPED_NAMES = {"logout"}  # it would end the session the other requests need
COMMON_PARAMS = {"q", "page", "contact", "contacts", "focus", "index", "pick", "compact", "next"}


def url_patterns(resolver=None, namespace="", prefix=""):
    """(name, route regex, converters) of every URL pattern, walking includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            name = namespace + entry.name
            if not name.startswith(SKIPPED_PREFIXES) and name not in SKIPPED_NAMES:
                yield name, prefix + str(entry.pattern), entry.pattern.converters


def fill(route: str, value_for) -> str:
    """A path for a route: each <converter:name> replaced by value_for(converter)."""
    return "/" + re.sub(
        r"<(?:(\w+):)?(\w+)>", lambda m: str(value_for(m.group(1) or "str")), route
    ).lstrip("^")


class RecordingQueryDict(QueryDict):
    """A QueryDict that remembers every key a view asks for."""

    def _note(self, key):
        READ_PARAMS.add(key)
        LAST_READ.add(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


READ_PARAMS: set[str] = set()  # by every view
LAST_READ: set[str] = set()  # by the latest request


def record_get_keys(get_response):
    """Test middleware: request.GET records the keys the view reads."""

    def middleware(request):
        LAST_READ.clear()
        recording = RecordingQueryDict(request.META.get("QUERY_STRING", ""), mutable=True)
        request.GET = recording
        return get_response(request)

    return middleware


@dataclass
class Field:
    name: str
    kind: str  # text, date, number, choice, hidden, password
    value: str  # a valid (or at least plausible) value: what the page offered
    shown: bool  # typed text the page renders back into the field


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def defaults(self) -> dict[str, list[str]]:
        data: dict[str, list[str]] = {}
        for f in self.fields.values():
            data.setdefault(f.name, []).append(f.value)
        return data


INPUT_KINDS = {
    "date": "date", "datetime-local": "date", "time": "date", "number": "number",
    "hidden": "hidden", "password": "password", "checkbox": "choice", "radio": "choice",
    "submit": "choice", "button": "choice", "search": "search",
    "file": "file",  # posted as text (no file): the form must say "choose a file", not fail
}
PLAUSIBLE = {"text": "Sara Smith", "date": "2030-06-01T09:00", "number": "15",
             "password": "correct-horse-battery", "email": "sara@example.com"}


class FormParser(HTMLParser):
    """Every POST form of a page: its action and its fields with the page's values."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self.form, self.select, self.textarea = page, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.form = Form(action=a.get("action") or self.page)
            self.forms.append(self.form)
        if self.form is None or not a.get("name") and tag != "option":
            return
        name = a.get("name", "")
        if tag == "input":
            type_ = a.get("type", "text").lower()
            kind = INPUT_KINDS.get(type_, "text")
            if type_ in ("checkbox", "radio") and name in self.form.fields:
                return  # keep the first choice
            if type_ in ("submit", "button") and not name:
                return
            value = a.get("value", "") or PLAUSIBLE.get(type_) or PLAUSIBLE.get(kind, "")
            value = value if value != PLAUSIBLE["text"] else f"Typed {name}"
            self.form.fields[name] = Field(name, kind, value, kind in ("text", "date", "number"))
        elif tag == "textarea":
            self.textarea = self.form.fields[name] = Field(name, "text", "", True)
        elif tag == "select":
            self.select = self.form.fields[name] = Field(name, "choice", "", False)
        elif tag == "option" and self.select is not None:
            if not self.select.value or "selected" in a:
                self.select.value = a.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.textarea.value = self.textarea.value.lstrip("\n") or "Typed text"
            self.textarea = None


@dataclass
class Site:
    pages: dict[str, str]  # URL name -> a path that answers for it
    forms: dict[str, Form]  # action path -> form (fields merged over every page showing it)
    params: set[str]


@pytest.fixture
def world(user, other_user):
    # Sara twice (Smyth, the first of the user's contacts, so a page about one contact that
    # asks for another, merging, finds Sara the second): the duplicates page has a pair.
    make_contact(user, "Sara Smyth", organization="Acme", email="sara@example.com")
    sara = make_contact(user, "Sara Smith", organization="Acme", tags=["friend", "data"])
    john = make_contact(user, "John Public", organization="Acme")
    make_contact(other_user, "Mallory's friend")
    meeting = make_meeting(user, [sara], purpose="hiring in data teams")
    make_meeting(user, [john], starts_at=timezone.now() + timedelta(days=3))
    make_followup(user, contact=sara, meeting=meeting)
    Referral.objects.create(user=user, referrer=sara, referred=john, reason="he knows everyone")
    InboundRequest.objects.create(user=user, contact=john, details="15 minutes?")
    QuestionTemplate.objects.create(user=user, text="How did you get started?")
    sara.log_note("Called Sara")
    Lead(user=user, organization=sara.organization, role="Data Analyst").save_new([sara])
    Event.objects.create(user=user, name="Business Breakfast").went(people=[sara])
    referral = Referral.objects.get(referrer=sara, referred=john)
    Outreach.objects.create(
        user=user, contact=john, purpose="how Acme hires", referral=referral,
        answer=Answer.ACCEPTED,
    )
    # An import in preview, with a similar name to decide on (the confirm form's radios).
    preview(user, b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                  b"Sarah,Smith,https://linkedin.com/in/sarah-smith-demo,,Acme,,1 Jan 2020\n", "c.csv")
    CalendarFeed.issue(user)
    return user, sara


def crawl(client, world) -> Site:
    """Fetch every page once (plainly, with htmx, about a contact) to find what to drive."""
    user, sara = world
    # The ids of the user's rows of every kind: a URL's <int:pk> is one of them.
    candidates = sorted({
        pk
        for model in apps.get_models()
        if any(f.name == "user" for f in model._meta.fields)
        for pk in model.objects.filter(user=user).values_list("pk", flat=True)
    })
    pages, forms = {}, {}
    READ_PARAMS.clear()
    for name, route, _ in url_patterns():
        paths = [fill(route, lambda conv, pk=pk: pk if conv == "int" else "x") for pk in candidates]
        for path in dict.fromkeys(paths):
            first = client.get(path)
            if first.status_code == 404:
                continue  # not this kind of object: try the next id
            if first.status_code != 405:  # a page (POST-only views are driven as forms)
                pages[name] = path
            about_contact = "contact" in LAST_READ  # a picker shows who is chosen
            answers = [first, client.get(path, headers={"HX-Request": "true"})]
            if about_contact:
                answers.append(client.get(path, {"contact": sara.pk}))
            for response in answers:
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    parser = FormParser(path)
                    parser.feed(response.content.decode())
                    for form in parser.forms:
                        action = urlsplit(unescape(form.action)).path or path
                        known = forms.setdefault(action, Form(action))
                        for f in form.fields.values():
                            known.fields.setdefault(f.name, f)
            break
    for action in list(forms):
        try:
            if resolve(action).view_name in SKIPPED_NAMES:
                del forms[action]
        except Resolver404:
            del forms[action]
    return Site(pages, forms, READ_PARAMS | COMMON_PARAMS)


@pytest.fixture
def site(client, world):
    from django.conf import settings as django_settings

    previous = django_settings.MIDDLEWARE
    django_settings.MIDDLEWARE = [*previous, "tests.netcrm.test_hostile_input.record_get_keys"]
    client.force_login(world[0])
    try:
        found = crawl(client, world)
    finally:
        django_settings.MIDDLEWARE = previous
    assert_found(found)
    return found


class Rollback(Exception):
    pass


def in_savepoint(user, client, tz: str, morning_hour: int, act) -> None:
    """Run one example as the user in `tz`, then undo whatever it saved."""
    try:
        with transaction.atomic():
            Profile.objects.filter(user=user).update(timezone=tz, morning_hour=morning_hour)
            client.force_login(user)
            act()
            raise Rollback
    except Rollback:
        # The session saved inside was rolled back with the rest: forget Redis's copy
        # of it too (accounts/sessions.py), as a database without it would.
        client.logout()


# Forms whose plain POST still refuses a mistake with a bare 400 (being fixed on its own).
def assert_typed_shown(response, form: Form, data: dict[str, list[str]]) -> None:
    """A form that answers 422 shows back what was typed, in each field it shows; a
    refused form never answers a bare 400, nor a redirect that drops the typing with
    an error message."""
    assert response.status_code != 500
    assert response.status_code != 400, f"{form.action}: a bare 400"
    if response.status_code in (301, 302, 303):
        queued = get_messages(response.wsgi_request)._queued_messages
        refused = [str(m) for m in queued if m.level >= message_levels.WARNING]
        assert not refused, f"{form.action}: redirected with {refused}, what was typed is lost"
    if response.status_code != 422:
        return
    body = response.content.decode()
    for name, values in data.items():
        f = form.fields.get(name)
        if f is None or not f.shown or f'name="{name}"' not in body:
            continue
        for value in values:
            assert escape(value) in body, f"{form.action}: {name!r} lost what was typed"


HYPOTHESIS = settings(
    max_examples=40, deadline=None, database=None, derandomize=True,
    suppress_health_check=list(HealthCheck),
)


# --- The tests -----------------------------------------------------------------------


def assert_found(site: Site) -> None:
    """The crawl finds the pages and forms it should (else the tests prove little)."""
    assert {"contacts:contact-list", "meetings:log-meeting", "home:contact-detail"} <= set(
        site.pages
    )
    actions = {resolve(a).view_name for a in site.forms}
    assert {
        "meetings:log-meeting", "meetings:edit-meeting", "contacts:create-contact",
        "contacts:log-note", "home:add-followup", "reciprocity:log-request",
        "referrals:add-referral", "accounts:settings", "followups:snooze",
        "contacts:bulk-keep-in-touch", "contacts:set-keep-in-touch",
        "reciprocity:answer-request",
        "jobs:add-lead", "jobs:edit-lead", "jobs:move-lead", "contacts:set-target",
        "events:add-event", "events:edit-event", "events:went-again", "events:add-people",
        "outreach:add-outreach", "outreach:edit-outreach", "outreach:answer-outreach",
        "outreach:plan-meeting",
        "imports:upload", "imports:confirm", "imports:discard",
        # The restore form is offered to an empty account only (this one has data);
        # tests/portability/test_views.py posts bad uploads to it.
        "portability:issue-calendar-feed", "portability:revoke-calendar-feed", "portability:leave",
        "merging:merge-contact", "merging:dismiss-pair",
    } <= actions, actions
    assert {"imports:import-list", "imports:batch"} <= set(site.pages)
    assert {
        "jobs:lead-list", "jobs:lead-detail", "home:organization-detail", "jobs:targets",
        "portability:data", "portability:leave", "portability:goodbye",
    } <= set(site.pages)
    assert {"events:event-list", "events:event-detail", "events:add-people"} <= set(site.pages)
    assert {"outreach:outreach-list", "outreach:outreach-detail"} <= set(site.pages)
    assert {"merging:duplicates", "merging:merge-contact"} <= set(site.pages)
    merge = next(f for a, f in site.forms.items() if resolve(a).view_name == "merging:merge-contact")
    assert {"contact", "name"} <= set(merge.fields), merge.fields  # the merge page, not the picker
    assert {"q", "page", "index", "focus"} <= site.params


def test_every_page_answers_every_query(client, world, site):
    """Each page with each fixed hostile value in every parameter it reads, then
    random mixes with malformed htmx headers and odd timezones."""
    user = world[0]
    for name, path in site.pages.items():
        for value in PAGE_VALUES:
            def act(path=path, value=value):
                response = client.get(path, {p: value for p in site.params})
                assert response.status_code != 500, (name, value[:50])

            in_savepoint(user, client, "Etc/GMT+12", 23, act)

    @HYPOTHESIS
    @given(
        name=st.sampled_from(sorted(site.pages)),
        query=st.dictionaries(st.sampled_from(sorted(site.params)), any_values, max_size=4),
        headers=htmx_headers,
        tz=st.sampled_from(TIMEZONES),
        hour=st.sampled_from([0, 9, 23]),
    )
    def pages(name, query, headers, tz, hour):
        in_savepoint(user, client, tz, hour, lambda: client.get(
            site.pages[name], query, headers=headers
        ))

    pages()


def test_every_form_answers_every_input(client, world, site):
    """Each field of each form with each fixed hostile value (the rest as the page
    offered them), then random mixes with malformed htmx headers and odd timezones."""
    user = world[0]
    for form in site.forms.values():
        for kind, values in FIXED.items():
            names = [f.name for f in form.fields.values() if f.kind == kind]
            for value in values if names else []:
                data = form.defaults() | {name: [value] for name in names}

                def act(form=form, data=data):
                    response = client.post(form.action, data)
                    assert_typed_shown(response, form, data)

                in_savepoint(user, client, "Etc/GMT+12", 23, act)

    actions = sorted(site.forms)

    @HYPOTHESIS
    @given(
        data=st.data(),
        action=st.sampled_from(actions),
        headers=htmx_headers,
        tz=st.sampled_from(TIMEZONES),
        hour=st.sampled_from([0, 9, 23]),
    )
    def forms(data, action, headers, tz, hour):
        form = site.forms[action]
        names = sorted(form.fields)
        hostile = data.draw(st.sets(st.sampled_from(names), max_size=3)) if names else set()
        posted = form.defaults() | {
            name: [data.draw(values_for(form.fields[name].kind), label=name)]
            for name in hostile
        }

        def act():
            assert_typed_shown(client.post(action, posted, headers=headers), form, posted)

        in_savepoint(user, client, tz, hour, act)

    forms()
