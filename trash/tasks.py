from celery import shared_task

from trash.services import purge


@shared_task
def empty_old_trash() -> int:
    """Delete for good what has been in the Trash longer than TRASH_KEEP_DAYS."""
    return purge()
