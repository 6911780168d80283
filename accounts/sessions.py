"""SESSION_ENGINE: Django's database sessions, where a session signed in through
Django's ModelBackend reads as signed in through accounts.backends.ModelBackend (its
subclass, which reads the Profile with the user). Sessions made before that backend
took Django's place in AUTHENTICATION_BACKENDS stay signed in; saved again, they name
the new one."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db

FORMER = "django.contrib.auth.backends.ModelBackend"
CURRENT = "accounts.backends.ModelBackend"


class SessionStore(db.SessionStore):
    def decode(self, session_data):
        session = super().decode(session_data)
        if session.get(BACKEND_SESSION_KEY) == FORMER:
            session[BACKEND_SESSION_KEY] = CURRENT
        return session
