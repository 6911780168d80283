"""The signed-in user and their Profile, kept in Redis from one request to the next.

Every signed-in request needs them (accounts.backends.ModelBackend reads both in one
query). A copy is kept in the generations cache under the user's "identity"
generation (netcrm/lib/generations.py): any write to a user or a profile row changes
it, as every write to a watched table does: a new password, a deactivation, a
deletion, a new timezone, by the user, an admin or a management command. The copy is
served only while the generation it was kept under is still the current one, and the
generation and the copy are read in one round trip to Redis (issue 11: the lookup
was about a tenth of the CPU a request under load).

A write made outside netcrm (psql) shows once the copy expires (PAGE_TIMEOUT), as for
kept pages. Without Redis, every request reads the database, as before.
"""

from __future__ import annotations

from collections.abc import Callable

import django

from netcrm.lib import generations

IDENTITY = "identity"  # the part of a user's data: their auth_user and Profile rows
VERSION = 1  # bump when what is kept changes shape (a field of User or Profile)


def _key(user_id) -> str:
    # Django's version too: a model instance is pickled for the Django that made it.
    return f"signed-in:{VERSION}:{django.get_version()}:{user_id}"


def signed_in(user_id, fetch: Callable[[], object]):
    """The user `user_id`, their Profile read with them: the kept copy while their
    identity generation is the one it was kept under, else `fetch()` (None when there
    is no such user) and a copy kept."""
    key = _key(user_id)
    tokens, found = generations.current_and(user_id, IDENTITY, key)
    if tokens is not None and key in found:
        kept_under, user = found[key]
        if kept_under == tokens:
            return user
    user = fetch()
    if tokens is not None and user is not None:
        # Kept under the tokens read before the database was: a write in between
        # changed them, so this copy is never served for the newer row.
        generations.keep(key, (tokens, user), timeout=generations.PAGE_TIMEOUT)
    return user
