"""Undo for done, skip and snooze.

The Undo button posts a signed token (django.core.signing) that carries what the
follow-up was before — its status, its due time, what closing it changed in its
subject — and how the action left it. Undo puts it back only if it is still as the
action left it, so a second tap, or an undo after the follow-up moved on, changes
nothing. The token is honoured for UNDO_SECONDS (and a little grace for a slow tap).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing

from followups.models import FollowUp, Status

SALT = "netcrm.followups.undo"
GRACE_SECONDS = 10


class CannotUndo(Exception):
    """The message says why (too late, changed since, gone)."""


def token(followup: FollowUp) -> str:
    """For a follow-up just done, skipped or snoozed (it carries `before`)."""
    after = followup.due_at if followup.status == Status.SNOOZED else followup.completed_at
    before = followup.before
    return signing.dumps({
        "id": followup.pk, "user": followup.user_id, "status": followup.status,
        "after": after.isoformat(),
        "before": {
            "status": before["status"], "due_at": before["due_at"].isoformat(),
            "changed": before.get("changed"),
        },
    }, salt=SALT)


def undo(user, value: str) -> FollowUp:
    """Put back the follow-up the token names, or raise CannotUndo."""
    try:
        data = signing.loads(value, salt=SALT, max_age=settings.UNDO_SECONDS + GRACE_SECONDS)
    except signing.SignatureExpired:
        raise CannotUndo("Too late to undo: it has been more than a few seconds.") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise CannotUndo("Nothing to undo.") from None
    followup = FollowUp.objects.filter(pk=data.get("id"), user=user).first()
    if followup is None or data.get("user") != user.pk:
        raise CannotUndo("Nothing to undo: it is gone.")
    followup.status = data["status"]  # as the action left it; undo checks it still is
    before = data["before"] | {"due_at": datetime.fromisoformat(data["before"]["due_at"])}
    if not followup.undo(before, datetime.fromisoformat(data["after"])):
        # A second tap on the same Undo (without JavaScript nothing stops it) finds it
        # put back already: said as done, not as a failure.
        back = FollowUp.objects.filter(
            pk=followup.pk, status=before["status"], due_at=before["due_at"], completed_at=None
        ).first()
        if back is None:
            raise CannotUndo(f"Not undone: {followup.title} has changed since.")
        return back
    return followup
