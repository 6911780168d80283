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

    def done(self, followup: FollowUp, now: datetime) -> dict:
        """Keeping in touch is a touch, and schedules the next reminder a cadence on."""
        last = Contact.objects.filter(pk=followup.contact_id).values_list(
            "last_interaction_at", flat=True
        ).first()
        keep_in_touch_done(followup)
        return {"last_interaction_at": last.isoformat() if last else None}

    def undo_done(self, followup: FollowUp, changed: dict) -> None:
        """The next reminder that doing it made goes; the touch it was goes too, unless
        a later one has come since."""
        FollowUp.objects.filter(
            kind=self.name, contact_id=followup.contact_id, created_at__gte=followup.completed_at
        ).open().delete()
        last = changed.get("last_interaction_at")
        Contact.objects.filter(
            pk=followup.contact_id, last_interaction_at=followup.completed_at
        ).update(last_interaction_at=datetime.fromisoformat(last) if last else None)
