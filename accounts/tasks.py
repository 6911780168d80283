from celery import shared_task

from accounts.submissions import purge_old


@shared_task
def purge_old_submissions() -> int:
    return purge_old()
