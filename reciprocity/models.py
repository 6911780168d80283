from __future__ import annotations

from django.db import models
from django.utils import timezone

from contacts.models import Contact
from netcrm.lib.models import OwnedModel
from netcrm.lib.urls import reverse_pk


class Ask(models.TextChoices):
    TIME = "time", "Asked for 15 minutes of my time"
    INTRODUCTION = "introduction", "Asked for an introduction"
    ADVICE = "advice", "Asked for advice"
    OTHER = "other", "Something else"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    REPLIED = "replied", "Replied"
    HELPED = "helped", "Helped"
    DECLINED = "declined", "Declined"


class InboundRequest(OwnedModel):
    """Someone asked you for help: a nervous stranger's 15 minutes, an introduction."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="inbound_requests"
    )
    ask = models.CharField("they", max_length=20, choices=Ask, default=Ask.TIME)
    details = models.TextField(blank=True)
    received_at = models.DateTimeField("when", default=timezone.now)
    status = models.CharField(max_length=10, choices=RequestStatus, default=RequestStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["user", "-received_at"], name="inbound_user_received_idx")]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_ask_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse_pk("reciprocity:request-detail", self.pk)
