"""Keep in touch (the seeds: start before you need it; building a network takes
time): one open reminder per contact with a cadence, due a cadence after the last
time you were in touch. The scheduling rules are contacts/services.py's."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from contacts.models import KEEP_IN_TOUCH, Contact
from contacts.services import contacts_needing_keep_in_touch, keep_in_touch_done, sync_keep_in_touch
from followups.kinds import FollowUpKind, register
from followups.models import FollowUp


@register
class KeepInTouch(FollowUpKind):
    name = KEEP_IN_TOUCH
    label = "Keep in touch"
    email_subject = "Catching up"
    subject = "contacts.Contact"

    def after_save(self, label: str, ids: list[int]) -> list[int]:
        return []  # every write that changes a cadence or a touch syncs in its transaction

    def pending(self, now: datetime) -> QuerySet[Contact]:
        return contacts_needing_keep_in_touch(now)

    def repair(self, ids: list[int], now: datetime) -> int:
        return sync_keep_in_touch(ids, now).total

    def done(self, followup: FollowUp, now: datetime) -> None:
        """Keeping in touch is a touch, and schedules the next reminder a cadence on."""
        keep_in_touch_done(followup)
