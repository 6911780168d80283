from celery import shared_task

from imports import services


@shared_task
def import_batch(batch_id: int) -> int:
    """Import a confirmed batch (safe to run twice: each chunk is claimed once)."""
    return services.run_import(batch_id)


@shared_task
def resume_imports() -> int:
    """Beat, every minute: ask again for batches whose message the broker lost."""
    return services.resume_stalled()
