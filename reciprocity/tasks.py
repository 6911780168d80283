from celery import shared_task

from reciprocity import services


@shared_task
def create_reply_followup(request_id: int) -> int:
    return services.create_reply_followups([request_id])
