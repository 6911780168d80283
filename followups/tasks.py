from celery import shared_task

from followups import services
from followups.models import Heartbeat


@shared_task
def create_meeting_followups(meeting_id: int) -> int:
    return services.create_meeting_followups([meeting_id])


@shared_task
def create_referral_followups(referral_id: int) -> int:
    return services.create_referral_followups([referral_id])


@shared_task
def sweep_followups() -> int:
    Heartbeat.beat("sweep")
    return services.sweep_missing_followups()
