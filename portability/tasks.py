from celery import shared_task

from portability import departures, restores


@shared_task(
    time_limit=restores.TIME_LIMIT + 30, soft_time_limit=restores.TIME_LIMIT, long_running=True
)
def restore_upload(restore_id: int) -> bool:
    """Restore an uploaded backup (safe to run twice: a worker claims it once)."""
    return restores.run(restore_id)


@shared_task(time_limit=departures.TIME_LIMIT, long_running=True)
def delete_account(user_id: int) -> bool:
    """Delete an account its owner left (safe to run twice: a worker claims it once)."""
    return departures.run(user_id)


@shared_task
def resume_stalled() -> int:
    """Beat, every minute: ask again for restores whose message the broker lost, and
    for accounts left whose deletion did not happen."""
    return restores.resume_stalled() + departures.resume_stalled()
