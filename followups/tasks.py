from celery import shared_task

from followups import services


@shared_task
def create_meeting_followups(meeting_id: int) -> int:
    return services.create_thank_yous([meeting_id])


@shared_task
def sweep_followups() -> int:
    return services.sweep_missing_followups()
