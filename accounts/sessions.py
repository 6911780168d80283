"""SESSION_ENGINE: Django's cached database sessions (`cached_db`), where a session
signed in through Django's ModelBackend reads as signed in through
accounts.backends.ModelBackend (its subclass, which reads the Profile with the user).
Sessions made before that backend took Django's place in AUTHENTICATION_BACKENDS stay
signed in; saved again, they name the new one.

The database holds every session; Redis (the "sessions" cache) a copy of each one
read or written in the last COPY_TIMEOUT seconds, so a signed-in request reads its
session without a query (issue 11). Every save and delete goes to both. Redis is only
ever a copy: when it cannot be reached, sessions are read from and written to the
database alone, nobody is signed out, and Redis is left alone for a few seconds
(netcrm/lib/generations.py's back-off). A sign-out made while Redis could not be
reached, whose copy Redis still held once back, would show after COPY_TIMEOUT at most.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import cached_db

from netcrm.lib import generations

FORMER = "django.contrib.auth.backends.ModelBackend"
CURRENT = "accounts.backends.ModelBackend"
COPY_TIMEOUT = generations.PAGE_TIMEOUT


def _named_current(session: dict) -> dict:
    if session.get(BACKEND_SESSION_KEY) == FORMER:
        session[BACKEND_SESSION_KEY] = CURRENT
    return session


class SessionStore(cached_db.SessionStore):
    def decode(self, session_data):
        return _named_current(super().decode(session_data))

    def _copy_timeout(self, **kwargs) -> int:
        return max(0, min(COPY_TIMEOUT, self.get_expiry_age(**kwargs)))

    def load(self):
        key = self.cache_key
        data = generations.guarded("reading a session", lambda: self._cache.get(key))
        if data is None:
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            timeout = self._copy_timeout(expiry=stored.expire_date)
            generations.guarded("keeping a session", lambda: self._cache.set(key, data, timeout))
        return _named_current(data)

    def exists(self, session_key):
        return bool(session_key) and (
            generations.guarded(
                "looking for a session", lambda: self.cache_key_prefix + session_key in self._cache
            )
            or self._exists_in_db(session_key)
        )

    def _exists_in_db(self, session_key):
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)  # the database's
        key, data, timeout = self.cache_key, self._session, self._copy_timeout()
        generations.guarded("keeping a session", lambda: self._cache.set(key, data, timeout))

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)  # the database's
        session_key = session_key or self.session_key
        if not session_key:
            return
        # Tried even while Redis is being left alone: a sign-out is worth a wait.
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception as error:  # noqa: BLE001 - the database's copy is gone: signed out
            generations.failed("forgetting a session", error)
