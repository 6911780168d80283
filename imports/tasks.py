from celery import shared_task

from imports import services
from netcrm.lib import planner


@shared_task(long_running=True)
def import_batch(batch_id: int) -> int:
    """Import a confirmed batch (safe to run twice: each chunk is claimed once). Then
    the planner's statistics (SQLite), which a file of thousands of contacts leaves far
    behind: beat's hourly refresh would come too late for the pages the user opens next."""
    done = services.run_import(batch_id)
    if done:
        planner.refresh()
    return done


@shared_task
def resume_imports() -> int:
    """Beat, every minute: ask again for batches whose message the broker lost."""
    return services.resume_stalled()
