"""Floor views for the benchmark: what a page costs at the least.

A floor is a bare Django view, behind the same middleware (session, user, profile,
CSRF, axes…), that renders the same base template (templates/base.html, its nav and
the account menu included) with the page's rows fetched by ONE raw SQL query and
printed plainly: no forms beyond one button a row, no partials, no ORM. A page's
"x floor" figure in bench/run.py is its median divided by its floor's median: what
the page's own work (ORM, several queries, template logic) costs on top of the
unavoidable (the request cycle, the base template, the rows themselves).

bench/run.py installs this module as ROOT_URLCONF (override_settings): every real
URL is here (netcrm.urls), plus

    /__floor__/dashboard/              what the dashboard shows: open follow-ups due
                                       by the end of today (QUEUE_LIMIT, priorities
                                       first) and the next 7 days (UPCOMING_LIMIT),
                                       with contact name; the queue's counts and the
                                       problems; this week's meetings and referrals;
                                       the next 5 meetings; the 6 newest contacts
    /__floor__/contacts/               the first page of the contact list (page size,
                                       name order) with organization name
    /__floor__/contacts/<id>/          the contact with its organization, its last 20
                                       meetings, its open follow-ups (20), the people
                                       it referred and who referred it (20 each)
    /__floor__/focus/<id>/             everyone through whom you reached the contact
                                       (one recursive walk up to depth 12, each person
                                       once with their distance), names included

Never part of the app: the test suite does not import it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.utils import timezone

from contacts.models import Contact, Organization
from followups import kinds
from followups.models import OPEN, TICK, FollowUp, Problem
from followups.views import QUEUE_LIMIT, UPCOMING_DAYS, UPCOMING_LIMIT
from meetings.models import Meeting
from netcrm.urls import urlpatterns as real_urlpatterns
from referrals.graph import MAX_DEPTH
from referrals.models import Referral

FOLLOWUPS = FollowUp._meta.db_table
CONTACTS = Contact._meta.db_table
ORGS = Organization._meta.db_table
MEETINGS = Meeting._meta.db_table
ATTENDED = Meeting.contacts.through._meta.db_table
REFERRALS = Referral._meta.db_table
PROBLEMS = Problem._meta.db_table


def _template(body: str):
    return engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}floor{% endblock %}'
        "{% block content %}" + body + "{% endblock %}"
    )


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


DASHBOARD = _template(
    "<h1>Today</h1><p>{{ counts.4 }} overdue, {{ counts.5 }} today, {{ counts.6 }} this week, "
    "{{ counts.7 }} problems</p><ul>{% for section, id, title, due_at, cid, name in items %}"
    '<li class="{{ section }}"><a href="/followups/{{ id }}/">{{ title }}</a> '
    '<a href="/contacts/{{ cid }}/">{{ name }}</a> {{ due_at|date:"D j M H:i" }}'
    '<form method="post" action="/followups/{{ id }}/done/">{% csrf_token %}'
    "<button>Done</button></form></li>{% endfor %}</ul>"
    "<p>This week: {{ week.4 }} held, {{ week.5 }} planned, {{ week.6 }} referrals</p>"
    '<ul>{% for row in meetings %}<li><a href="/meetings/{{ row.1 }}/">{{ row.2 }}</a> '
    '{{ row.3|date:"D j M, H:i" }}</li>{% endfor %}</ul>'
    '<ul>{% for row in contacts %}<li><a href="/contacts/{{ row.1 }}/">{{ row.2 }}</a> '
    "{{ row.7|default:'' }}</li>{% endfor %}</ul>"
)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Everything the dashboard shows, in one query: the queue (overdue and due today,
    priorities first), the week ahead, the queue's counts and the problems, this
    week's meetings and referrals, the next five meetings and the six newest people."""
    profile = request.profile
    today = profile.today()
    today_start = profile.day_start(today)
    tomorrow_start = profile.day_start(today + timedelta(days=1))
    week_end = profile.day_start(today + timedelta(days=1 + UPCOMING_DAYS))
    monday = today - timedelta(days=today.weekday())
    now = timezone.now()
    open_sql, open_params = _in(OPEN)
    prio_sql, prio_params = _in(kinds.priority_kinds() or ["-"])
    # Eight columns each: section, id, text, time, three numbers, a second text.
    select = (
        f"SELECT %s, f.id, f.title, f.due_at, c.id, CASE WHEN f.kind IN ({prio_sql}) "
        f"THEN 0 ELSE 1 END, CAST(NULL AS BIGINT), c.name "
        f"FROM {FOLLOWUPS} f LEFT JOIN {CONTACTS} c ON c.id = f.contact_id "
        f"WHERE f.user_id = %s AND f.status IN ({open_sql}) "
    )
    sql = (
        f"SELECT * FROM ({select} AND f.due_at <= %s ORDER BY 6, f.due_at, f.id LIMIT %s) q "
        f"UNION ALL "
        f"SELECT * FROM ({select} AND f.due_at > %s AND f.due_at <= %s "
        f"ORDER BY f.due_at, f.id LIMIT %s) u "
        f"UNION ALL "
        f"SELECT 'counts', NULL, NULL, NULL, "
        f"SUM(CASE WHEN f.due_at < %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN f.due_at >= %s AND f.due_at < %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN f.due_at >= %s THEN 1 ELSE 0 END), "
        f"CAST((SELECT COUNT(*) FROM {PROBLEMS} p WHERE p.user_id = %s) AS TEXT) "
        f"FROM {FOLLOWUPS} f WHERE f.user_id = %s AND f.status IN ({open_sql}) AND f.due_at <= %s "
        f"UNION ALL "
        f"SELECT 'week', NULL, NULL, NULL, "
        f"SUM(CASE WHEN m.starts_at <= %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN m.starts_at > %s THEN 1 ELSE 0 END), "
        f"(SELECT COUNT(*) FROM {REFERRALS} r WHERE r.user_id = %s AND r.referred_on >= %s "
        f"AND r.referred_on <= %s), NULL "
        f"FROM {MEETINGS} m WHERE m.user_id = %s AND m.starts_at >= %s AND m.starts_at < %s "
        f"UNION ALL "
        f"SELECT * FROM (SELECT 'meeting', m.id, m.kind, m.starts_at, m.length_minutes, "
        f"CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), NULL FROM {MEETINGS} m WHERE m.user_id = %s AND m.starts_at > %s "
        f"ORDER BY m.starts_at LIMIT 5) n "
        f"UNION ALL "
        f"SELECT * FROM (SELECT 'contact', c.id, c.name, c.created_at, "
        f"CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), o.name "
        f"FROM {CONTACTS} c LEFT JOIN {ORGS} o ON o.id = c.organization_id "
        f"WHERE c.user_id = %s ORDER BY c.created_at DESC, c.id DESC LIMIT 6) r"
    )
    user_id = request.user.pk
    params = [
        "queue", *prio_params, user_id, *open_params, tomorrow_start - TICK, QUEUE_LIMIT,
        "upcoming", *prio_params, user_id, *open_params, tomorrow_start - TICK,
        week_end - TICK, UPCOMING_LIMIT,
        today_start, today_start, tomorrow_start, tomorrow_start, user_id,
        user_id, *open_params, week_end - TICK,
        now, now, user_id, monday, today, user_id, profile.day_start(monday),
        profile.day_start(monday + timedelta(days=7)),
        user_id, now,
        user_id,
    ]
    rows = _fetch(sql, params)
    by = {}
    for row in rows:
        by.setdefault(row[0], []).append(row)
    items = [(r[0], r[1], r[2], r[3], r[4], r[7]) for r in by.get("queue", []) + by.get("upcoming", [])]
    context = {
        "items": items, "counts": by["counts"][0], "week": by["week"][0],
        "meetings": by.get("meeting", []), "contacts": by.get("contact", []),
    }
    return HttpResponse(DASHBOARD.render(context, request))


CONTACT_LIST = _template(
    "<h1>Contacts</h1><table>{% for id, name, title, org in rows %}"
    '<tr><td><a href="/contacts/{{ id }}/">{{ name }}</a></td><td>{{ title }}</td>'
    "<td>{{ org|default:'' }}</td></tr>{% endfor %}</table>"
)


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    rows = _fetch(
        f"SELECT c.id, c.name, c.title, o.name FROM {CONTACTS} c "
        f"LEFT JOIN {ORGS} o ON o.id = c.organization_id "
        f"WHERE c.user_id = %s ORDER BY LOWER(c.name), c.id LIMIT %s",
        [request.user.pk, settings.NETCRM_PAGE_SIZE],
    )
    return HttpResponse(CONTACT_LIST.render({"rows": rows}, request))


CONTACT = _template(
    "<h1>{{ head.1 }}</h1><p>{{ head.2 }} {{ head.3|default:'' }}</p><ul>"
    "{% for kind, id, text, at in rows %}<li>{{ kind }}: "
    "<a href=\"/{{ kind }}/{{ id }}/\">{{ text }}</a> {{ at|default:'' }}</li>{% endfor %}</ul>"
)


@login_required
def contact_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact, its organization, last 20 meetings, open follow-ups, referrals."""
    user_id = request.user.pk
    open_sql, open_params = _in(OPEN)
    sql = (
        f"SELECT 'contact', c.id, c.name, c.title, o.name, NULL FROM {CONTACTS} c "
        f"LEFT JOIN {ORGS} o ON o.id = c.organization_id WHERE c.id = %s AND c.user_id = %s "
        f"UNION ALL SELECT * FROM (SELECT 'meetings', m.id, m.kind, m.purpose, NULL, "
        f"m.starts_at FROM {MEETINGS} m JOIN {ATTENDED} a ON a.meeting_id = m.id "
        f"WHERE a.contact_id = %s AND m.user_id = %s ORDER BY m.starts_at DESC LIMIT 20) m "
        f"UNION ALL SELECT * FROM (SELECT 'followups', f.id, f.title, f.kind, NULL, f.due_at "
        f"FROM {FOLLOWUPS} f WHERE f.contact_id = %s AND f.user_id = %s "
        f"AND f.status IN ({open_sql}) ORDER BY f.due_at LIMIT 20) f "
        f"UNION ALL SELECT * FROM (SELECT 'contacts', p.id, p.name, r.progress, NULL, "
        f"r.created_at FROM {REFERRALS} r JOIN {CONTACTS} p ON p.id = r.referred_id "
        f"WHERE r.referrer_id = %s AND r.user_id = %s ORDER BY r.created_at DESC LIMIT 20) d "
        f"UNION ALL SELECT * FROM (SELECT 'contacts', p.id, p.name, r.progress, NULL, "
        f"r.created_at FROM {REFERRALS} r JOIN {CONTACTS} p ON p.id = r.referrer_id "
        f"WHERE r.referred_id = %s AND r.user_id = %s ORDER BY r.created_at DESC LIMIT 20) u"
    )
    rows = _fetch(sql, [pk, user_id, pk, user_id, pk, user_id, *open_params,
                        pk, user_id, pk, user_id])
    head = next((row[1:] for row in rows if row[0] == "contact"), None)
    if head is None:
        raise Http404
    body = [(kind, id_, text, at) for kind, id_, text, _, _, at in rows if kind != "contact"]
    return HttpResponse(CONTACT.render({"head": head, "rows": body}, request))


FOCUS = _template(
    "<h1>How you reached them</h1><ul>{% for id, name, depth in rows %}"
    '<li><a href="/contacts/{{ id }}/">{{ name }}</a> ({{ depth }} steps)</li>'
    "{% endfor %}</ul>"
)


@login_required
def focus(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone the contact was reached through, each once with their distance."""
    user_id = request.user.pk
    rows = _fetch(
        f"""
        WITH RECURSIVE walk(contact_id, depth) AS (
            SELECT referrer_id, 1 FROM {REFERRALS} WHERE user_id = %s AND referred_id = %s
            UNION
            SELECT r.referrer_id, walk.depth + 1
            FROM {REFERRALS} r JOIN walk ON r.referred_id = walk.contact_id
            WHERE r.user_id = %s AND walk.depth < %s
        )
        SELECT c.id, c.name, MIN(walk.depth) AS d FROM walk
        JOIN {CONTACTS} c ON c.id = walk.contact_id
        GROUP BY c.id, c.name ORDER BY d, c.name LIMIT 300
        """,
        [user_id, pk, user_id, MAX_DEPTH],
    )
    return HttpResponse(FOCUS.render({"rows": rows}, request))


urlpatterns = [
    path("__floor__/dashboard/", dashboard),
    path("__floor__/contacts/", contact_list),
    path("__floor__/contacts/<int:pk>/", contact_page),
    path("__floor__/focus/<int:pk>/", focus),
    *real_urlpatterns,
]
