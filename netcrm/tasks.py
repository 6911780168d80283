import logging

from celery import shared_task

from netcrm.lib import planner

logger = logging.getLogger(__name__)


@shared_task
def refresh_planner_statistics() -> float | None:
    """The query planner's statistics, where the database does not gather its own
    (SQLite: see netcrm/lib/planner.py); at beat's start and hourly."""
    seconds = planner.refresh()
    if seconds is not None:
        logger.info("planner statistics refreshed (ANALYZE) in %.3f s", seconds)
    return seconds
